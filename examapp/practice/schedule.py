"""Spaced review with the fsrs package: the rating mapping and one review of a stored card."""

from datetime import datetime
from functools import lru_cache

from fsrs import Card, Rating, ReviewLog, Scheduler

from ..extensions import db
from .models import AGAIN, GOOD, HARD, PracticeCard, PracticeSettings

# A right answer after a longer look than this (server clock, serving to answering) is rated Hard.
LONG_LOOK_SECONDS = 30
DEFAULT_RETENTION = 0.9


def desired_retention() -> float:
    """The site's desired retention (admin setting), 0.9 by default."""
    settings = db.session.get(PracticeSettings, 1)
    return settings.desired_retention if settings is not None else DEFAULT_RETENTION


@lru_cache(maxsize=16)
def make_scheduler(retention: float) -> Scheduler:
    """The package's scheduler with day-scale steps: practice is daily, so no same-day learning steps.

    Fuzzing is off so that a learner's due dates are reproducible from their answers. One per retention and process:
    the scheduler holds only its settings (review_card changes copies of the card), and building one validates all
    its parameters.
    """
    return Scheduler(desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def scheduler() -> Scheduler:
    return make_scheduler(desired_retention())


def long_look_seconds(parts: int) -> int:
    """The threshold grows with a case's sub-questions (each is a question to read and answer)."""
    return LONG_LOOK_SECONDS * max(parts, 1)


def rating_for(correct: bool, seconds: float, parts: int = 1, second_try: bool = False) -> int:
    """Wrong: Again. Right on a second try (wrong earlier today) or after a long look: Hard. Else Good.

    Easy is never given: a quick right answer to a choice question may be a lucky guess.
    """
    if not correct:
        return AGAIN
    if second_try or seconds > long_look_seconds(parts):
        return HARD
    return GOOD


def review(row: PracticeCard, rating: int, now: datetime, sched: Scheduler | None = None) -> ReviewLog:
    """Apply one rating to a stored card with the package's scheduler and store the new state."""
    sched = sched or scheduler()
    # A fresh Card gets an explicit id and due time: the default id sleeps a millisecond to stay unique.
    card = Card.from_dict(row.state) if row.state else Card(card_id=row.question_id, due=now)
    card, log = sched.review_card(card, Rating(rating), review_datetime=now)
    row.state = card.to_dict()
    row.due_at, row.stability, row.last_review_at = card.due, card.stability, card.last_review
    row.reviews = (row.reviews or 0) + 1
    row.lapses = (row.lapses or 0) + (1 if rating == AGAIN and (row.reviews or 0) > 1 else 0)
    return log


def retrievability(row: PracticeCard, now: datetime, sched: Scheduler) -> float:
    """The probability, by FSRS, that the learner recalls this question now (0 for an unreviewed card)."""
    if row.stability is None or row.last_review_at is None:
        return 0.0
    card = Card(card_id=0, stability=row.stability, last_review=row.last_review_at, due=row.due_at)
    return float(sched.get_card_retrievability(card, current_datetime=now))


def save_retention(value: float, actor, now: datetime) -> PracticeSettings:
    """Set the site's desired retention (flushes); cards keep their schedule until their next review."""
    from .. import audit

    settings = db.session.get(PracticeSettings, 1)
    if settings is None:
        settings = PracticeSettings(id=1)
        db.session.add(settings)
    before = settings.desired_retention
    settings.desired_retention, settings.updated_at, settings.updated_by_id = value, now, actor.id
    audit.record("practice_settings_set", actor=actor, target="practice:settings",
                 detail={"desired_retention": value, "before": before}, now=now)
    db.session.flush()
    return settings
