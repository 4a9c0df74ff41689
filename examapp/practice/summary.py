"""A learner's practice at a glance: due reviews (今日复习), streak (连续学习), today's set, the book."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ..bank.models import Question
from ..extensions import db
from ..org.models import User
from ..study.credits import local_day
from . import book
from .models import PracticeAnswer, PracticeCard, PracticeSet
from .picking import set_progress
from .pool import pool

STREAK_LOOKBACK_DAYS = 400


@dataclass
class Summary:
    due: int
    streak: int
    practised_today: bool
    daily_done: int
    daily_total: int
    book: int


def due_count(user: User, now: datetime) -> int:
    """Cards due now among the questions the learner may practise now."""
    allowed = pool(user, now).with_only_columns(Question.id)
    return db.session.scalar(select(func.count(PracticeCard.id)).where(
        PracticeCard.user_id == user.id, PracticeCard.due_at <= now, PracticeCard.question_id.in_(allowed))) or 0


def streak_of(days: list[date], today: date) -> int:
    """Consecutive days with practice ending today, or yesterday while today is still open."""
    have = set(days)
    day = today if today in have else today - timedelta(days=1)
    count = 0
    while day in have:
        count += 1
        day -= timedelta(days=1)
    return count


def streak(user: User, now: datetime) -> tuple[int, bool]:
    """(streak length in days, whether the learner practised today)."""
    today = local_day(now)
    days = list(db.session.scalars(select(PracticeAnswer.day).distinct().where(
        PracticeAnswer.user_id == user.id, PracticeAnswer.day >= today - timedelta(days=STREAK_LOOKBACK_DAYS))))
    return streak_of(days, today), today in days


def daily_progress(user: User, now: datetime) -> tuple[int, int]:
    """Today's set as (answered, size); (0, 0) before the set is made (it is made on first opening)."""
    found = db.session.scalar(select(PracticeSet).where(PracticeSet.user_id == user.id, PracticeSet.kind == "daily",
                                                        PracticeSet.day == local_day(now)))
    return set_progress(found) if found is not None else (0, 0)


def summary(user: User, now: datetime) -> Summary:
    length, today = streak(user, now)
    done, total = daily_progress(user, now)
    return Summary(due=due_count(user, now), streak=length, practised_today=today, daily_done=done,
                   daily_total=total, book=book.counts(user)["total"])
