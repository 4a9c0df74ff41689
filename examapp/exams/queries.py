"""Read-side queries: the learner's exams, an exam's attempts, the counted attempt."""

from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select

from ..extensions import db
from ..org.models import User
from ..permissions import restrict_to_scope
from .availability import in_audience
from .models import FINISHED, Attempt, AttemptEvent, AttemptItem, Exam


def exams_for(user: User, now: datetime) -> list[Exam]:
    """Published exams of this and last year whose audience includes the person."""
    exams = db.session.scalars(select(Exam).where(Exam.status == "published", Exam.year >= now.year - 1)
                               .order_by(Exam.closes_at.desc()))
    return [e for e in exams if in_audience(e, user)]


def counted_order(exam: Exam) -> list:
    """The rule for which attempt counts: the highest score (earliest on a tie), or the latest."""
    if exam.counted_rule == "latest":
        return [Attempt.number.desc()]
    return [Attempt.score.desc().nulls_last(), Attempt.number]


def counted_attempt(user: User, exam: Exam) -> Attempt | None:
    """The attempt that counts for the record."""
    return counted_attempt_of(exam, user.id)


def counted_attempt_of(exam: Exam, user_id: int) -> Attempt | None:
    stmt = select(Attempt).where(Attempt.exam_id == exam.id, Attempt.user_id == user_id,
                                 Attempt.state == FINISHED)
    return db.session.scalar(stmt.order_by(*counted_order(exam)).limit(1))


def exam_attempts(exam: Exam, viewer: User) -> list[Attempt]:
    """Attempts at an exam by people in the viewer's scope, newest first."""
    stmt = select(Attempt).join(User, Attempt.user_id == User.id).where(Attempt.exam_id == exam.id)
    stmt = restrict_to_scope(stmt, viewer)
    return list(db.session.scalars(stmt.order_by(Attempt.started_at.desc())))


def attempt_events(attempt: Attempt) -> list[AttemptEvent]:
    return list(db.session.scalars(select(AttemptEvent).where(AttemptEvent.attempt_id == attempt.id)
                                   .order_by(AttemptEvent.at, AttemptEvent.id)))


def my_attempts(user: User, exam: Exam) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.user_id == user.id)
                                   .order_by(Attempt.number)))


PAPER_COLUMNS = ("position", "section", "question_id", "type", "points", "content", "answer", "answer_seq",
                 "is_flagged")


def paper_rows(attempt_id: int) -> list:
    """What the exam page shows of each item, in order, as plain rows (never the key or the option order):
    50 ORM objects cost more than the page's database reads together."""
    return db.session.execute(paper_statement(), {"attempt_id": attempt_id}).all()


@cache
def paper_statement():
    """Built once: the exam page is loaded often."""
    columns = [getattr(AttemptItem, name) for name in PAPER_COLUMNS]
    return select(*columns).where(AttemptItem.attempt_id == bindparam("attempt_id")).order_by(AttemptItem.position)
