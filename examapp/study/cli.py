"""`flask content load`: statutes, case studies and (if the bank has a loader) the question bank."""

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..db import utcnow
from ..extensions import db
from ..progress import cli_progress

content = AppGroup("content", help="Study content: statutes, case studies, question bank.")


def default_bank_dir() -> Path:
    return Path(current_app.root_path).parent / "question_bank"


def load_bank(folder: Path, now, step=None) -> tuple[bool, list[str]]:
    """Call the bank developer's loader if it exists (imported lazily; skipped with a message if not)."""
    try:
        from ..bank.loader import load_bank_dir
    except ImportError:
        return False, ["question bank: skipped (examapp.bank.loader.load_bank_dir is not available)"]
    report = load_bank_dir(folder, now, step=step) if step else load_bank_dir(folder, now)
    lines = report.lines("question bank") if hasattr(report, "lines") else [f"question bank: {report}"]
    errors = bool(getattr(report, "errors", None))
    return errors, lines


def shown(lines: list[str], verbose: bool) -> list[str]:
    """The summary lines and every error; the per-item lines (hundreds on a first load) only when verbose."""
    if verbose:
        return lines
    kept = [line for line in lines if not line.startswith("  ") or line.startswith("  error")]
    warnings = sum(1 for line in lines if line.startswith("  warning"))
    if warnings:
        kept.append(f"  {warnings} warning(s); run with --verbose to list them")
    return kept


@content.command("load")
@click.option("--laws", "laws_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder of statute .md files with MANIFEST.tsv (default: the shipped statutes).")
@click.option("--cases", "cases_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder of case study .yaml files (default: the shipped cases).")
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder of question bank .yaml files (default: question_bank/).")
@click.option("--verbose", "-v", is_flag=True, help="List every statute, case and question added or updated.")
def load_command(laws_dir: Path | None, cases_dir: Path | None, bank_dir: Path | None, verbose: bool = False):
    """Load statutes, case studies and the question bank; a second run changes nothing."""
    from .cases import CASES_DIR, load_cases_dir
    from .loader import LAWS_DIR, load_laws_dir

    now, started = utcnow(), time.monotonic()
    with cli_progress(_("Statutes")) as step:
        laws = load_laws_dir(laws_dir or LAWS_DIR, now, step=step)
    db.session.commit()
    with current_app.test_request_context():  # validation messages are translated, which needs a request
        cases = load_cases_dir(cases_dir or CASES_DIR, now)
    db.session.commit()
    for line in shown(laws.lines("statutes") + cases.lines("case studies"), verbose):
        click.echo(line)
    bank_errors = False
    folder = bank_dir or default_bank_dir()
    if folder.is_dir():
        with cli_progress(_("Question bank")) as step:
            bank_errors, lines = load_bank(folder, now, step)
        db.session.commit()
        for line in shown(lines, verbose):
            click.echo(line)
    if not laws.changed and not cases.changed:
        click.echo("statutes and case studies: nothing changed")
    click.echo(f"done in {time.monotonic() - started:.2f}s")
    if laws.errors or cases.errors or bank_errors:
        raise SystemExit(1)


COMMANDS = (content,)
