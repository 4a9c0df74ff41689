"""Certificates: issue on a passed attempt, verify, revoke, list by unit."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from .. import localtime
from ..audit import record as audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..org.models import Unit, User
from ..permissions import restrict_to_scope
from . import signing
from .models import Certificate

SERIAL_TRIES = 5


def local_date(moment: datetime) -> date:
    """Return the calendar date of a UTC moment in the site's time zone."""
    return localtime.local_date(moment)


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Outcome:
    """What a certificate certifies, independent of where it came from."""

    exam_id: int
    exam_title: str
    exam_year: int
    score: float
    max_score: float
    excellent: bool
    passed_on: date
    validity_months: int | None = None
    attempt_id: int | None = None


def issue(holder: User, outcome: Outcome, *, now: datetime) -> Certificate:
    """Create and sign a certificate for one passed exam, or return the existing one."""
    existing = active_certificate(holder.id, outcome.exam_id)
    if existing is not None:
        return existing
    cert = Certificate(
        user_id=holder.id, exam_id=outcome.exam_id, attempt_id=outcome.attempt_id,
        holder_name=holder.name, unit_name=holder.unit.full_name if holder.unit else "",
        exam_title=outcome.exam_title, exam_year=outcome.exam_year,
        score=float(outcome.score), max_score=float(outcome.max_score),
        grade="excellent" if outcome.excellent else "pass", passed_on=outcome.passed_on,
        is_qualification=bool(outcome.validity_months),
        valid_until=add_months(outcome.passed_on, outcome.validity_months) if outcome.validity_months else None,
        issued_at=now,
    )
    for _try in range(SERIAL_TRIES):
        cert.serial = signing.new_serial(outcome.exam_year)
        cert.signature = signing.sign(cert.content())
        try:
            with db.session.begin_nested():
                db.session.add(cert)
            return cert
        except IntegrityError:  # serial collision (or a concurrent issue for the same attempt)
            existing = active_certificate(holder.id, outcome.exam_id)
            if existing is not None:
                return existing
    raise RuntimeError("could not allocate a certificate serial")


def active_certificate(user_id: int, exam_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.exam_id == exam_id,
                                  Certificate.revoked_at.is_(None)).order_by(Certificate.id).limit(1))


def outcome_of(attempt) -> Outcome | None:
    """Describe a finished, passed attempt as an Outcome (None when there is nothing to certify)."""
    if getattr(attempt, "state", None) != "finished" or not attempt.passed:
        return None
    exam = attempt.exam
    months = getattr(exam, "certificate_valid_months", None) if getattr(exam, "is_qualification", False) else None
    finished = attempt.finished_at or attempt.started_at
    return Outcome(exam_id=exam.id, exam_title=exam.title, exam_year=exam.year,
                   score=float(attempt.score or 0), max_score=float(attempt.max_score or 0),
                   excellent=bool(attempt.excellent), passed_on=local_date(finished),
                   validity_months=months or None, attempt_id=attempt.id)


def issue_for_attempt(attempt, *, now: datetime) -> Certificate | None:
    """Issue the certificate a passed attempt earns (idempotent)."""
    outcome = outcome_of(attempt)
    if outcome is None:
        return None
    holder = attempt.user if getattr(attempt, "user", None) is not None else db.session.get(User, attempt.user_id)
    return issue(holder, outcome, now=now)


def certificate_serial_for(attempt) -> str | None:
    """Return the serial of the certificate this attempt's exam earned its taker, if any."""
    cert = active_certificate(attempt.user_id, attempt.exam_id)
    return cert.serial if cert else None


def find(serial: str) -> Certificate | None:
    serial = signing.normalise_serial(serial)
    if not signing.serial_is_genuine(serial):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


@dataclass
class Verification:
    status: str  # valid | expired | revoked | invalid | unknown
    certificate: Certificate | None = None


def verify(serial: str, *, today: date) -> Verification:
    """Check a serial: our check code, a stored row, an intact signature, not revoked or expired."""
    cert = find(serial)
    if cert is None:
        return Verification("unknown")
    if not signing.signature_matches(cert.content(), cert.signature):
        return Verification("invalid", cert)
    if cert.is_revoked:
        return Verification("revoked", cert)
    if cert.is_expired(today):
        return Verification("expired", cert)
    return Verification("valid", cert)


def revoke(cert: Certificate, *, actor: User, reason: str, now: datetime) -> Certificate:
    """Revoke a certificate with a reason, and log it."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give a reason for the revocation."))
    if cert.is_revoked:
        raise Conflict(_("This certificate is already revoked."))
    cert.revoked_at, cert.revoked_by_id, cert.revoke_reason = now, actor.id, reason
    audit("certificate.revoke", actor=actor, target=cert.serial,
          detail={"reason": reason, "holder_id": cert.user_id, "exam_id": cert.exam_id}, now=now)
    db.session.flush()
    return cert


def mask_name(name: str) -> str:
    """Mask a person's name for the public page: 张三 -> 张*, 欧阳娜娜 -> 欧**娜."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name + "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def unit_certificates(unit: Unit, viewer: User, *, year: int | None = None) -> Select:
    """Certificates of the people now in a unit's subtree that the viewer may see."""
    stmt = (select(Certificate).join(User, Certificate.user_id == User.id)
            .join(Unit, User.unit_id == Unit.id).where(Unit.path.startswith(unit.path)))
    if year:
        stmt = stmt.where(Certificate.exam_year == year)
    return restrict_to_scope(stmt, viewer).order_by(Unit.path, User.name, Certificate.id)
