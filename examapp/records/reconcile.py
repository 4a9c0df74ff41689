"""Bring an exam's certificates in line with its results (after a regrade or a missed signal)."""

from datetime import datetime

from sqlalchemy import select

from ..audit import record as audit
from ..extensions import db
from .models import Certificate
from .services import active_certificate, issue_for_attempt


def reconcile(exam, *, now: datetime, actor=None) -> tuple[int, int]:
    """Issue missing certificates for passed attempts; revoke those no passed attempt supports.

    Returns (issued, revoked). Flushes; the caller commits.
    """
    from ..exams.models import FINISHED, Attempt

    passed = db.session.scalars(select(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.state == FINISHED, Attempt.passed.is_(True))
        .order_by(Attempt.user_id, Attempt.score.desc(), Attempt.number)).all()
    issued, holders = 0, set()
    for attempt in passed:
        if attempt.user_id in holders:
            continue
        holders.add(attempt.user_id)
        if active_certificate(attempt.user_id, exam.id) is None:
            issue_for_attempt(attempt, now=now)
            issued += 1
    revoked = 0
    stale = db.session.scalars(select(Certificate).where(
        Certificate.exam_id == exam.id, Certificate.revoked_at.is_(None),
        Certificate.user_id.not_in(holders) if holders else Certificate.id.is_not(None)))
    for cert in stale:
        cert.revoked_at, cert.revoke_reason = now, "regraded: no passed attempt"
        cert.revoked_by_id = getattr(actor, "id", None)
        revoked += 1
    if issued or revoked:
        audit("certificate.reconcile", actor=actor, target=f"exam:{exam.id}",
              detail={"issued": issued, "revoked": revoked}, now=now)
    db.session.flush()
    return issued, revoked
