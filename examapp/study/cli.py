"""`flask content load`: statutes, case studies and (if the bank has a loader) the question bank."""

import time
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from ..cli import ChineseGroup
from ..db import utcnow
from ..extensions import db
from ..progress import cli_progress

content = ChineseGroup("content", help="学习内容：法律法规、案例和题库。")


def default_bank_dir() -> Path:
    return Path(current_app.root_path).parent / "question_bank"


def load_bank(folder: Path, now, step=None) -> tuple[bool, list[str]]:
    """Call the bank developer's loader if it exists (imported lazily; skipped with a message if not)."""
    try:
        from ..bank.loader import load_bank_dir
    except ImportError:
        return False, ["题库：未装入（本程序没有题库装入功能）"]
    report = load_bank_dir(folder, now, step=step) if step else load_bank_dir(folder, now)
    lines = report.lines("题库") if hasattr(report, "lines") else [f"题库：{report}"]
    errors = bool(getattr(report, "errors", None))
    return errors, lines


def shown(lines: list[str], verbose: bool) -> list[str]:
    """The summary lines and every error; the per-item lines (hundreds on a first load) only when verbose."""
    if verbose:
        return lines
    kept = [line for line in lines if not line.startswith("  ") or line.startswith("  错误")]
    warnings = sum(1 for line in lines if line.startswith("  提醒"))
    if warnings:
        kept.append(f"  有 {warnings} 条提醒未列出；加 --verbose 可全部列出")
    return kept


@content.command("load")
@click.option("--laws", "laws_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="法规 .md 文件及 MANIFEST.tsv 所在的文件夹（默认：随程序提供的法规）。")
@click.option("--cases", "cases_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="案例 .yaml 文件所在的文件夹（默认：随程序提供的案例）。")
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="题库 .yaml 文件所在的文件夹（默认：question_bank/）。")
@click.option("--verbose", "-v", is_flag=True, help="逐条列出新增或更新的法规、案例和题目。")
def load_command(laws_dir: Path | None, cases_dir: Path | None, bank_dir: Path | None, verbose: bool = False):
    """装入法律法规、案例和题库；再次运行不会重复装入。"""
    from .cases import CASES_DIR, load_cases_dir
    from .loader import LAWS_DIR, load_laws_dir

    now, started = utcnow(), time.monotonic()
    with cli_progress(_("Statutes")) as step:
        laws = load_laws_dir(laws_dir or LAWS_DIR, now, step=step)
    db.session.commit()
    with current_app.test_request_context():  # validation messages are translated, which needs a request
        cases = load_cases_dir(cases_dir or CASES_DIR, now)
    db.session.commit()
    for line in shown(laws.lines("法规") + cases.lines("案例", "个"), verbose):
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
        click.echo("法规和案例均无变化。")
    click.echo(f"完成，用时 {time.monotonic() - started:.2f} 秒。")
    if laws.errors or cases.errors or bank_errors:
        raise SystemExit(1)


COMMANDS = (content,)
