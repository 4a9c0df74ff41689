"""`exams close-overdue` (finalise attempts past their deadline, safe from cron) and `exams regrade-rule`."""

import logging
import sys
from datetime import datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..db import utcnow
from ..extensions import db
from . import regrade
from .attempts import finalise_overdue, overdue_ids
from .models import Exam

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


@exams.command("regrade-rule")
@click.argument("exam_ids", type=int, nargs=-1)
@click.option("--apply", "apply_it", is_flag=True, help="Rescore the listed attempts (audited); without it, a dry run.")
def regrade_rule_command(exam_ids: tuple[int, ...], apply_it: bool):
    """List the finished attempts of EXAM_IDS (default: every exam) whose score changes under the current rule."""
    exams_ = [db.session.get(Exam, i) for i in exam_ids] if exam_ids else list(
        db.session.scalars(select(Exam).order_by(Exam.id)))
    if None in exams_:
        click.echo(f"no exam {exam_ids[exams_.index(None)]}", err=True)
        sys.exit(1)
    total = 0
    for exam in exams_:
        rows = regrade.rule_run(exam, None, utcnow()) if apply_it else regrade.rule_preview(exam)
        total += len(rows)
        for row in rows:
            click.echo(f"exam {exam.id} attempt {row.attempt.id} {row.attempt.user.username}: {row.before} -> "
                       f"{row.after} (passed {row.passed_before} -> {row.passed_after}; {len(row.marks)} answer(s))")
    if apply_it:
        db.session.commit()
        click.echo(f"rescored {total} attempt(s)")
    else:
        db.session.rollback()
        click.echo(f"dry run: {total} attempt(s) would change; run again with --apply to rescore them")


@exams.command("rebuild-results")
@click.argument("exam_ids", type=int, nargs=-1)
def rebuild_results_command(exam_ids: tuple[int, ...]):
    """Recompute the counted results the reports read (exam_results) from the attempts (default: every exam)."""
    from .results import rebuild

    targets = list(exam_ids) or [None]
    with click.progressbar(targets, label="重算成绩汇总") as bar:
        written = sum(rebuild(exam_id) for exam_id in bar)
    db.session.commit()
    click.echo(f"成绩汇总已重算：{written} 人次的计分成绩。")
