"""Serving the next question of a mode, and remembering that it was served (only served questions are answerable)."""

from datetime import datetime

from sqlalchemy import select

from ..bank.models import Question, QuestionVersion
from ..extensions import db
from ..org.models import User
from ..study.credits import local_day
from . import book
from .models import MODES, PracticeServe, PracticeSet
from .picking import (
    REUSE_SERVE,
    Served,
    answered,
    answered_ids,
    daily_set,
    due_ids,
    load_set,
    random_set,
    scope_key,
    set_answered,
    soonest_ids,
    unseen_ids,
)
from .pool import NO_FILTERS, Filters, pool


def resolve_set(user: User, now: datetime, mode: str, filters: Filters, set_id: int | None) -> PracticeSet | None:
    if mode == "daily":
        return daily_set(user, now)
    if mode == "random":
        return load_set(user, set_id) if set_id else random_set(user, now, filters)
    return None


def next_question(user: User, now: datetime, mode: str, filters: Filters = NO_FILTERS,
                  set_id: int | None = None) -> tuple[Served | None, PracticeSet | None]:
    """Serve the next question of the mode (flushes), or None when there is nothing left; and the set, if any."""
    mode = mode if mode in MODES else "filter"
    practice_set = resolve_set(user, now, mode, filters, set_id)
    key = scope_key(mode, filters, practice_set.id if practice_set else None)
    served = open_serve(user, now, key)
    if served is None:
        question_id = choose(user, now, mode, filters, practice_set)
        if question_id is None:
            return None, practice_set
        served = serve(user, question_id, now, mode, key, practice_set)
    if practice_set is not None and served.question.id in practice_set.question_ids:
        served.position = practice_set.question_ids.index(served.question.id) + 1
        served.total = len(practice_set.question_ids)
    return served, practice_set


def open_serve(user: User, now: datetime, key: str) -> Served | None:
    """The question served for this same page and not answered yet, if it may still be practised."""
    row = db.session.scalar(select(PracticeServe).where(
        PracticeServe.user_id == user.id, PracticeServe.scope_key == key, ~answered(),
        PracticeServe.served_at > now - REUSE_SERVE).order_by(PracticeServe.id.desc()).limit(1))
    if row is None:
        return None
    allowed = pool(user, now).with_only_columns(Question.id).where(Question.id == row.question_id)
    if db.session.scalar(allowed) is None:
        return None
    return Served(row, db.session.get(Question, row.question_id), db.session.get(QuestionVersion, row.version_id))


def choose(user: User, now: datetime, mode: str, filters: Filters, practice_set: PracticeSet | None) -> int | None:
    """The next question id for the mode, or None."""
    if practice_set is not None:
        done = set_answered(practice_set)
        remaining = [qid for qid in practice_set.question_ids if qid not in done]
        return first_allowed(user, now, remaining)
    if filters.question is not None:  # one question, again and again if the learner wants
        return first_allowed(user, now, [filters.question])
    if mode == "review":
        return next(iter(due_ids(user, now, filters, 1)), None)
    today = answered_ids(user, local_day(now))
    if mode == "book":
        return first_allowed(user, now, [qid for qid in book.book_ids(user) if qid not in today])
    for pick in (lambda: [q for q in due_ids(user, now, filters, 50) if q not in today],
                 lambda: unseen_ids(user, now, filters, 1),
                 lambda: soonest_ids(user, now, filters, 1, today)):
        found = pick()
        if found:
            return found[0]
    return None


def first_allowed(user: User, now: datetime, ids: list[int]) -> int | None:
    """The first of these ids that may still be practised (retired or embargoed ones are skipped)."""
    if not ids:
        return None
    allowed = set(db.session.scalars(pool(user, now).with_only_columns(Question.id).where(Question.id.in_(ids))))
    return next((qid for qid in ids if qid in allowed), None)


def serve(user: User, question_id: int, now: datetime, mode: str, key: str,
          practice_set: PracticeSet | None) -> Served:
    question = db.session.get(Question, question_id)
    version = db.session.get(QuestionVersion, question.current_version_id)
    row = PracticeServe(user_id=user.id, question_id=question_id, version_id=version.id, mode=mode, scope_key=key,
                        set_id=practice_set.id if practice_set else None, served_at=now)
    db.session.add(row)
    db.session.flush()
    return Served(row, question, version)
