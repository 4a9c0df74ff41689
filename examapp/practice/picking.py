"""Choosing the next question: a set (每日一练, 随机 10 题), due reviews, the book, or a filter."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.exc import IntegrityError

from ..bank.models import Question, QuestionVersion
from ..errors import NotFound
from ..extensions import db
from ..org.models import User
from ..study.credits import local_day
from .mastery import weak_chapters
from .models import PracticeAnswer, PracticeCard, PracticeServe, PracticeSet
from .pool import NO_FILTERS, Filters, pool

SET_SIZE = 10
PER_WEAK_CHAPTER = 3
# Reloading the question page within this time shows the same question again (it keeps its serving time).
REUSE_SERVE = timedelta(hours=12)


@dataclass
class Served:
    serve: PracticeServe
    question: Question
    version: QuestionVersion
    position: int | None = None  # in a set, 1-based
    total: int | None = None


def scope_key(mode: str, filters: Filters, set_id: int | None) -> str:
    return f"{mode}:{set_id or ''}:{filters.key()}"[:300]


def answered_ids(user: User, since_day) -> set[int]:
    return set(db.session.scalars(select(PracticeAnswer.question_id).where(
        PracticeAnswer.user_id == user.id, PracticeAnswer.day >= since_day)))


def due_ids(user: User, now: datetime, filters: Filters = NO_FILTERS, limit: int = SET_SIZE) -> list[int]:
    """The learner's due cards (oldest due first) among what may be practised now."""
    allowed = pool(user, now, filters).with_only_columns(Question.id)
    return list(db.session.scalars(select(PracticeCard.question_id).where(
        PracticeCard.user_id == user.id, PracticeCard.due_at <= now, PracticeCard.question_id.in_(allowed))
        .order_by(PracticeCard.due_at, PracticeCard.id).limit(limit)))


def unseen_ids(user: User, now: datetime, filters: Filters, limit: int, skip: set[int] = frozenset()) -> list[int]:
    """Questions the learner has no card for yet, in random order."""
    seen = select(PracticeCard.question_id).where(PracticeCard.user_id == user.id)
    stmt = pool(user, now, filters).with_only_columns(Question.id).where(Question.id.notin_(seen))
    if skip:
        stmt = stmt.where(Question.id.notin_(skip))
    return list(db.session.scalars(stmt.order_by(func.random()).limit(limit)))


def soonest_ids(user: User, now: datetime, filters: Filters, limit: int, skip: set[int]) -> list[int]:
    """Practised questions that are not yet due, those the learner would forget first."""
    allowed = pool(user, now, filters).with_only_columns(Question.id)
    stmt = select(PracticeCard.question_id).where(PracticeCard.user_id == user.id,
                                                  PracticeCard.question_id.in_(allowed))
    if skip:
        stmt = stmt.where(PracticeCard.question_id.notin_(skip))
    return list(db.session.scalars(stmt.order_by(PracticeCard.due_at, PracticeCard.id).limit(limit)))


def build_daily(user: User, now: datetime) -> list[int]:
    """About ten: due reviews first, then weak chapters, then questions not seen yet."""
    chosen = due_ids(user, now)
    for law, chapter in weak_chapters(user, now):
        if len(chosen) >= SET_SIZE:
            break
        # A weak chapter's questions not seen yet, then those the learner would forget first.
        scope = Filters(law=law, chapter=chapter)
        extra = unseen_ids(user, now, scope, PER_WEAK_CHAPTER, set(chosen))
        extra += soonest_ids(user, now, scope, PER_WEAK_CHAPTER, set(chosen) | set(extra))
        chosen += extra[:min(PER_WEAK_CHAPTER, SET_SIZE - len(chosen))]
    if len(chosen) < SET_SIZE:
        chosen += unseen_ids(user, now, Filters(), SET_SIZE - len(chosen), set(chosen))
    if len(chosen) < SET_SIZE:
        chosen += soonest_ids(user, now, Filters(), SET_SIZE - len(chosen), set(chosen))
    return chosen[:SET_SIZE]


def daily_set(user: User, now: datetime) -> PracticeSet:
    """Today's set for this learner: made once, the same on every device all day."""
    day = local_day(now)
    found = db.session.scalar(select(PracticeSet).where(PracticeSet.user_id == user.id, PracticeSet.kind == "daily",
                                                        PracticeSet.day == day))
    if found is not None:
        return found
    made = PracticeSet(user_id=user.id, kind="daily", day=day, question_ids=build_daily(user, now), created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(made)
    except IntegrityError:  # another device made today's set at the same moment: use that one
        return db.session.scalar(select(PracticeSet).where(
            PracticeSet.user_id == user.id, PracticeSet.kind == "daily", PracticeSet.day == day))
    return made


def random_set(user: User, now: datetime, filters: Filters = NO_FILTERS) -> PracticeSet:
    """A new round of ten random questions."""
    ids = list(db.session.scalars(pool(user, now, filters).with_only_columns(Question.id)
                                  .order_by(func.random()).limit(SET_SIZE)))
    made = PracticeSet(user_id=user.id, kind="random", day=local_day(now), question_ids=ids, created_at=now)
    db.session.add(made)
    db.session.flush()
    return made


def load_set(user: User, set_id: int) -> PracticeSet:
    found = db.session.get(PracticeSet, set_id)
    if found is None or found.user_id != user.id:
        raise NotFound(_("The page or item was not found."))
    return found


def answered() -> ColumnElement[bool]:
    """EXISTS: the serve (PracticeServe in the caller's query) has its answer; the answer's row is the claim."""
    return exists().where(PracticeAnswer.serve_id == PracticeServe.id)


def set_answered(practice_set: PracticeSet) -> set[int]:
    """Questions of a set already answered in it."""
    return set(db.session.scalars(select(PracticeServe.question_id).where(
        PracticeServe.set_id == practice_set.id, answered())))


def set_progress(practice_set: PracticeSet) -> tuple[int, int]:
    return len(set_answered(practice_set) & set(practice_set.question_ids)), len(practice_set.question_ids)
