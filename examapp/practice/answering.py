"""Answering a served question: check, score with the exam scorer, review the card, update book and credits."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, exists, func, insert, literal_column, select, update
from sqlalchemy.orm import aliased

from ..auth.tokens import identity, token_owner
from ..bank.models import Question, QuestionVersion
from ..db import Prepared, insert_rows, upsert
from ..errors import Invalid, NotFound
from ..exams.draw import options_list
from ..exams.scoring import score_item
from ..exams.validation import check_value
from ..extensions import db
from ..org.models import User
from ..study.credits import PracticeRule, add_practice_credit, credit_upsert, local_day
from ..study.models import Law
from . import book
from .models import BookEntry, PracticeAnswer, PracticeCard, PracticeServe, PracticeSettings
from .picking import answered
from .pool import any_embargo_exam, in_practice_bank, is_practisable
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
    answer: PracticeAnswer | SimpleNamespace  # the stored row, or the values just inserted
    version: QuestionVersion
    correct: bool
    card_due: datetime | None
    in_book: bool = False
    left_book: bool = False
    repeated: bool = False
    parts: list[Part] = field(default_factory=list)
    library: tuple | None = None  # what the statute library looked like (present.basis_articles caches by it)


@dataclass
class CardState:
    """A learner's card as read with the serve (id None: a new card); schedule.review() fills it in place."""

    question_id: int
    id: int | None = None
    state: dict = field(default_factory=dict)
    reviews: int = 0
    lapses: int = 0
    due_at: datetime | None = None
    stability: float | None = None
    last_review_at: datetime | None = None


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

    serve: SimpleNamespace  # id, user_id, question_id, served_at
    answered: bool  # the serve has its answer already (practice_answers.serve_id is unique)
    version: SimpleNamespace  # what answering and feedback need of the version served (VERSION_COLUMNS)
    in_bank: bool
    embargo_open: bool  # a "keep out of practice" exam may be open to the learner: check it
    card: CardState
    entry: SimpleNamespace | None  # the book entry's BOOK_COLUMNS, None when there is none
    wrong_before: bool  # answered wrong earlier on this day
    right_before: bool  # answered right earlier on this day
    law_id: int | None
    retention: float
    rule: PracticeRule
    library: tuple | None  # each law's source digest and the latest load time: changes when a law is (re)loaded


def answer_question(user: User, question_id: int, value, now: datetime) -> Outcome:
    """Answer the question last served to this learner; a repeat returns the first answer's outcome."""
    day = local_day(now)
    found = answering_context(user.id, question_id, day, now)
    if found is None:
        raise not_found()
    if found.answered:
        return repeat_outcome(found.serve)
    if not is_practisable(user, question_id, now, in_bank=found.in_bank,
                                                  embargo_open=found.embargo_open):
        raise NotFound(_("This question is no longer available for practice."), code="not_available")
    return answer_found(found, value, now, day)


def answer_by_token(token_hash: str, question_id: int, value, now: datetime) -> Outcome | None:
    """answer_question for the person a bearer token stands for, found by the context's own statement (the
    request loader's checks: auth.tokens.token_owner); None, having written nothing, when it is not plain (no
    such serve or token, answered already, no longer in the bank, a "keep out of practice" exam open)."""
    day = local_day(now)
    session = db.session()
    if not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        # The request's first work: the read and the single write each run on their own (autocommit), two round
        # trips instead of four. Under READ COMMITTED each statement of a transaction sees its own snapshot
        # anyway, and the write is one statement whose answer INSERT is the claim.
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    found = answering_context(None, question_id, day, now, token_hash)
    if found is None or found.answered or not found.in_bank or found.embargo_open:
        return None
    return answer_found(found, value, now, day)


def answer_found(found: "Context", value, now: datetime, day: date) -> Outcome:
    """Check, mark and record the answer to a practisable serve read by answering_context."""
    serve, version = found.serve, found.version
    value = check_answer(version, value)
    correct, parts = mark(version, value)
    row, plan = record(found, value, correct, now, day)
    if row is None:  # a double tap raced this one and answered first
        return repeat_outcome(serve)
    return Outcome(row, version, correct, row.due_at, plan.in_book, plan.left, parts=parts, library=found.library)


def answering_context(user_id: int | None, question_id: int, day: date, now: datetime,
                      token_hash: str | None = None) -> Context | None:
    """The serve being answered with its version, whether the bank still offers it, the learner's card and book
    entry, today's earlier answers, the question's law, the desired retention, the credit rule and whether any exam
    that keeps its questions out of practice may be open to the learner: one statement.
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the session's own execute would do first; the statements here skip its ORM work
    found = context_read(token_hash is not None).execute(session.connection(), {
        **identity(user_id, token_hash, now), "user_id": user_id, "question_id": question_id, "day": day,
        "year": day.year, "now": now}).first()
    if found is None:
        return None
    serve_id, user_id, served_at, answered, in_bank, embargo, card_id, state, reviews, lapses = found[:10]
    version = SimpleNamespace(**dict(zip(VERSION_COLUMNS, found[10:10 + len(VERSION_COLUMNS)], strict=True)))
    rest = found[10 + len(VERSION_COLUMNS):]
    entry = SimpleNamespace(**dict(zip(BOOK_COLUMNS, rest[:len(BOOK_COLUMNS)], strict=True)))
    wrong, right, law, desired, per_credit, cap, counted, digests, loaded = rest[len(BOOK_COLUMNS):]
    serve = SimpleNamespace(id=serve_id, user_id=user_id, question_id=question_id, served_at=served_at)
    card = CardState(question_id, card_id, state or {}, reviews or 0, lapses or 0)
    entry = entry if entry.id is not None else None
    return Context(serve, bool(answered), version, bool(in_bank), bool(embargo), card, entry, bool(wrong),
                   bool(right), law, desired if desired is not None else DEFAULT_RETENTION,
                   PracticeRule(per_credit, cap, counted), (digests, loaded) if digests is not None else None)


VERSION_COLUMNS = ("id", "type", "options", "answer", "subquestions", "explanation", "basis")
BOOK_COLUMNS = ("id", "status", "last_wrong_day", "right_days", "last_right_day")


@cache
def context_read(by_token: bool) -> Prepared:
    return Prepared(context_statement(by_token))


@cache
def context_statement(by_token: bool = False) -> Select:
    """answering_context's statement, built once per process (it holds no values, only bound parameters).

    By token, the serve's person is the token's (auth.tokens.token_owner) and every other clause that names the
    learner names the serve's column instead (correlated): the token is looked up once.
    """
    question_id, day = bindparam("question_id"), bindparam("day")
    user_id = PracticeServe.user_id if by_token else bindparam("user_id")
    owner = token_owner(True) if by_token else user_id

    earlier_serve = aliased(PracticeServe)

    def earlier(correct: bool):
        # Through the learner's serves of this question (indexed by person and question): the answers' own
        # index by person and day would read every answer of the learner's day.
        return exists().where(earlier_serve.user_id == user_id, earlier_serve.question_id == question_id,
                              PracticeAnswer.serve_id == earlier_serve.id, PracticeAnswer.day == day,
                              PracticeAnswer.is_correct.is_(correct))

    def mine(model):
        return and_(model.user_id == PracticeServe.user_id, model.question_id == PracticeServe.question_id)

    law_id = select(Law.id).join(Question, Question.law_slug == Law.slug).where(
        Question.id == question_id).scalar_subquery()
    retention = select(PracticeSettings.desired_retention).where(PracticeSettings.id == 1).scalar_subquery()
    # Plain columns, no ORM objects: none to build, and nothing flushed behind our back.
    stmt = (select(PracticeServe.id, PracticeServe.user_id, PracticeServe.served_at, answered(),
                   in_practice_bank(question_id), any_embargo_exam(PracticeServe.user_id if by_token else None),
                   PracticeCard.id, PracticeCard.state, PracticeCard.reviews, PracticeCard.lapses,
                   *(getattr(QuestionVersion, name) for name in VERSION_COLUMNS),
                   *(getattr(BookEntry, name) for name in BOOK_COLUMNS), earlier(False), earlier(True), law_id,
                   retention, *PracticeRule.columns(user_id, day, bindparam("year")), *library_columns())
            .join(QuestionVersion, QuestionVersion.id == PracticeServe.version_id)
            .outerjoin(PracticeCard, mine(PracticeCard))
            .outerjoin(BookEntry, mine(BookEntry))
            .where(PracticeServe.user_id == owner, PracticeServe.question_id == question_id)
            .order_by(PracticeServe.id.desc()).limit(1))
    return stmt


@cache
def library_columns() -> tuple:
    """Each law's source digest (a prefix is plenty) and the latest load time, as two scalar subqueries.

    The separator is written into the SQL: given as a string, SQLAlchemy renders it into the statement text
    again on every execution.
    """
    digests = func.aggregate_strings(func.substr(Law.source_sha256, 1, 16), literal_column("','"))
    return (select(digests).scalar_subquery(),
            select(func.max(Law.loaded_at)).scalar_subquery())


ANSWER_FIELDS = ("user_id", "question_id", "version_id", "serve_id", "answer", "is_correct", "rating", "seconds",
                 "answered_at", "day", "is_credited", "due_at")
CARD_FIELDS = ("state", "due_at", "stability", "last_review_at", "reviews", "lapses")


# The learner and the question are bound as `learner` and `question`: a parameter named like a column of a table
# that an UPDATE writes would be added to its SET clause (which, inside a WITH, fails).
PARAMETER = {"user_id": "learner", "question_id": "question"}


def typed(table, names) -> dict:
    """column name: a bound parameter (PARAMETER's name, else the column's), typed by the column."""
    return {name: bindparam(PARAMETER.get(name, name), type_=table.c[name].type) for name in names}


@cache
def answer_insert(dialect: str):
    """The answer's INSERT, which is also the claim: of two racing requests for one serve only one inserts."""
    table = PracticeAnswer.__table__
    return upsert(table, dialect).values(typed(table, ANSWER_FIELDS)) \
        .on_conflict_do_nothing(index_elements=["serve_id"]).returning(table.c.id)


@cache
def card_write(new: bool, per_row_of=None):
    """A new card is inserted once, already reviewed; a card read with the serve is one UPDATE by its id."""
    table = PracticeCard.__table__
    if new:
        return insert_rows(insert(table), typed(table, ("user_id", "question_id") + CARD_FIELDS), per_row_of)
    stmt = update(table).where(table.c.id == bindparam("card_id")).values(typed(table, CARD_FIELDS))
    return stmt if per_row_of is None else stmt.where(select(per_row_of.c.id).exists())


@cache
def single_write(new_card: bool, book_write: str | None, credited: bool) -> Prepared:
    """PostgreSQL: the answer, the card, the book entry and the credit in one statement (data-modifying WITH).

    The answer's INSERT is the claim and every other write takes its rows from it, so when a concurrent request
    claimed the serve first nothing is written and no row comes back, as with the separate statements.
    """
    claim = answer_insert("postgresql").cte("claim")
    writes = [card_write(new_card, claim).cte("card")]
    if book_write is not None:
        writes.append(book.statement(book_write, "postgresql", claim).cte("book"))
    if credited:
        writes.append(credit_upsert("postgresql", claim).cte("credit"))
    return Prepared(select(claim.c.id).add_cte(*writes))


def record(found: Context, value, correct: bool, now: datetime,
           day: date) -> tuple[SimpleNamespace | None, book.AfterAnswer]:
    """Store the answer, review the FSRS card, update the book and count the credit (no credit work for a wrong
    answer); the row is None when the serve was answered by a concurrent request (then nothing is written).

    Everything is worked out before the first write, and the first write is the answer's INSERT, which claims the
    serve (practice_answers.serve_id is unique): a double tap cannot review the card or count a credit twice. On
    PostgreSQL all the writes are one statement.
    """
    serve, version, card = found.serve, found.version, found.card
    seconds = max(int((now - serve.served_at).total_seconds()), 0)
    rating = rating_for(correct, seconds, parts=len(version.subquestions or []), second_try=found.wrong_before)
    # Only the first correct answer to a question on a day counts: answering it again cannot farm credits.
    credited = (correct and not found.right_before and found.law_id is not None and found.rule.allows_one_more())
    review(card, rating, now, make_scheduler(found.retention))
    plan = book.plan_after_answer(correct, found.entry, day, now)
    fields = dict(user_id=serve.user_id, question_id=serve.question_id, version_id=version.id, serve_id=serve.id,
                  answer=value, is_correct=correct, rating=rating, seconds=seconds, answered_at=now, day=day,
                  is_credited=credited, due_at=card.due_at)
    bound = {PARAMETER.get(name, name): value for name, value in fields.items()}
    values = {"state": card.state, "due_at": card.due_at, "stability": card.stability,
              "last_review_at": card.last_review_at, "reviews": card.reviews, "lapses": card.lapses}
    connection = db.session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        answer_id = single_write(card.id is None, plan.write, credited).execute(connection, {
            **bound, **values, "card_id": card.id, "at": now, "now": now, "law_id": found.law_id,
            **plan.values}).scalar()
        return (None if answer_id is None else SimpleNamespace(id=answer_id, **fields)), plan
    answer_id = connection.execute(answer_insert(dialect), bound).scalar()
    if answer_id is None:
        return None, plan
    connection.execute(card_write(card.id is None), {"learner": serve.user_id, "question": card.question_id,
                                                      "card_id": card.id, **values})
    book.after_answer(serve.user_id, serve.question_id, plan, now, day, connection)
    if credited:
        add_practice_credit(serve.user_id, found.law_id, day, found.rule, now, connection)
    return SimpleNamespace(id=answer_id, **fields), plan


def repeat_outcome(serve: PracticeServe | SimpleNamespace) -> Outcome:
    """The stored outcome of an answered serve: a retried request changes nothing."""
    row = db.session.scalar(select(PracticeAnswer).where(PracticeAnswer.serve_id == serve.id))
    if row is None:  # claimed by a request that has not committed yet
        raise not_found()
    version = db.session.get(QuestionVersion, row.version_id)
    correct, parts = mark(version, row.answer) if version.type == "case" else (row.is_correct, [])
    entry = book.entry_of(serve.user_id, serve.question_id)
    return Outcome(row, version, row.is_correct, row.due_at, in_book=book.is_in(entry), repeated=True, parts=parts)
