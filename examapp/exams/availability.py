"""Who may take an exam now, and why not: audience, window, eligibility, attempts."""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, bindparam, select

from ..extensions import db
from ..org.models import User
from ..permissions import ADMIN, EXAMINER
from .audience import in_audience  # noqa: F401  (re-exported: callers import it from here)
from .models import IN_PROGRESS, Attempt, Exam, ExamOverride

# Reason codes shown to learners (labels live in present.py).
OK, NOT_PUBLISHED, NOT_AUDIENCE, NOT_OPEN, CLOSED, NOT_ELIGIBLE, NO_ATTEMPTS, KEY_HOLDER = (
    "ok", "not_published", "not_in_audience", "not_open_yet", "closed", "not_eligible", "no_attempts_left",
    "key_holder")
# Roles that read answer keys and explanations (bank, reviews, regrades): they never sit an exam.
KEY_HOLDERS = (ADMIN, EXAMINER)


@dataclass
class Standing:
    exam: Exam
    reason: str
    attempts_used: int = 0
    attempts_left: int = 0
    open_attempt: Attempt | None = None
    window_closes_at: datetime | None = None
    is_makeup: bool = False
    extra_minutes: int = 0
    detail: dict | None = None
    next_number: int = 1  # the number a new attempt takes (1 + the highest so far)

    @property
    def can_start(self) -> bool:
        return self.reason == OK


def eligibility_problem(exam: Exam, user: User) -> dict | None:
    """Return what is missing under the exam's eligibility rule, or None."""
    if not (exam.eligibility or {}).get("study_credits"):
        return None
    try:
        from ..study.credits import yearly_progress
    except ImportError:  # the study domain is not installed: nothing to check against
        return None
    progress = yearly_progress(user, exam.year)
    if progress.reached:
        return None
    return {"credits": str(progress.credits), "required": str(progress.required)}


def overrides(exam: Exam, user: User) -> list[ExamOverride]:
    return list(db.session.scalars(person_statement("overrides"), {"exam_id": exam.id, "user_id": user.id}))


def finished_attempts(exam: Exam, user: User) -> list[Attempt]:
    return list(db.session.scalars(person_statement("finished"), {"exam_id": exam.id, "user_id": user.id}))


def open_attempt(exam: Exam, user: User) -> Attempt | None:
    return db.session.scalar(person_statement("open"), {"exam_id": exam.id, "user_id": user.id})


def attempts_of(exam: Exam, user: User) -> list[Attempt]:
    """All of the person's attempts at the exam, finished and open, in order (one read for standing())."""
    return list(db.session.scalars(person_statement("attempts"), {"exam_id": exam.id, "user_id": user.id}))


@functools.cache
def person_statement(kind: str) -> Select:
    """The reads of one person's standing in one exam, built once with exam_id and user_id bound at execution:
    every start and every exam list asks them, and building a statement costs more than running it."""
    exam_id, user_id = bindparam("exam_id"), bindparam("user_id")
    if kind == "overrides":
        return select(ExamOverride).where(ExamOverride.exam_id == exam_id, ExamOverride.user_id == user_id) \
            .order_by(ExamOverride.id)
    mine = select(Attempt).where(Attempt.exam_id == exam_id, Attempt.user_id == user_id)
    if kind == "open":
        return mine.where(Attempt.state == IN_PROGRESS)
    if kind == "finished":
        mine = mine.where(Attempt.state != IN_PROGRESS)
    return mine.order_by(Attempt.number)


def current_window(exam: Exam, grants: list[ExamOverride], now: datetime) -> tuple[str, datetime | None]:
    """Return ("regular"|"reopen"|"makeup"|"before"|"after", closes_at) for this moment."""
    if exam.opens_at <= now < exam.closes_at:
        return "regular", exam.closes_at
    reopened = [g.until_at for g in grants if g.kind == "reopen" and g.until_at and g.until_at > now]
    if reopened and now >= exam.opens_at:
        return "reopen", max(reopened)
    if exam.makeup_opens_at and exam.makeup_closes_at and exam.makeup_opens_at <= now < exam.makeup_closes_at:
        return "makeup", exam.makeup_closes_at
    return ("before", None) if now < exam.opens_at else ("after", None)


def standing(exam: Exam, user: User, now: datetime) -> Standing:
    """Decide whether this person may start (or resume) the exam now."""
    if not exam.is_published:
        return Standing(exam, NOT_PUBLISHED)
    if not in_audience(exam, user):
        return Standing(exam, NOT_AUDIENCE)
    if user.role in KEY_HOLDERS:
        return Standing(exam, KEY_HOLDER)
    grants = overrides(exam, user)
    attempts = attempts_of(exam, user)
    done = [a for a in attempts if a.state != IN_PROGRESS]
    running = next((a for a in attempts if a.state == IN_PROGRESS), None)
    allowed = exam.max_attempts + sum(1 for g in grants if g.kind == "extra_attempt")
    extra = sum(g.minutes for g in grants if g.kind == "extra_time")
    result = Standing(exam, OK, len(done), max(allowed - len(done), 0), running, extra_minutes=extra,
                      next_number=max((a.number for a in attempts), default=0) + 1)
    if result.open_attempt is not None:
        return result
    window, closes_at = current_window(exam, grants, now)
    result.window_closes_at = closes_at
    if window == "makeup":
        result.is_makeup = True
        failed = bool(done) and not any(a.passed for a in done)
        used = sum(1 for a in done if a.is_makeup)
        result.attempts_left = 1 - used if failed else 0
    elif window in ("before", "after"):
        result.reason = NOT_OPEN if window == "before" else CLOSED
        return result
    problem = eligibility_problem(exam, user)
    if problem:
        result.reason, result.detail = NOT_ELIGIBLE, problem
    elif result.attempts_left <= 0:
        result.reason = NO_ATTEMPTS
    return result


def deadline_for(exam: Exam, started_at: datetime, closes_at: datetime, extra_minutes: int) -> datetime:
    """The earlier of start + duration and the window's close, then any extra time granted."""
    end = min(started_at + timedelta(minutes=exam.duration_minutes), closes_at) + timedelta(minutes=extra_minutes)
    # Whole seconds, rounded up: the learner never loses a fraction of a second.
    return end.replace(microsecond=0) + timedelta(seconds=1) if end.microsecond else end


def last_close(exam: Exam) -> datetime:
    """When the last way into the exam closes: the window, the make-up window or any reopening."""
    reopened = db.session.scalar(select(ExamOverride.until_at).where(
        ExamOverride.exam_id == exam.id, ExamOverride.kind == "reopen", ExamOverride.until_at.is_not(None))
        .order_by(ExamOverride.until_at.desc()).limit(1))
    return max(moment for moment in (exam.closes_at, exam.makeup_closes_at, reopened) if moment is not None)


def grace_seconds() -> int:
    """How late an answer may arrive after the deadline (network grace), from the settings."""
    return int(current_app.config.get("EXAM_GRACE_SECONDS", 30))


def review_released(exam: Exam, now: datetime) -> bool:
    """True once no attempt of this exam can still accept answers: the one rule for releasing its questions.

    Every window (make-up and per-person reopenings included) has closed and no attempt in progress is
    within its own deadline (which carries any extra time) plus the network grace.
    """
    if now < last_close(exam):
        return False
    cutoff = now - timedelta(seconds=grace_seconds())
    running = db.session.scalar(select(Attempt.id).where(
        Attempt.exam_id == exam.id, Attempt.state == IN_PROGRESS, Attempt.deadline_at >= cutoff).limit(1))
    return running is None
