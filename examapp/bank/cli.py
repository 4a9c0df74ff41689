"""`questions stats | export | import` on the command line."""

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..db import utcnow
from ..errors import DomainError
from ..extensions import db
from ..progress import cli_progress
from . import library
from .coverage import bank_coverage, coverage_summary
from .export import to_gift, to_xlsx
from .importer import import_questions
from .models import CONFIDENTIAL, VISIBILITIES, Question, QuestionVersion
from .services import current_versions, filter_bank

questions = AppGroup("questions", help="The question bank.")
COMMANDS = (questions,)


def counts(column, join_version: bool = False) -> dict:
    stmt = select(column, func.count(Question.id)).group_by(column)
    if join_version:
        stmt = stmt.join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
    return {str(key): n for key, n in db.session.execute(stmt) if key is not None}


def bank_stats() -> dict:
    """Totals by law, type, status, difficulty and visibility (a case question counts once), and coverage."""
    return {
        "total": db.session.scalar(select(func.count(Question.id))) or 0,
        "by_law": counts(Question.law_slug), "by_type": counts(Question.type),
        "by_status": counts(Question.status),
        "by_difficulty": dict(sorted(counts(QuestionVersion.difficulty, join_version=True).items())),
        "by_visibility": {v: 0 for v in VISIBILITIES} | counts(Question.visibility),
        "coverage": coverage_summary(bank_coverage()),
    }


@questions.command("stats")
def stats_command():
    """Print the bank's totals as one JSON object."""
    click.echo(json.dumps(bank_stats(), ensure_ascii=False, sort_keys=True))


@questions.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--law", "law", default=None, help="Only this law (slug).")
def export_command(file: Path, law: str | None):
    """Export questions to .xlsx (the import template) or, for FILE.gift, to GIFT."""
    from .. import audit

    pairs = db.session.execute(filter_bank(current_versions(), law=law).order_by(Question.code)).all()
    skipped: list[str] = []
    with cli_progress(file.name) as step:
        step("export", 0, len(pairs))
        if file.suffix.lower() == ".gift":
            text, skipped = to_gift(pairs)
            file.write_text(text, encoding="utf-8")
        else:
            file.write_bytes(to_xlsx(pairs))
        step("export", len(pairs), len(pairs))
    for code in skipped:
        click.echo(f"skipped {code}: GIFT cannot hold case questions or several blanks", err=True)
    audit.record("bank.export", target=file.name, detail={"count": len(pairs), "law": law or ""}, now=utcnow())
    db.session.commit()
    click.echo(f"exported {len(pairs) - len(skipped)} question(s) to {file}")


@questions.command("sweep-uploads")
def sweep_uploads_command():
    """Delete import uploads that were rejected or never confirmed (run from cron, e.g. hourly)."""
    from . import staging

    click.echo(f"deleted {staging.sweep()} file(s)")


@questions.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@click.option("--skip-unsupported", is_flag=True, help="Import the rest when some question types are unsupported.")
@click.option("--skip-duplicates", is_flag=True,
              help="Import the rest when some questions duplicate another in the file or the bank; list them.")
@click.option("--visibility", type=click.Choice(VISIBILITIES), default=CONFIDENTIAL, show_default=True,
              help="New questions are confidential (exams only) or public (study and practice, keys shown).")
def import_command(file: Path, dry_run: bool, skip_unsupported: bool, skip_duplicates: bool, visibility: str):
    """Import questions (.xlsx, .csv, .gift, Aiken .txt, .yaml/.json): all or nothing unless told to skip."""
    with library.request_context():
        try:
            with cli_progress(file.name) as step:
                report = import_questions(file.read_bytes(), file.name, None, utcnow(), dry_run=dry_run,
                                          skip_unsupported=skip_unsupported, skip_duplicates=skip_duplicates,
                                          visibility=visibility, step=step)
        except DomainError as exc:
            db.session.rollback()
            click.echo(f"{file.name}: {exc.message}", err=True)
            sys.exit(1)
        for message in report.messages("warnings"):
            click.echo(f"{file.name}: warning: {message}", err=True)
        for message in report.messages():
            click.echo(f"{file.name}: {message}", err=True)
        if report.lacking_basis:
            click.echo(f"lacking a legal basis: {len(report.lacking_basis)} question(s)")
        summary = report.summary()
    if not report.ok:
        db.session.rollback()
        click.echo(summary, err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(summary)
