"""Reading time earned offline: the phone queues it and sends it when the connection returns.

The server trusts no claim beyond what could have happened: time after now, stretches that overlap
(nobody reads two articles at once) and days older than a week earn nothing, and each day stays within
the same daily cap as online reading. A batch is credited once: a resend after a lost reply is a no-op.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from ..org.models import User
from .credits import credit_row, local_day, requirement, seconds_today
from .models import Law, OfflineStudyBatch

OFFLINE_DAYS = 7  # a village may be offline for days, not for weeks
MAX_SEGMENTS = 500
MAX_SEGMENT_SECONDS = 86400  # more than a day of reading in one stretch is not a measurement but a mistake
CLOCK_SKEW = timedelta(minutes=5)
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass
class Segment:
    """One stretch of reading on one law: when it started and how many seconds were in use."""

    slug: str
    started_at: datetime
    seconds: int


@dataclass
class OfflineResult:
    claimed: int
    credited: int
    duplicate: bool = False
    too_old: int = 0
    days: dict = field(default_factory=dict)


def parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def parse_segment(raw, now: datetime) -> Segment:
    """One queued stretch, or a clear error: slug, started_at (ISO 8601 with offset), whole seconds."""
    if not isinstance(raw, dict) or not isinstance(raw.get("slug"), str):
        raise Invalid(_("Each queued reading needs the law's slug, a start time and seconds."))
    started = parse_time(raw.get("started_at"))
    if started is None:
        raise Invalid(_("started_at must be a time in ISO 8601 with its offset."))
    if started > now + CLOCK_SKEW:
        raise Invalid(_("Reading time cannot start in the future; check the phone's clock."))
    seconds = raw.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 1 <= seconds <= MAX_SEGMENT_SECONDS:
        raise Invalid(_("seconds must be a whole number from 1 to %(max)s.", max=MAX_SEGMENT_SECONDS))
    return Segment(raw["slug"], started, seconds)


def parse_batch(data, now: datetime) -> tuple[str, list[Segment]]:
    """Validate a queued batch: {"batch": key, "segments": [...]}; raise Invalid before anything changes."""
    if not isinstance(data, dict) or not isinstance(data.get("batch"), str) or not KEY.match(data["batch"]):
        raise Invalid(_("Send a JSON object with a batch key (8 to 64 letters, digits, - or _) and segments."))
    raw = data.get("segments")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_SEGMENTS:
        raise Invalid(_("segments must be a list of 1 to %(max)s queued readings.", max=MAX_SEGMENTS))
    return data["batch"], [parse_segment(item, now) for item in raw]


def law_ids(segments: list[Segment]) -> dict[str, int]:
    slugs = {s.slug for s in segments}
    found = dict(db.session.execute(select(Law.slug, Law.id).where(Law.slug.in_(slugs))).all())
    unknown = sorted(slugs - set(found))
    if unknown:
        raise Invalid(_("No law with the slug %(slug)s.", slug=unknown[0]))
    return found


def credit_offline(user: User, key: str, segments: list[Segment], now: datetime) -> OfflineResult:
    """Credit a queued batch once, clamped to what is possible and to each day's cap."""
    done = db.session.scalar(select(OfflineStudyBatch).where(
        OfflineStudyBatch.user_id == user.id, OfflineStudyBatch.batch_key == key))
    if done is not None:
        return OfflineResult(done.seconds_claimed, 0, duplicate=True)
    ids = law_ids(segments)
    result = OfflineResult(claimed=sum(s.seconds for s in segments), credited=0)
    oldest, cursor = now - timedelta(days=OFFLINE_DAYS), None
    for segment in sorted(segments, key=lambda s: s.started_at):
        if segment.started_at < oldest:
            result.too_old += segment.seconds
            continue
        start = max(segment.started_at, cursor) if cursor else segment.started_at
        end = min(segment.started_at + timedelta(seconds=segment.seconds), now)
        if end <= start:
            continue
        cursor = end
        day = local_day(start)
        room = requirement(day.year).daily_cap_minutes * 60 - seconds_today(user.id, day)
        earned = max(0, min(int((end - start).total_seconds()), room))
        if earned:
            credit_row(user.id, ids[segment.slug], day).seconds += earned
            db.session.flush()
            result.credited += earned
            result.days[day.isoformat()] = result.days.get(day.isoformat(), 0) + earned
    db.session.add(OfflineStudyBatch(user_id=user.id, batch_key=key, received_at=now,
                                     seconds_claimed=result.claimed, seconds_credited=result.credited))
    db.session.flush()
    return result
