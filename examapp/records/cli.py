"""`flask records …`: reconcile an exam's certificates, verify a serial."""

import click

from ..cli import ChineseGroup, fail
from ..db import utcnow
from ..extensions import db

records_cli = ChineseGroup("records", help="证书与学习记录。")

# Verification.status codes as an operator reads them.
STATUS_TEXT = {
    "valid": "有效",
    "expired": "已过期",
    "revoked": "已撤销",
    "invalid": "无效（签名不符，可能被篡改）",
    "unknown": "查无此证书",
}


@records_cli.command("reconcile")
@click.argument("exam_id", type=int)
def reconcile_command(exam_id: int) -> None:
    """按考试 EXAM_ID 的成绩补发缺少的证书、撤销不再成立的证书（如重新评分之后）。"""
    from ..exams.models import Exam
    from .reconcile import reconcile

    exam = db.session.get(Exam, exam_id)
    if exam is None:
        fail(f"没有编号为 {exam_id} 的考试。")
    issued, revoked = reconcile(exam, now=utcnow())
    db.session.commit()
    click.echo(f"考试 {exam_id}：补发证书 {issued} 张，撤销证书 {revoked} 张。")


@records_cli.command("verify")
@click.argument("serial")
def verify_command(serial: str) -> None:
    """查验证书编号 SERIAL 的状态。"""
    from .services import local_date, verify

    result = verify(serial, today=local_date(utcnow()))
    click.echo(f"证书 {serial}：{STATUS_TEXT[result.status]}")


COMMANDS = (records_cli,)
