"""`questions stats | export | import | sweep-uploads` on the command line, in Chinese."""

import json
from pathlib import Path

import click
from sqlalchemy import func, select

from ..cli import ChineseGroup, fail
from ..db import utcnow
from ..errors import DomainError
from ..extensions import db
from ..progress import cli_progress
from . import library
from .coverage import bank_coverage, coverage_summary
from .export import to_gift, to_xlsx
from .formats.xlsx_csv import STATUS_LABELS, TYPE_LABELS
from .importer import import_questions
from .models import CONFIDENTIAL, VISIBILITIES, Question, QuestionVersion
from .services import current_versions, filter_bank

questions = ChineseGroup("questions", help="题库：统计、导出、导入。")
VISIBILITY_LABELS = {"public": "公开（学习和练习可用，显示答案）", "confidential": "保密（仅用于考试）"}
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


def law_names(slugs) -> dict[str, str]:
    """slug -> the law's short title and version year, as people cite it."""
    from ..study.models import Law

    rows = db.session.scalars(select(Law).where(Law.slug.in_(list(slugs))))
    return {law.slug: f"{law.short_title}（{law.version_date.year} 年版）" for law in rows}


def tally(counts_: dict, labels: dict | None = None, unit: str = "题") -> str:
    """'单选 3 题，多选 2 题' in the labels' order (then the rest); '无' when empty."""
    if not counts_:
        return "无"
    labels = labels or {}
    keys = [k for k in labels if k in counts_] + [k for k in counts_ if k not in labels]
    return "，".join(f"{labels.get(key, key)} {counts_[key]} {unit}" for key in keys)


def spans(numbers: list[int]) -> str:
    """[3, 4, 5, 7] -> '3—5、7' (article numbers in runs)."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return "、".join(str(a) if a == b else f"{a}—{b}" for a, b in runs)


def stats_lines(stats: dict) -> list[str]:
    """The bank's totals as Chinese sentences (the same figures as the JSON)."""
    names = law_names(set(stats["by_law"]) | set(stats["coverage"]))
    lines = [f"题库共 {stats['total']} 题（案例分析题按 1 题计）。",
             "按法律：" + tally(stats["by_law"], names),
             "按题型：" + tally(stats["by_type"], TYPE_LABELS),
             "按状态：" + tally(stats["by_status"], STATUS_LABELS),
             "按难度：" + tally({f"{k} 级": n for k, n in stats["by_difficulty"].items()}),
             "按可见范围：" + tally(stats["by_visibility"], VISIBILITY_LABELS),
             "条文覆盖（被至少一道启用题目引用的条文）：" + ("" if stats["coverage"] else "无")]
    for slug, row in stats["coverage"].items():
        line = f"  {names.get(slug, slug)}：共 {row['articles']} 条，已引用 {row['articles_cited']} 条"
        if row["uncited"]:
            line += "；未引用：第 " + spans(row["uncited"]) + " 条"
        lines.append(line + "。")
    return lines


@questions.command("stats")
@click.option("--summary", is_flag=True, help="输出中文摘要（供人阅读），而不是 JSON 对象。")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象（默认即如此，供脚本读取）。")
def stats_command(summary: bool, as_json: bool):
    """按法律、题型、状态、难度、可见范围统计题库，并列出条文覆盖情况（默认输出 JSON，--summary 输出中文摘要）。"""
    stats = bank_stats()
    if summary and not as_json:
        for line in stats_lines(stats):
            click.echo(line)
        return
    # The command contract (CONTRACT.md): one JSON object, read by scripts and acceptance checks.
    click.echo(json.dumps(stats, ensure_ascii=False, sort_keys=True))


@questions.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--law", "law", default=None, help="只导出这部法律的题目（填法律的标识，如 constitution-2018）。")
def export_command(file: Path, law: str | None):
    """导出题目：默认为 .xlsx（即导入模板的格式）；文件名以 .gift 结尾时导出为 GIFT 格式。"""
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
        click.echo(f"已跳过 {code}：GIFT 格式容纳不了案例分析题和多空填空题。", err=True)
    audit.record("bank.export", target=file.name, detail={"count": len(pairs), "law": law or ""}, now=utcnow())
    db.session.commit()
    click.echo(f"已导出 {len(pairs) - len(skipped)} 题到 {file}。")


@questions.command("sweep-uploads")
def sweep_uploads_command():
    """删除被拒绝或一直未确认的导入上传文件（可由定时任务每小时运行）。"""
    from . import staging

    click.echo(f"已删除 {staging.sweep()} 个上传文件。")


@questions.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查，不写入。")
@click.option("--skip-unsupported", is_flag=True, help="有不支持的题型时跳过这些题，导入其余的。")
@click.option("--skip-duplicates", is_flag=True, help="有与文件内或题库中重复的题时跳过并列出，导入其余的。")
@click.option("--visibility", type=click.Choice(VISIBILITIES), default=CONFIDENTIAL, show_default=True,
              help="新题的可见范围：confidential 保密（仅用于考试）或 public 公开（学习和练习可用，显示答案）。")
def import_command(file: Path, dry_run: bool, skip_unsupported: bool, skip_duplicates: bool, visibility: str):
    """导入题目（.xlsx、.csv、.gift、Aiken .txt、.yaml/.json）：要么全部导入，要么一题不导（除非指定跳过）。"""
    with library.request_context():
        try:
            with cli_progress(file.name) as step:
                report = import_questions(file.read_bytes(), file.name, None, utcnow(), dry_run=dry_run,
                                          skip_unsupported=skip_unsupported, skip_duplicates=skip_duplicates,
                                          visibility=visibility, step=step)
        except DomainError as exc:
            fail(f"{file.name}：{exc.message}")
        for message in report.messages("warnings"):
            click.echo(f"{file.name}：提醒：{message}", err=True)
        for message in report.messages():
            click.echo(f"{file.name}：{message}", err=True)
        if report.lacking_basis:
            click.echo(f"缺少法律依据的题目：{len(report.lacking_basis)} 题。")
        summary = report.summary()
    if not report.ok:
        fail(summary)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(summary)
