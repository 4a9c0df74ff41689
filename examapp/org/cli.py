"""`users …` and `demo seed` commands (Chinese help and output)."""

from pathlib import Path

import click
from sqlalchemy import select

from ..auth.services import generate_password, issue_token
from ..cli import ChineseGroup, fail
from ..core.nav import role_label
from ..db import utcnow
from ..errors import DomainError
from ..extensions import db
from ..progress import cli_progress
from .importer import import_people
from .models import ROLES, User
from .services import create_person, find_unit

users = ChineseGroup("users", help="人员与账号：批量导入、创建账号、发放接口令牌。")
demo = ChineseGroup("demo", help="演示数据。")
COMMANDS = (users, demo)


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查，不写入。")
def import_command(file: Path, dry_run: bool):
    """从 .xlsx 或 .csv 文件批量导入人员（要么全部导入，要么一人不导）。"""
    try:
        with cli_progress(file.name) as step:
            report = import_people(None, file.read_bytes(), file.name, utcnow(), dry_run=dry_run, step=step)
    except DomainError as exc:
        fail(f"{file.name}：{exc.message}")
    for message in report.messages():
        click.echo(f"{file.name}：{message}", err=True)
    if not report.ok:
        fail(f"有 {len(report.errors)} 行出错，没有导入任何人。")
    if dry_run:
        click.echo(f"检查通过（未写入）：可以导入 {len(report.rows)} 人。")
        return
    db.session.commit()
    click.echo(f"已导入 {report.created} 人。这批账号的初始密码由系统管理员在 "
               f"/org/import/batches/{report.batch_id} 页面发放。")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="角色：learner 学员、unit_admin 单位管理员、examiner 考务管理员、hr 人事、admin 系统管理员。")
@click.option("--unit", "unit_ref", required=True,
              help="所在单位：完整路径（如 乌塘镇/东山村民委员会）或唯一的单位名称。")
@click.option("--name", default=None, help="姓名（默认与账号相同）。")
@click.option("--password", default=None, help="初始密码（默认随机生成并显示）。")
@click.option("--scope", "scope_ref", default=None,
              help="人事或单位管理员可查看的单位范围（含下级单位；默认为其所在单位）。")
def create_command(username, role, unit_ref, name, password, scope_ref):
    """创建一个账号 USERNAME。"""
    unit = find_unit(unit_ref)
    if unit is None:
        fail(f"找不到单位：{unit_ref}")
    scope = find_unit(scope_ref) if scope_ref else None
    if scope_ref and scope is None:
        fail(f"找不到单位：{scope_ref}")
    shown = password or generate_password()
    try:
        create_person(None, utcnow(), username=username, name=name or username, unit=unit,
                      role=role, password=shown, scope_unit=scope)
    except DomainError as exc:
        fail(exc.message)
    db.session.commit()
    click.echo(f"已创建账号 {username}（{role_label(role)}，{unit.full_name}）。"
               + ("" if password else f"初始密码：{shown}"))


@users.command("token")
@click.argument("username")
def token_command(username):
    """为账号 USERNAME 生成一个新的个人接口令牌并显示（只输出令牌本身，便于脚本读取）。"""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        fail(f"找不到账号：{username}")
    token = issue_token(user, utcnow())
    db.session.commit()
    click.echo(token)


@demo.command("seed")
@click.option("--password", default=None, help="演示密码（默认随机生成并显示）。")
def seed_command(password):
    """建立演示用的单位、账号和一场开放中的考试（可重复运行）。"""
    from .demo import seed

    chosen = password or generate_password()
    now = utcnow()
    counts = seed(chosen, now)
    try:
        from ..exams.demo import seed_demo_exam
    except ModuleNotFoundError:
        seed_demo_exam = None
    exam = seed_demo_exam(now) if seed_demo_exam is not None else ""
    db.session.commit()
    click.echo(f"演示数据：{counts['units']} 个单位；新建账号 {counts['created']} 个，"
               f"重设为演示密码的账号 {counts['password_updated']} 个。")
    if exam:
        click.echo(exam)
    click.echo(f"演示密码：{chosen}")
