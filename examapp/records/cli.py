"""`flask records …`: reconcile an exam's certificates, verify a serial."""

import click
from flask.cli import AppGroup

from ..db import utcnow
from ..extensions import db

records_cli = AppGroup("records", help="Certificates and study records.")


@records_cli.command("reconcile")
@click.argument("exam_id", type=int)
def reconcile_command(exam_id: int) -> None:
    """Issue missing certificates and revoke unsupported ones for EXAM_ID (e.g. after a regrade)."""
    from ..exams.models import Exam
    from .reconcile import reconcile

    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise click.ClickException(f"no exam {exam_id}")
    issued, revoked = reconcile(exam, now=utcnow())
    db.session.commit()
    click.echo(f"issued {issued}, revoked {revoked}")


@records_cli.command("verify")
@click.argument("serial")
def verify_command(serial: str) -> None:
    """Print the verification status of a certificate SERIAL."""
    from .services import local_date, verify

    result = verify(serial, today=local_date(utcnow()))
    click.echo(result.status)


COMMANDS = (records_cli,)
