"""Leaving the exam page: every leave is evidence; the exam's policy says what else happens.

Policies (the examiner's choice per exam): "record" (default) keeps the evidence and tells the learner
so; "warn" warns on every return; "submit" finishes the attempt when the person comes back from one
leave more than the exam allows. A leave counts only when it lasted at least the grace (3 s by
default), measured between the server times of the leave and of the return, so a glance at a
notification or the browser's own dialog is kept as evidence but never counted.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, select, update

from ..extensions import db
from .attempts import finalise, settle
from .models import IN_PROGRESS, Attempt, AttemptEvent, Exam

LEAVE, RETURN, RESUME = "leave", "return", "resume"
EVENT_KINDS = (LEAVE, RETURN, RESUME)  # the server also records RESUME itself when the page is reopened


def grace_seconds() -> int:
    """Switches shorter than this are kept as evidence but not counted."""
    return int(current_app.config.get("EXAM_LEAVE_GRACE_SECONDS", 3))


@dataclass
class Comeback:
    """What a return from a leave meant: how long the person was away and what the policy did."""

    away_seconds: int
    counted: bool
    leaves: int
    submitted: bool
    message: str


def record_event(attempt: Attempt, kind: str, now: datetime, client_at: str = "",
                 device_away_ms: int | None = None) -> Comeback | None:
    """Keep a leave or return as evidence; a return closes the open leave under the exam's policy.

    An attempt past its deadline and grace is finished as of its deadline first (the leave policy no longer
    applies: a return after the deadline cannot end it later, as "left the page").
    """
    if settle(attempt, now).state != IN_PROGRESS:
        return None
    detail = {} if device_away_ms is None else {"device_away_ms": device_away_ms}
    db.session.add(AttemptEvent(attempt_id=attempt.id, kind=kind, at=now, client_at=client_at[:40], detail=detail))
    comeback = come_back(attempt, now) if kind in (RETURN, RESUME) else None
    db.session.flush()
    return comeback


def resume(attempt: Attempt, now: datetime, leave_open: bool | None = None) -> Comeback | None:
    """The exam page was opened again while a leave was open (the tab was closed or reloaded): a return.

    leave_open: whether a leave was open when the attempt was loaded (leave_is_open() in the same statement);
    None looks it up."""
    if attempt.state != IN_PROGRESS or leave_open is False or open_leave(attempt) is None:
        return None
    return record_event(attempt, RESUME, now)


def leave_is_open():
    """A column for a query of attempts: does the attempt have an open leave?"""
    return exists().where(AttemptEvent.attempt_id == Attempt.id, AttemptEvent.kind == LEAVE,
                          AttemptEvent.ended_at.is_(None))


def open_leave(attempt: Attempt) -> AttemptEvent | None:
    return db.session.scalar(select(AttemptEvent).where(
        AttemptEvent.attempt_id == attempt.id, AttemptEvent.kind == LEAVE, AttemptEvent.ended_at.is_(None))
        .order_by(AttemptEvent.id.desc()).limit(1))


def come_back(attempt: Attempt, now: datetime) -> Comeback | None:
    """Close the open leave (exactly once, even for racing returns); count it and apply the policy."""
    leave = open_leave(attempt)
    if leave is None:
        return None
    away = max(int((now - leave.at).total_seconds()), 0)
    counted = away >= grace_seconds()
    closed = db.session.execute(
        update(AttemptEvent).where(AttemptEvent.id == leave.id, AttemptEvent.ended_at.is_(None))
        .values(ended_at=now, is_counted=counted).execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        return None
    db.session.expire(leave)
    if counted:
        db.session.execute(update(Attempt).where(Attempt.id == attempt.id, Attempt.state == IN_PROGRESS)
                           .values(leave_count=Attempt.leave_count + 1).execution_options(synchronize_session=False))
        db.session.refresh(attempt)
    exam = attempt.exam
    submitted = counted and over_limit(exam, attempt.leave_count) and finalise(
        attempt, now, finished_at=now, reason="left_page")
    message = return_message(exam, attempt.leave_count, away) if counted else ""
    return Comeback(away_seconds=away, counted=counted, leaves=attempt.leave_count, submitted=bool(submitted),
                    message=message)


def over_limit(exam: Exam, leaves: int) -> bool:
    return exam.leave_policy == "submit" and exam.leave_limit is not None and leaves > exam.leave_limit


def duration_text(seconds: int) -> str:
    if seconds < 60:
        return _("%(s)s s", s=seconds)
    return _("%(m)s min %(s)s s", m=seconds // 60, s=seconds % 60)


def policy_text(exam: Exam) -> str:
    """The policy as the learner reads it before starting and on the exam page."""
    grace = grace_seconds()
    if exam.leave_policy == "submit" and exam.leave_limit is not None:
        return _("Leaving the exam page is recorded for the examiner. If you leave more than %(n)s times, your "
                 "paper is submitted automatically. Switches shorter than %(s)s seconds do not count.",
                 n=exam.leave_limit, s=grace)
    if exam.leave_policy == "warn":
        return _("Leaving the exam page is recorded for the examiner and you are warned each time you come "
                 "back; it does not end your exam. Switches shorter than %(s)s seconds do not count.", s=grace)
    return _("Leaving the exam page (for a call or a message) is recorded for the examiner; it does not end "
             "your exam. Switches shorter than %(s)s seconds do not count.", s=grace)


def return_message(exam: Exam, leaves: int, away: int) -> str:
    """The warning on coming back: how often, how long, and what happens next under this exam's policy."""
    if over_limit(exam, leaves):
        return _("You left the exam page more than %(n)s times: your paper has been submitted.", n=exam.leave_limit)
    if exam.leave_policy == "submit" and exam.leave_limit is not None:
        more = exam.leave_limit + 1 - leaves
        return _("You have left the exam page %(n)s time(s) (this time %(away)s). %(more)s more leave(s) and your "
                 "paper is submitted automatically.", n=leaves, away=duration_text(away), more=more)
    if exam.leave_policy == "warn":
        return _("Warning: you have left the exam page %(n)s time(s) (this time %(away)s). Every leave is shown to "
                 "the examiner; please stay on the exam page until you submit.", n=leaves, away=duration_text(away))
    return _("You left the exam page for %(away)s (leave %(n)s). It is recorded for the examiner; your exam "
             "goes on.", n=leaves, away=duration_text(away))
