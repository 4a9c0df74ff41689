"""`exams close-overdue` (finalise attempts past their deadline, safe from cron) and `exams regrade-rule`."""

import logging
from datetime import datetime

import click
from sqlalchemy import select

from ..cli import ChineseGroup, fail
from ..db import utcnow
from ..extensions import db
from . import regrade
from .attempts import finalise_overdue, overdue_ids
from .models import Exam

log = logging.getLogger("examapp.exams")

exams = ChineseGroup("exams", help="考试与答卷。")
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


def passed_text(passed: bool) -> str:
    return "合格" if passed else "不合格"


@exams.command("close-overdue")
def close_overdue_command():
    """把超过截止时间（含宽限）仍未交卷的答卷按截止时间交卷并计分（可由定时任务随时运行）。"""
    closed, failed = close_overdue(utcnow())
    click.echo(f"已为 {closed} 份超时答卷交卷计分；失败 {failed} 份。")
    if failed:
        fail(f"有 {failed} 份答卷未能交卷，详情见日志；下次运行时会再试。")


@exams.command("regrade-rule")
@click.argument("exam_ids", type=int, nargs=-1)
@click.option("--apply", "apply_it", is_flag=True,
              help="按当前规则重新计分列出的答卷（记入审计日志）；不加此项只预览。")
def regrade_rule_command(exam_ids: tuple[int, ...], apply_it: bool):
    """列出考试 EXAM_IDS（默认全部考试）中按当前计分规则得分会变的已交答卷。"""
    exams_ = [db.session.get(Exam, i) for i in exam_ids] if exam_ids else list(
        db.session.scalars(select(Exam).order_by(Exam.id)))
    if None in exams_:
        fail(f"没有编号为 {exam_ids[exams_.index(None)]} 的考试。")
    total = 0
    for exam in exams_:
        rows = regrade.rule_run(exam, None, utcnow()) if apply_it else regrade.rule_preview(exam)
        total += len(rows)
        for row in rows:
            user = row.attempt.user
            click.echo(f"考试 {exam.id} 答卷 {row.attempt.id} {user.name}（{user.username}）：{row.before} 分 → "
                       f"{row.after} 分，{passed_text(row.passed_before)} → {passed_text(row.passed_after)}，"
                       f"{len(row.marks)} 道题的得分有变")
    if apply_it:
        db.session.commit()
        click.echo(f"已重新计分 {total} 份答卷。")
    else:
        db.session.rollback()
        click.echo(f"预览：{total} 份答卷的得分会变；加 --apply 再运行一次即可重新计分。")


@exams.command("rebuild-results")
@click.argument("exam_ids", type=int, nargs=-1)
def rebuild_results_command(exam_ids: tuple[int, ...]):
    """按答卷重算统计报表所用的计分成绩汇总（exam_results）；默认全部考试。"""
    from ..db import lift_statement_timeout
    from .results import rebuild

    lift_statement_timeout(db.session)  # a province's million attempts take longer than a request may
    targets = list(exam_ids) or [None]
    with click.progressbar(targets, label="重算成绩汇总") as bar:
        written = sum(rebuild(exam_id) for exam_id in bar)
    db.session.commit()
    click.echo(f"成绩汇总已重算：{written} 人次的计分成绩。")
