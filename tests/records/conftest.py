"""Fixtures for records tests: exams with finished attempts and their certificates."""

from datetime import timedelta
from decimal import Decimal

import pytest

from examapp.db import utcnow
from examapp.exams.models import Attempt, Exam
from examapp.exams.signals import attempt_finished
from examapp.extensions import db


def make_exam(title="2026年度学法考试（宪法）", year=2026, **fields) -> Exam:
    now = utcnow()
    exam = Exam(title=title, year=year, status="published", opens_at=now - timedelta(days=10),
                closes_at=now + timedelta(days=10), pass_mark=Decimal(60), excellent_mark=Decimal(90),
                **fields)
    db.session.add(exam)
    db.session.flush()
    return exam


def finish_attempt(exam: Exam, user, score, *, number=1, max_score=100, now=None) -> Attempt:
    """Create a finished attempt and send attempt_finished as the exams domain does."""
    now = now or utcnow()
    score = Decimal(str(score))
    attempt = Attempt(exam=exam, user=user, number=number, seed=number, started_at=now - timedelta(minutes=30),
                      deadline_at=now + timedelta(minutes=60), state="finished", finished_at=now,
                      finish_reason="submitted")
    db.session.add(attempt)
    db.session.flush()
    attempt.record_result(score=score, max_score=Decimal(max_score), passed=score >= exam.pass_mark,
                          excellent=score >= exam.excellent_mark)
    attempt_finished.send(attempt, now=now)
    db.session.flush()
    return attempt


@pytest.fixture
def exam(org):
    exam = make_exam()
    db.session.commit()
    return exam


@pytest.fixture
def cert(org, exam):
    from examapp.records.services import active_certificate

    org.learner.name = "李明华"
    finish_attempt(exam, org.learner, 95)
    db.session.commit()
    return active_certificate(org.learner.id, exam.id)
