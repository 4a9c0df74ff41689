"""`exams close-overdue`: finalise attempts whose deadline has passed (safe from cron at any time)."""

import logging
import sys
from datetime import datetime

import click
from flask.cli import AppGroup

from ..db import utcnow
from ..extensions import db
from .attempts import finalise_overdue, overdue_ids

log = logging.getLogger("examapp.exams")

exams = AppGroup("exams", help="Exams and attempts.")
COMMANDS = (exams,)


def close_overdue(now: datetime) -> tuple[int, int]:
    """Finalise every overdue attempt, each in its own transaction; return (closed, failed)."""
    closed = failed = 0
    for attempt_id in overdue_ids(now):
        try:
            closed += finalise_overdue(attempt_id, now)
            db.session.commit()
        except Exception:  # one broken attempt must not block the others; cron retries it next time
            db.session.rollback()
            failed += 1
            log.exception("could not finalise attempt %s", attempt_id)
    return closed, failed


@exams.command("close-overdue")
def close_overdue_command():
    """Finish and score every attempt past its deadline and grace, as of its deadline."""
    closed, failed = close_overdue(utcnow())
    click.echo(f"closed {closed} overdue attempt(s); {failed} failed")
    if failed:
        sys.exit(1)
