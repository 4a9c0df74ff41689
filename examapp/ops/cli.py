"""`backup` and `restore` (O-03): the operator's commands, with Chinese output."""

import json
import sys
from pathlib import Path

import click
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..cli import ChineseCommand
from ..extensions import db
from .backup import BackupError, backup, restore


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config).get_current_head()


def fail(exc: BackupError) -> None:
    click.echo(_("Error: %(message)s", message=str(exc)), err=True)
    sys.exit(1)


@click.command("backup", cls=ChineseCommand)
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="备份文件及其清单存放的文件夹（默认：instance/backups）。")
@with_appcontext
def backup_command(folder: Path | None):
    """备份整个数据库（含成绩），并写一份记有各表行数和校验和的清单。"""
    folder = folder or Path(current_app.instance_path) / "backups"
    try:
        manifest_path = backup(db.engine, folder)
    except BackupError as exc:
        fail(exc)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(_("Backed up %(tables)s tables, %(rows)s rows, to %(file)s.", tables=len(manifest["tables"]),
                 rows=rows, file=str(manifest_path.with_name(manifest["file"]))))
    click.echo(_("Manifest: %(path)s (results checksum %(sum)s).", path=str(manifest_path),
                 sum=manifest["results_sha256"][:16]))
    if manifest.get("audit_broken"):
        click.echo(_("Warning: the audit chain is broken at event %(id)s (%(n)s events); the backup keeps it as "
                     "it is.", id=manifest["audit_broken"][0], n=len(manifest["audit_broken"])), err=True)


@click.command("restore", cls=ChineseCommand)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="数据库不是空的时也恢复：替换其中的全部内容。")
@with_appcontext
def restore_command(path: Path, force: bool):
    """把备份（清单或数据文件 PATH）恢复到 DATABASE_URL 所指的数据库，并逐表核对。"""
    try:
        done = restore(db.engine, path, force=force)
    except BackupError as exc:
        fail(exc)
    seconds = f"{done.seconds:.1f}"
    click.echo(_("Restored %(tables)s tables, %(rows)s rows, in %(seconds)s s; every table's rows and checksum "
                 "match the manifest (results checksum %(sum)s).", tables=len(done.manifest["tables"]),
                 rows=done.rows, seconds=seconds, sum=done.manifest["results_sha256"][:16]))
    broken = done.manifest.get("audit_broken") or []
    if broken:
        click.echo(_("Warning: the audit chain was already broken at event %(id)s when the backup was made "
                     "(%(n)s events); it was restored as it was.", id=broken[0], n=len(broken)), err=True)
    else:
        click.echo(_("The audit chain is intact (%(n)s events).", n=done.audit_events))
    if done.manifest.get("revision") and done.manifest["revision"] != head_revision():
        click.echo(_("The backup was made by another version of the program: run "
                     "\"flask --app wsgi db upgrade\" before starting the site."))


COMMANDS = (backup_command, restore_command)
