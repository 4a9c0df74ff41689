"""Answering a served question: check, score with the exam scorer, review the card, update book and credits."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, exists, insert, select, update

from ..bank.models import Question, QuestionVersion
from ..db import UTCDateTime
from ..errors import Invalid, NotFound
from ..exams.draw import options_list
from ..exams.scoring import score_item
from ..exams.validation import check_value
from ..extensions import db
from ..org.models import User
from ..study.credits import PracticeRule, add_practice_credit, local_day
from ..study.models import Law
from . import book
from .models import BookEntry, PracticeAnswer, PracticeCard, PracticeServe, PracticeSettings
from .pool import in_practice_bank, is_practisable
from .schedule import DEFAULT_RETENTION, make_scheduler, rating_for, review


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


# Plain table inserts: rows only written in this request need none of the ORM's unit of work.
CARD_INSERT = insert(PracticeCard.__table__)
ANSWER_INSERT = insert(PracticeAnswer.__table__)
_serves = PracticeServe.__table__.c
CLAIM = update(PracticeServe.__table__).where(_serves.id == bindparam("serve_id"), _serves.answered_at.is_(None)) \
    .values(answered_at=bindparam("now", type_=UTCDateTime()))


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


@dataclass
class Context:
    """Everything an answer needs besides the embargo check, read with the serve in one statement."""

    serve: PracticeServe
    version: QuestionVersion
    in_bank: bool
    card: PracticeCard | None
    entry: BookEntry | None
    wrong_before: bool  # answered wrong earlier on this day
    right_before: bool  # answered right earlier on this day
    law_id: int | None
    retention: float
    rule: PracticeRule


def answer_question(user: User, question_id: int, value, now: datetime) -> Outcome:
    """Answer the question last served to this learner; a repeat returns the first answer's outcome."""
    day = local_day(now)
    found = answering_context(user, question_id, day)
    if found is None:
        raise not_found()
    serve, version = found.serve, found.version
    if serve.answered_at is not None:
        return repeat_outcome(serve)
    if not is_practisable(user, question_id, now, in_bank=found.in_bank):
        raise NotFound(_("This question is no longer available for practice."), code="not_available")
    value = check_answer(version, value)
    if not claim(serve, now):  # a double tap raced this one and answered first
        return repeat_outcome(serve)
    correct, parts = mark(version, value)
    row = record(user, found, value, correct, now, day)
    in_book, left = book.after_answer(user, question_id, correct, now, day, found.entry)
    return Outcome(row, version, correct, row.due_at, in_book, left, parts=parts)


def answering_context(user: User, question_id: int, day: date) -> Context | None:
    """The serve being answered with its version, whether the bank still offers it, the learner's card and book
    entry, today's earlier answers, the question's law, the desired retention and the credit rule: one statement.
    """
    found = db.session.execute(context_statement(), {"user_id": user.id, "question_id": question_id, "day": day,
                                                     "year": day.year}).first()
    if found is None:
        return None
    serve, version, in_bank, card, entry, wrong, right, law, desired, per_credit, cap, counted = found
    return Context(serve, version, bool(in_bank), card, entry, bool(wrong), bool(right), law,
                   desired if desired is not None else DEFAULT_RETENTION, PracticeRule(per_credit, cap, counted))


@cache
def context_statement() -> Select:
    """answering_context's statement, built once per process (it holds no values, only bound parameters)."""
    user_id, question_id, day = bindparam("user_id"), bindparam("question_id"), bindparam("day")

    def earlier(correct: bool):
        return exists().where(PracticeAnswer.user_id == user_id, PracticeAnswer.question_id == question_id,
                              PracticeAnswer.day == day, PracticeAnswer.is_correct.is_(correct))

    def mine(model):
        return and_(model.user_id == PracticeServe.user_id, model.question_id == PracticeServe.question_id)

    law_id = select(Law.id).join(Question, Question.law_slug == Law.slug).where(
        Question.id == question_id).scalar_subquery()
    retention = select(PracticeSettings.desired_retention).where(PracticeSettings.id == 1).scalar_subquery()
    return (select(PracticeServe, QuestionVersion, in_practice_bank(question_id), PracticeCard, BookEntry,
                   earlier(False), earlier(True), law_id, retention,
                   *PracticeRule.columns(user_id, day, bindparam("year")))
            .join(QuestionVersion, QuestionVersion.id == PracticeServe.version_id)
            .outerjoin(PracticeCard, mine(PracticeCard))
            .outerjoin(BookEntry, mine(BookEntry))
            .where(PracticeServe.user_id == user_id, PracticeServe.question_id == question_id)
            .order_by(PracticeServe.id.desc()).limit(1))


def claim(serve: PracticeServe, now: datetime) -> bool:
    """Mark the serve answered in SQL so that exactly one of two racing requests wins."""
    result = db.session.execute(CLAIM, {"serve_id": serve.id, "now": now})
    db.session.expire(serve, ["answered_at"])
    return result.rowcount == 1


def record(user: User, found: Context, value, correct: bool, now: datetime, day: date) -> PracticeAnswer:
    """Store the answer, review the FSRS card and count the credit (no credit work for a wrong answer)."""
    serve, version = found.serve, found.version
    seconds = max(int((now - serve.served_at).total_seconds()), 0)
    rating = rating_for(correct, seconds, parts=len(version.subquestions or []), second_try=found.wrong_before)
    # Only the first correct answer to a question on a day counts: answering it again cannot farm credits.
    credited = (correct and not found.right_before and found.law_id is not None
                and add_practice_credit(user.id, found.law_id, day, found.rule, now))
    card = found.card
    if card is None:  # a new card is inserted once, already reviewed
        card = PracticeCard(user_id=user.id, question_id=serve.question_id, state={}, reviews=0, lapses=0)
        review(card, rating, now, make_scheduler(found.retention))
        db.session.execute(CARD_INSERT, {
            "user_id": card.user_id, "question_id": card.question_id, "state": card.state, "due_at": card.due_at,
            "stability": card.stability, "last_review_at": card.last_review_at, "reviews": card.reviews,
            "lapses": card.lapses})
    else:  # flushed as one UPDATE
        review(card, rating, now, make_scheduler(found.retention))
    fields = dict(user_id=user.id, question_id=serve.question_id, version_id=version.id, serve_id=serve.id,
                  answer=value, is_correct=correct, rating=rating, seconds=seconds, answered_at=now, day=day,
                  is_credited=bool(credited), due_at=card.due_at)
    inserted = db.session.execute(ANSWER_INSERT, fields)
    return PracticeAnswer(id=inserted.inserted_primary_key[0], **fields)


def repeat_outcome(serve: PracticeServe) -> Outcome:
    """The stored outcome of an answered serve: a retried request changes nothing."""
    row = db.session.scalar(select(PracticeAnswer).where(PracticeAnswer.serve_id == serve.id))
    if row is None:  # claimed by a request that has not committed yet
        raise not_found()
    version = db.session.get(QuestionVersion, row.version_id)
    correct, parts = mark(version, row.answer) if version.type == "case" else (row.is_correct, [])
    entry = book.entry_of(serve.user_id, serve.question_id)
    return Outcome(row, version, row.is_correct, row.due_at, in_book=book.is_in(entry), repeated=True, parts=parts)
