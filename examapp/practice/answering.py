"""Answering a served question: check, score with the exam scorer, review the card, update book and credits."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import exists, select, update

from ..bank.models import Question, QuestionVersion
from ..errors import Invalid, NotFound
from ..exams.draw import options_list
from ..exams.scoring import score_item
from ..exams.validation import check_value
from ..extensions import db
from ..org.models import User
from ..study.credits import add_practice_credit, local_day
from ..study.models import Law
from . import book
from .models import PracticeAnswer, PracticeCard, PracticeServe
from .pool import in_practice_bank, is_practisable
from .schedule import rating_for, review, scheduler


@dataclass
class Part:
    """One sub-question of a case, after answering."""

    n: int
    type: str
    key: object
    correct: bool
    explanation: str = ""
    basis: list = field(default_factory=list)


@dataclass
class Outcome:
    answer: PracticeAnswer
    version: QuestionVersion
    correct: bool
    card_due: datetime | None
    in_book: bool = False
    left_book: bool = False
    repeated: bool = False
    parts: list[Part] = field(default_factory=list)


def not_found() -> NotFound:
    return NotFound(_("This question was not given to you for practice."), code="not_served")


def latest_serve(user: User, question_id: int) -> PracticeServe | None:
    return db.session.scalar(select(PracticeServe).where(
        PracticeServe.user_id == user.id, PracticeServe.question_id == question_id)
        .order_by(PracticeServe.id.desc()).limit(1))


def shape(qtype: str, options, key) -> dict:
    """What the exam's answer check needs: the option letters and the number of blanks (never the key itself)."""
    return {"options": options_list(options), "blanks": len(key or []) if qtype == "blank" else 0}


def check_answer(version: QuestionVersion, value):
    """Return the answer if it fits the question's shape (the exam's rule), else raise Invalid (422)."""
    if value is None:
        raise Invalid(_("Choose or write an answer first."), code="empty_answer")
    if version.type != "case":
        return check_value(version.type, shape(version.type, version.options, version.answer), value)
    subs = version.subquestions or []
    if not isinstance(value, dict) or not all(str(k).isdigit() and 1 <= int(k) <= len(subs) for k in value):
        raise Invalid(_("This answer does not fit the question."), code="invalid_answer")
    checked = {}
    for k, v in value.items():
        sub = subs[int(k) - 1]
        checked[str(k)] = check_value(sub["type"], shape(sub["type"], sub.get("options"), sub.get("answer")), v)
    return {k: v for k, v in checked.items() if v is not None}


def mark(version: QuestionVersion, answer) -> tuple[bool, list[Part]]:
    """Score with the exam scorer (one rule for both); a case is right when every sub-question is."""
    if version.type != "case":
        return score_item(version.type, version.answer, answer, Decimal(1)).is_correct, []
    parts = []
    for n, sub in enumerate(version.subquestions or [], start=1):
        ok = score_item(sub["type"], sub["answer"], answer.get(str(n)), Decimal(1)).is_correct
        parts.append(Part(n, sub["type"], sub["answer"], ok, sub.get("explanation") or "", sub.get("basis") or []))
    return bool(parts) and all(p.correct for p in parts), parts


def answer_question(user: User, question_id: int, value, now: datetime) -> Outcome:
    """Answer the question last served to this learner (flushes); a repeat returns the first answer's outcome."""
    found = latest_serve_and_version(user, question_id)
    if found is None:
        raise not_found()
    serve, version, in_bank = found
    if serve.answered_at is not None:
        return repeat_outcome(serve)
    if not is_practisable(user, question_id, now, in_bank=in_bank):
        raise NotFound(_("This question is no longer available for practice."), code="not_available")
    value = check_answer(version, value)
    if not claim(serve, now):  # a double tap raced this one and answered first
        return repeat_outcome(serve)
    correct, parts = mark(version, value)
    row = record(user, serve, version, value, correct, now)
    in_book, left = book.after_answer(user, question_id, correct, now, row.day)
    return Outcome(row, version, correct, row.due_at, in_book, left, parts=parts)


def latest_serve_and_version(user: User, question_id: int) -> tuple[PracticeServe, QuestionVersion, bool] | None:
    """The serve being answered, the version it showed and whether the bank still offers it, in one statement."""
    found = db.session.execute(select(PracticeServe, QuestionVersion, in_practice_bank(question_id))
                               .join(QuestionVersion, QuestionVersion.id == PracticeServe.version_id)
                               .where(PracticeServe.user_id == user.id, PracticeServe.question_id == question_id)
                               .order_by(PracticeServe.id.desc()).limit(1)).first()
    return None if found is None else (found[0], found[1], bool(found[2]))


def claim(serve: PracticeServe, now: datetime) -> bool:
    """Mark the serve answered in SQL so that exactly one of two racing requests wins."""
    result = db.session.execute(update(PracticeServe).where(
        PracticeServe.id == serve.id, PracticeServe.answered_at.is_(None)).values(answered_at=now)
        .execution_options(synchronize_session=False))
    db.session.expire(serve, ["answered_at"])
    return result.rowcount == 1


def record(user: User, serve: PracticeServe, version: QuestionVersion, value, correct: bool,
           now: datetime) -> PracticeAnswer:
    """Store the answer, review the FSRS card and count the credit."""
    day = local_day(now)
    seconds = max(int((now - serve.served_at).total_seconds()), 0)
    wrong_before, right_before = answered_today(user, serve.question_id, day)
    rating = rating_for(correct, seconds, parts=len(version.subquestions or []), second_try=wrong_before)
    # Only the first correct answer to a question on a day counts: answering it again cannot farm credits.
    credited = correct and not right_before and credit(user, serve.question_id, now)
    sched = scheduler()  # before a new card is added, so that it is inserted once, already reviewed
    card = card_for(user, serve.question_id, now)
    review(card, rating, now, sched)
    row = PracticeAnswer(user_id=user.id, question_id=serve.question_id, version_id=version.id, serve_id=serve.id,
                         answer=value, is_correct=correct, rating=rating, seconds=seconds, answered_at=now, day=day,
                         is_credited=bool(credited), due_at=card.due_at)
    db.session.add(row)
    db.session.flush()
    return row


def credit(user: User, question_id: int, now: datetime) -> bool:
    """Count an answer toward the study credits of the question's law (within the day's cap)."""
    law_id = db.session.scalar(select(Law.id).join(Question, Question.law_slug == Law.slug)
                               .where(Question.id == question_id))
    return law_id is not None and add_practice_credit(user, law_id, now)


def answered_today(user: User, question_id: int, day) -> tuple[bool, bool]:
    """Whether this learner answered the question wrong, and right, earlier on this day (one statement)."""
    def earlier(correct: bool):
        return exists().where(PracticeAnswer.user_id == user.id, PracticeAnswer.question_id == question_id,
                              PracticeAnswer.day == day, PracticeAnswer.is_correct.is_(correct))

    wrong, right = db.session.execute(select(earlier(False), earlier(True))).one()
    return bool(wrong), bool(right)


def card_for(user: User, question_id: int, now: datetime) -> PracticeCard:
    card = db.session.scalar(select(PracticeCard).where(PracticeCard.user_id == user.id,
                                                        PracticeCard.question_id == question_id))
    if card is None:
        card = PracticeCard(user_id=user.id, question_id=question_id, state={}, due_at=now, reviews=0, lapses=0)
        db.session.add(card)
    return card


def repeat_outcome(serve: PracticeServe) -> Outcome:
    """The stored outcome of an answered serve: a retried request changes nothing."""
    row = db.session.scalar(select(PracticeAnswer).where(PracticeAnswer.serve_id == serve.id))
    if row is None:  # claimed by a request that has not committed yet
        raise not_found()
    version = db.session.get(QuestionVersion, row.version_id)
    correct, parts = mark(version, row.answer) if version.type == "case" else (row.is_correct, [])
    entry = book.entry_of(serve.user_id, serve.question_id)
    return Outcome(row, version, row.is_correct, row.due_at, in_book=book.is_in(entry), repeated=True, parts=parts)
