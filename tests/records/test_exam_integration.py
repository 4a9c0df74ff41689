"""The exams domain's real finish path issues the certificate through the attempt_finished signal."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from examapp.exams.attempts import finalise
from examapp.exams.models import Attempt, AttemptItem
from examapp.extensions import db
from examapp.records import services
from examapp.records.models import Certificate

from ..reports.test_item_analysis import question
from .conftest import make_exam


def paper(exam, user, answer: str) -> Attempt:
    version = question(f"INT-{user.id}-{answer}")
    attempt = Attempt(exam=exam, user=user, number=1, seed=1, started_at=exam.opens_at,
                      deadline_at=exam.closes_at)
    db.session.add(attempt)
    db.session.flush()
    db.session.add(AttemptItem(attempt_id=attempt.id, position=1, question_id=version.question_id,
                               question_version_id=version.id, type="single", points=Decimal(100), content={},
                               option_order=["A", "B", "C"], key="A", answer=answer))
    db.session.flush()
    return attempt


def test_finalise_issues_a_certificate_for_a_pass(org):
    exam = make_exam(title="执法资格考试", is_qualification=True, certificate_valid_months=36)
    attempt = paper(exam, org.villager, "A")
    now = exam.opens_at + timedelta(hours=1)
    assert finalise(attempt, now, finished_at=now, reason="submitted")
    db.session.commit()
    cert = db.session.scalar(select(Certificate))
    assert cert is not None and cert.attempt_id == attempt.id and cert.score == 100
    assert cert.grade == "excellent" and cert.valid_until == services.add_months(cert.passed_on, 36)
    assert services.certificate_serial_for(attempt) == cert.serial
    assert services.verify(cert.serial, today=cert.passed_on).status == "valid"


def test_finalise_issues_nothing_for_a_fail(org):
    exam = make_exam()
    attempt = paper(exam, org.villager, "C")
    now = exam.opens_at + timedelta(hours=1)
    finalise(attempt, now, finished_at=now, reason="submitted")
    db.session.commit()
    assert db.session.scalar(select(Certificate)) is None
    assert services.certificate_serial_for(attempt) is None
