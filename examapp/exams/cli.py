"""`exams close-overdue`: finalise attempts whose deadline has passed (safe from cron at any time)."""

import sys

import click
from flask.cli import AppGroup

from ..db import utcnow
from .attempts import close_overdue

exams = AppGroup("exams", help="Exams and attempts.")
COMMANDS = (exams,)


@exams.command("close-overdue")
def close_overdue_command():
    """Finish and score every attempt past its deadline and grace, as of its deadline."""
    closed, failed = close_overdue(utcnow())
    click.echo(f"closed {closed} overdue attempt(s); {failed} failed")
    if failed:
        sys.exit(1)
