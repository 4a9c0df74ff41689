"""Which questions practice may show a learner now: public, active, not held for review, not embargoed."""

from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, Select, bindparam, literal_column, or_, select

from ..bank.models import PUBLIC, Question, QuestionVersion
from ..bank.services import eligible_questions
from ..exams.models import IN_PROGRESS, Attempt, AttemptItem, Exam, ExamOverride
from ..extensions import db
from ..org.models import User


@dataclass(frozen=True)
class Filters:
    """What a learner chose to practise; empty fields do not filter."""

    law: str = ""
    chapter: str = ""
    article: str = ""  # "slug:number"
    tag: str = ""
    type: str = ""
    difficulty: int | None = None
    question: int | None = None  # one question (retry from the book)

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Read filters from request arguments, ignoring what does not parse."""
        difficulty, question = str(args.get("difficulty") or ""), str(args.get("question") or "")
        return cls(law=str(args.get("law") or "")[:120], chapter=str(args.get("chapter") or "")[:200],
                   article=str(args.get("article") or "")[:140], tag=str(args.get("tag") or "")[:60],
                   type=str(args.get("type") or "")[:20],
                   difficulty=int(difficulty) if difficulty.isdigit() and len(difficulty) < 3 else None,
                   question=int(question) if question.isdigit() and len(question) < 12 else None)

    def as_args(self) -> dict:
        """The non-empty filters, for links that keep them."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in ("", None)}

    def key(self) -> str:
        return "&".join(f"{k}={v}" for k, v in sorted(self.as_args().items()))[:300]

    def article_ref(self) -> tuple[str, int] | None:
        slug, _sep, number = self.article.rpartition(":")
        return (slug, int(number)) if slug and number.isdigit() else None


NO_FILTERS = Filters()


def shown_outside_exams() -> ColumnElement[bool]:
    """The one rule for questions that may appear outside exams: public ones (confidential are exam-only)."""
    return Question.visibility == PUBLIC


def practice_questions(filters: Filters = NO_FILTERS) -> Select:
    """Select the practisable questions (joined with their current version) that match the filters."""
    stmt = eligible_questions(law=filters.law or None, chapter=filters.chapter or None, tag=filters.tag or None,
                              type=filters.type or None, difficulty=filters.difficulty).where(shown_outside_exams())
    if filters.question is not None:
        stmt = stmt.where(Question.id == filters.question)
    ref = filters.article_ref()
    if ref is not None:
        from .citations import questions_citing

        stmt = stmt.where(Question.id.in_(questions_citing(*ref) or [-1]))
    return stmt


def pool(user: User, now: datetime, filters: Filters = NO_FILTERS) -> Select:
    """Select what a learner may practise now under the filters, without what an open exam keeps out."""
    stmt = practice_questions(filters)
    blocked = embargoed_ids(user, now)
    return stmt.where(Question.id.notin_(blocked)) if blocked else stmt


def in_practice_bank(question_id) -> ColumnElement[bool]:
    """EXISTS: the question is public, active and not held for review (a column for a caller's own query)."""
    return practice_questions().with_only_columns(Question.id).where(Question.id == question_id).exists()


def is_practisable(user: User, question_id: int, now: datetime, in_bank: bool | None = None,
                   embargo_open: bool = True) -> bool:
    """True when this learner may see this question (and its key) in practice now.

    `in_bank` is in_practice_bank() and `embargo_open` any_embargo_exam() when the caller already selected them
    with its own row (no open "keep out of practice" exam at all: nothing to look up).
    """
    if in_bank is None:
        in_bank = bool(db.session.scalar(select(in_practice_bank(question_id))))
    return in_bank and not (embargo_open and question_id in embargoed_ids(user, now))


def any_embargo_exam(user=None) -> ColumnElement[bool]:
    """EXISTS: a "keep out of practice" exam is open to this person now, before the audience check (a column for
    a caller's own query, with the bound parameter now).

    `user` names the person: the bound parameter user_id by default, or a column of the caller's query (the
    practice answer by token names its serve's person), to which the subqueries are correlated.
    """
    return embargo_statement(user).with_only_columns(Exam.id).exists()


def open_embargo_exams(user: User, now: datetime) -> list[Exam]:
    """Exams marked "keep out of practice" that are open to this learner now (window, make-up or reopened)."""
    from ..exams.availability import in_audience

    exams = db.session.scalars(embargo_statement(), {"user_id": user.id, "now": now})
    return [exam for exam in exams if in_audience(exam, user)]


@cache
def embargo_statement(user=None) -> Select:
    """open_embargo_exams' statement for `user` (see any_embargo_exam), built once per process and person
    expression (it holds only bound parameters)."""
    person = bindparam("user_id") if user is None else user

    def correlated(stmt: Select) -> Select:
        # Nested two levels below the caller's query, a column of it is not correlated by itself: the subquery
        # would join the column's whole table.
        return stmt if user is None else stmt.correlate(user.table)

    now = bindparam("now")
    reopened = correlated(select(ExamOverride.exam_id).where(
        ExamOverride.user_id == person, ExamOverride.kind == "reopen", ExamOverride.until_at > now))
    # The state is written into the SQL, not bound: with a bound value SQLite re-prepares the whole statement (it
    # may use the partial index uq_attempts_one_open) on every execution, a third of a practice answer's read.
    in_progress = correlated(select(Attempt.exam_id).where(
        Attempt.user_id == person, Attempt.state == literal_column(f"'{IN_PROGRESS}'")))
    return select(Exam).where(
        Exam.is_kept_out_of_practice.is_(True), Exam.status == "published",
        or_((Exam.opens_at <= now) & (Exam.closes_at > now),
            (Exam.makeup_opens_at <= now) & (Exam.makeup_closes_at > now),
            Exam.id.in_(reopened), Exam.id.in_(in_progress)))


def embargoed_ids(user: User, now: datetime) -> set[int]:
    """Questions any such exam can draw (its blueprint's pools) or has put on the learner's paper."""
    from ..exams.bank_source import rule_pools

    exams = open_embargo_exams(user, now)
    if not exams:
        return set()
    blocked: set[int] = set()
    for exam in exams:  # every variant's rules; the pools are reused while the bank is unchanged
        for pool in rule_pools(exam.blueprint or [], exam.allows_public_questions):
            blocked.update(pool.ids)
    blocked.update(db.session.scalars(select(AttemptItem.question_id).join(Attempt).where(
        Attempt.user_id == user.id, Attempt.exam_id.in_([e.id for e in exams]))))
    return blocked


def current_version(question_id: int) -> QuestionVersion | None:
    return db.session.scalar(select(QuestionVersion).join(
        Question, Question.current_version_id == QuestionVersion.id).where(Question.id == question_id))
