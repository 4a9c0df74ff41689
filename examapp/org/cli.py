"""`users …` and `demo seed` commands."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.services import generate_password, issue_token
from ..db import utcnow
from ..errors import DomainError
from ..extensions import db
from .importer import import_people
from .models import ROLES, User
from .services import create_person, find_unit

users = AppGroup("users", help="People and accounts.")
demo = AppGroup("demo", help="Demo data.")
COMMANDS = (users, demo)


def fail(message: str) -> None:
    db.session.rollback()
    click.echo(message, err=True)
    sys.exit(1)


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
def import_command(file: Path, dry_run: bool):
    """Import people from an .xlsx or .csv file (all or nothing)."""
    try:
        report = import_people(None, file.read_bytes(), file.name, utcnow(), dry_run=dry_run)
    except DomainError as exc:
        fail(f"{file.name}: {exc.message}")
    for message in report.messages():
        click.echo(f"{file.name}: {message}", err=True)
    if not report.ok:
        fail(f"{len(report.errors)} row(s) with errors; nothing imported.")
    if dry_run:
        click.echo(f"dry run: {len(report.rows)} people would be imported.")
        return
    db.session.commit()
    click.echo(f"imported {report.created} people. First passwords for the batch: a system admin issues them "
               f"at /org/import/batches/{report.batch_id}")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--unit", "unit_ref", required=True, help="Unit full path or unique name.")
@click.option("--name", default=None)
@click.option("--password", default=None, help="Default: a random one, printed.")
@click.option("--scope", "scope_ref", default=None,
              help="HR or unit admin: the unit whose subtree it sees (default: its own unit).")
def create_command(username, role, unit_ref, name, password, scope_ref):
    """Create one account."""
    unit = find_unit(unit_ref)
    if unit is None:
        fail(f"unknown unit: {unit_ref}")
    scope = find_unit(scope_ref) if scope_ref else None
    if scope_ref and scope is None:
        fail(f"unknown unit: {scope_ref}")
    shown = password or generate_password()
    try:
        create_person(None, utcnow(), username=username, name=name or username, unit=unit,
                      role=role, password=shown, scope_unit=scope)
    except DomainError as exc:
        fail(exc.message)
    db.session.commit()
    click.echo(f"created {username} ({role}, {unit.full_name})" + ("" if password else f"; password: {shown}"))


@users.command("token")
@click.argument("username")
def token_command(username):
    """Print a new personal API token for an account."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        fail(f"unknown account: {username}")
    token = issue_token(user, utcnow())
    db.session.commit()
    click.echo(token)


@demo.command("seed")
@click.option("--password", default=None, help="Demo password; default: a random one, printed.")
def seed_command(password):
    """Seed the demo organisation, accounts and an open exam (idempotent)."""
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
