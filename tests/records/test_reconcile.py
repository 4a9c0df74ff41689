"""Reconciling certificates with results after a regrade, and the CLI."""

from sqlalchemy import select, update

from examapp.exams.models import Attempt
from examapp.extensions import db
from examapp.records.models import Certificate
from examapp.records.reconcile import reconcile

from .conftest import finish_attempt


def test_reconcile_issues_missing_and_revokes_unsupported(org, exam):
    kept = finish_attempt(exam, org.learner, 80)
    lost = finish_attempt(exam, org.villager, 70)
    db.session.execute(update(Attempt).where(Attempt.id == lost.id).values(passed=False, score=50))  # regraded
    db.session.execute(Certificate.__table__.delete().where(Certificate.attempt_id == kept.id))  # signal missed
    db.session.commit()
    assert reconcile(exam, now=org.now, actor=org.admin) == (1, 1)
    db.session.commit()
    certs = {c.user_id: c for c in db.session.scalars(select(Certificate))}
    assert not certs[org.learner.id].is_revoked and certs[org.villager.id].is_revoked
    assert reconcile(exam, now=org.now) == (0, 0)


def test_cli(runner, org, exam, cert):
    result = runner.invoke(args=["records", "verify", cert.serial])
    assert result.output.strip() == f"证书 {cert.serial}：有效"
    unknown = runner.invoke(args=["records", "verify", "XF2026-AAAA-BBBB-CCCC"]).output.strip()
    assert unknown == "证书 XF2026-AAAA-BBBB-CCCC：查无此证书"
    result = runner.invoke(args=["records", "reconcile", str(exam.id)])
    assert "补发证书 0 张，撤销证书 0 张" in result.output
    missing = runner.invoke(args=["records", "reconcile", "999999"])
    assert missing.exit_code == 1 and "没有编号为 999999 的考试" in missing.output


def test_an_attempt_that_passes_again_after_its_certificate_was_revoked_gets_a_new_one(org, exam):
    """Regrade pass → fail → pass: the revoked certificate stays revoked, a new one is issued."""
    attempt = finish_attempt(exam, org.learner, 80)
    db.session.commit()
    first = db.session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id))
    db.session.execute(update(Attempt).where(Attempt.id == attempt.id).values(passed=False, score=50))
    db.session.commit()
    assert reconcile(exam, now=org.now) == (0, 1)
    db.session.commit()
    db.session.execute(update(Attempt).where(Attempt.id == attempt.id).values(passed=True, score=85))
    db.session.commit()
    assert reconcile(exam, now=org.now) == (1, 0)
    db.session.commit()
    certs = db.session.scalars(select(Certificate).where(Certificate.attempt_id == attempt.id)
                               .order_by(Certificate.id)).all()
    assert [c.id for c in certs][0] == first.id and len(certs) == 2
    assert certs[0].is_revoked and not certs[1].is_revoked and certs[1].serial != first.serial
    assert reconcile(exam, now=org.now) == (0, 0)
