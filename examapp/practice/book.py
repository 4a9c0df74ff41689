"""The wrong-answer book (错题本): in on a wrong answer, out after right answers on two later days."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Date, Integer, String, bindparam, case, func, select, update

from ..bank.models import Question, QuestionVersion
from ..db import UTCDateTime, dialect_name, insert_rows, upsert
from ..errors import NotFound
from ..exams.models import FINISHED, Attempt, AttemptItem
from ..exams.present import review_level
from ..extensions import db
from ..org.models import User
from ..study.credits import local_day
from .models import CLEARED, IN_BOOK, REMOVED, BookEntry, ExamBookImport
from .pool import practice_questions

RIGHT_DAYS_TO_LEAVE = 2


def entry_of(user_id: int, question_id: int) -> BookEntry | None:
    return db.session.scalar(select(BookEntry).where(BookEntry.user_id == user_id,
                                                     BookEntry.question_id == question_id))


def is_in(entry: BookEntry | None) -> bool:
    return entry is not None and entry.status == IN_BOOK


def note_wrong(user_id: int, question_id: int, at: datetime, *, from_exam: bool = False) -> None:
    """Put the question in the book (again), or count one more wrong answer; the exit count starts over.

    One statement whether or not the learner already has an entry (a concurrent insert cannot fail it).
    """
    db.session.execute(wrong_upsert(dialect_name(), "exam_wrong_count" if from_exam else "wrong_count"),
                       {"learner": user_id, "question": question_id, "at": at, "day": local_day(at)})


@cache
def wrong_upsert(dialect: str, counter: str, per_row_of=None):
    """note_wrong's statement, built once per process, database kind and counter (bound parameters only);
    `per_row_of`: see db.insert_rows (the practice answer's single statement on PostgreSQL)."""
    column = BookEntry.__table__.c
    at, day = bindparam("at", type_=UTCDateTime()), bindparam("day", type_=Date())
    stmt = insert_rows(upsert(BookEntry.__table__, dialect), dict(
        user_id=bindparam("learner", type_=Integer()), question_id=bindparam("question", type_=Integer()),
        status=IN_BOOK, first_wrong_at=at, last_wrong_at=at, last_wrong_day=day, right_days=0, last_right_day=None,
        left_at=None, wrong_count=int(counter == "wrong_count"),
        exam_wrong_count=int(counter == "exam_wrong_count")), per_row_of)
    later = column.last_wrong_at <= stmt.excluded.last_wrong_at  # an exam finished earlier keeps the later date
    return stmt.on_conflict_do_update(
        index_elements=["user_id", "question_id"],
        set_={counter: func.coalesce(column[counter], 0) + 1,
              "last_wrong_at": case((later, stmt.excluded.last_wrong_at), else_=column.last_wrong_at),
              "last_wrong_day": case((later, stmt.excluded.last_wrong_day), else_=column.last_wrong_day),
              "status": IN_BOOK, "right_days": 0, "last_right_day": None, "left_at": None})


@dataclass
class AfterAnswer:
    """What a practice answer does to the book, worked out before anything is written."""

    write: str | None  # "wrong": note_wrong's upsert; "right": the entry's right_update(); None: nothing
    values: dict  # the parameters of that statement besides the answer's own (user, question, day, at)
    in_book: bool  # in the book after this answer
    left: bool  # left it with this answer


def plan_after_answer(correct: bool, entry, day: date, now: datetime) -> AfterAnswer:
    """A wrong answer puts the question in the book (again). A right one counts on a day after the last wrong one
    (one per day) and takes it out at the second such day; a right answer on the day the learner saw the key proves
    little, so it does not count. `entry` is the entry's id, status, last_wrong_day, right_days and last_right_day
    (read with the answer), None when there is none."""
    if not correct:
        return AfterAnswer("wrong", {}, True, False)
    if not is_in(entry) or day <= entry.last_wrong_day or day == entry.last_right_day:
        return AfterAnswer(None, {}, is_in(entry), False)
    right_days = (entry.right_days or 0) + 1
    left = right_days >= RIGHT_DAYS_TO_LEAVE
    return AfterAnswer("right", {"entry_id": entry.id, "right_days": right_days,
                                 "book_status": CLEARED if left else None, "left_at": now if left else None},
                       not left, left)


@cache
def right_update(per_row_of=None):
    """The entry's UPDATE for a right answer that counts (bound parameters only); with `per_row_of` (a CTE) it
    changes the entry only when that CTE returned a row."""
    column = BookEntry.__table__.c
    stmt = update(BookEntry.__table__).where(column.id == bindparam("entry_id")).values(
        right_days=bindparam("right_days", type_=Integer()), last_right_day=bindparam("day", type_=Date()),
        status=func.coalesce(bindparam("book_status", type_=String()), column.status),
        left_at=func.coalesce(bindparam("left_at", type_=UTCDateTime()), column.left_at))
    return stmt if per_row_of is None else stmt.where(select(per_row_of.c[0]).exists())


def statement(write: str, dialect: str, per_row_of=None):
    """A plan's statement (its `write`): the parameters are learner, question, day and at besides its values."""
    return wrong_upsert(dialect, "wrong_count", per_row_of) if write == "wrong" else right_update(per_row_of)


def after_answer(user_id: int, question_id: int, plan: AfterAnswer, now: datetime, day: date, connection) -> None:
    """Write what the plan says (a statement of its own: on PostgreSQL the answer's single statement carries it).

    Through the session's connection: a Core statement needs none of the session's ORM work per execution.
    """
    if plan.write is not None:
        connection.execute(statement(plan.write, connection.dialect.name),
                           {"learner": user_id, "question": question_id, "at": now, "day": day, **plan.values})


def remove(user: User, entry_id: int, now: datetime) -> BookEntry:
    """Take a question out of the book by hand (it comes back with the next wrong answer)."""
    entry = db.session.get(BookEntry, entry_id)
    if entry is None or entry.user_id != user.id or entry.status != IN_BOOK:
        raise NotFound(_("This question is not in your wrong-answer book."))
    entry.status, entry.left_at = REMOVED, now
    db.session.flush()
    return entry


@dataclass
class BookRow:
    entry: BookEntry
    question: Question
    version: QuestionVersion


def book_query(user: User, law: str = "", chapter: str = ""):
    """Entries in the book whose question may be practised (public, active, not held for review)."""
    shown = practice_questions().with_only_columns(Question.id)
    stmt = (select(BookEntry, Question, QuestionVersion)
            .join(Question, Question.id == BookEntry.question_id)
            .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
            .where(BookEntry.user_id == user.id, BookEntry.status == IN_BOOK, Question.id.in_(shown)))
    if law:
        stmt = stmt.where(Question.law_slug == law)
    if chapter:
        stmt = stmt.where(QuestionVersion.chapter == chapter)
    return stmt


def entries(user: User, law: str = "", chapter: str = "") -> list[BookRow]:
    stmt = book_query(user, law, chapter).order_by(BookEntry.last_wrong_at.desc(), BookEntry.id.desc())
    return [BookRow(*row) for row in db.session.execute(stmt)]


def counts(user: User) -> dict:
    """How many questions are in the book, in total and by law."""
    stmt = book_query(user).with_only_columns(Question.law_slug, func.count(BookEntry.id)).group_by(Question.law_slug)
    by_law = {slug: n for slug, n in db.session.execute(stmt)}
    return {"total": sum(by_law.values()), "by_law": by_law}


def book_ids(user: User) -> list[int]:
    stmt = book_query(user).with_only_columns(Question.id).order_by(BookEntry.last_wrong_at)
    return list(db.session.scalars(stmt))


def import_exam_wrongs(user: User, now: datetime) -> int:
    """Bring wrong exam answers into the book once the exam's review shows this learner the key.

    Each attempt is taken once; confidential (exam-only) questions never enter the book.
    """
    done = select(ExamBookImport.attempt_id)
    attempts = db.session.scalars(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.state == FINISHED, Attempt.id.notin_(done)))
    added = 0
    for attempt in attempts:
        if review_level(attempt.exam, attempt, user, now) != "full":
            continue
        added += import_attempt(attempt)
        db.session.add(ExamBookImport(attempt_id=attempt.id, user_id=user.id, imported_at=now))
    db.session.flush()
    return added


def import_attempt(attempt: Attempt) -> int:
    shown = practice_questions().with_only_columns(Question.id)
    wrong = db.session.execute(select(AttemptItem.question_id, AttemptItem.answer).where(
        AttemptItem.attempt_id == attempt.id, AttemptItem.is_correct.is_(False), AttemptItem.question_id.in_(shown)))
    # Answered wrong only: a question left blank was not answered (JSON null and SQL NULL alike).
    ids = [question_id for question_id, answer in wrong if answer not in (None, "", [], {})]
    for question_id in ids:
        note_wrong(attempt.user_id, question_id, attempt.finished_at, from_exam=True)
    return len(ids)
