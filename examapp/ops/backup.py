"""Backup and restore of the whole database with a manifest of checksums (O-03).

SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy while the site runs.
PostgreSQL: `pg_dump -Fc` of a snapshot exported by a REPEATABLE READ transaction that computes the
manifest from the same snapshot, so the checksums describe exactly what the dump holds; `pg_restore` in one
transaction. A restore goes into an empty database only (unless forced), checks the file's SHA-256 first
and every table's rows and checksum afterwards, and verifies the audit chain.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..audit import verify_chain
from ..db import utcnow
from ..extensions import db
from ..localtime import iso, to_local
from .checksum import database_sums, differences, file_sha256

FORMAT = 1
MANIFEST_KEYS = {"database": str, "file": str, "file_sha256": str, "tables": dict, "results_sha256": str}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass
class Restored:
    manifest: dict
    rows: int
    audit_events: int
    seconds: float  # copying the data in
    verify_seconds: float  # recomputing every checksum and the audit chain


def backup(engine: Engine, folder: Path, now: datetime | None = None) -> Path:
    """Write a backup of `engine`'s database and its manifest into `folder`; return the manifest's path."""
    now = now or utcnow()
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"examapp-{to_local(now):%Y%m%d-%H%M%S}"
    if engine.dialect.name == "sqlite":
        data, sums = backup_sqlite(engine, stem.with_suffix(".sqlite"))
    elif engine.dialect.name == "postgresql":
        data, sums = backup_postgresql(engine, stem.with_suffix(".dump"))
    else:
        raise BackupError(_("This database (%(kind)s) cannot be backed up here.", kind=engine.dialect.name))
    manifest = {"format": FORMAT, "database": engine.dialect.name, "created_at": iso(now), "file": data.name,
                "file_bytes": data.stat().st_size, "file_sha256": file_sha256(data), **sums}
    path = stem.with_suffix(".manifest.json")
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)  # a manifest exists only for a finished backup
    return path


def sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError(_("An in-memory database has nothing to back up."))
    return database


def backup_sqlite(engine: Engine, target: Path) -> tuple[Path, dict]:
    partial = target.with_suffix(".partial")
    source = sqlite3.connect(sqlite_path(engine))
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # a consistent snapshot, page by page, while writers go on
    finally:
        copy.close()
        source.close()
    os.replace(partial, target)
    snapshot = create_engine(f"sqlite:///{target}")
    try:
        with snapshot.connect() as connection:
            sums = described(connection)
    finally:
        snapshot.dispose()
    return target, sums


def described(connection) -> dict:
    """The manifest's numbers and the audit chain's state, read through `connection` (one snapshot)."""
    sums = database_sums(connection)
    if "audit_events" in sums["tables"]:
        sums["audit_broken"] = verify_chain(Session(bind=connection))
    return sums


def libpq(engine: Engine) -> tuple[str, dict]:
    """The libpq address of `engine`'s database (password in the environment, not on a command line)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(_("%(tool)s was not found; install the PostgreSQL client tools.", tool=name))
    return found


def backup_postgresql(engine: Engine, target: Path) -> tuple[Path, dict]:
    partial = target.with_suffix(".partial")
    address, env = libpq(engine)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")  # reading every row may take a while
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            dump = subprocess.Popen([tool("pg_dump"), "-Fc", "--no-owner", f"--snapshot={snapshot}",
                                     "-f", str(partial), "--dbname", address],
                                    env=env, stderr=subprocess.PIPE, text=True)
            sums = described(connection)
            errors = dump.communicate()[1]
    if dump.returncode:
        partial.unlink(missing_ok=True)
        raise BackupError(_("pg_dump failed: %(errors)s", errors=errors.strip()))
    os.replace(partial, target)
    return target, sums


def read_manifest(path: Path) -> tuple[dict, Path]:
    """Return the manifest (given it or its data file) and the data file it describes."""
    if not path.name.endswith(".manifest.json"):
        path = path.with_name(path.name.rsplit(".", 1)[0] + ".manifest.json")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(_("No readable manifest at %(path)s.", path=str(path))) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or \
            not all(isinstance(manifest.get(key), want) for key, want in MANIFEST_KEYS.items()):
        raise BackupError(_("%(path)s is not a manifest of this program.", path=str(path)))
    data = path.with_name(Path(manifest["file"]).name)  # beside the manifest, wherever the name points
    if not data.exists():
        raise BackupError(_("The backup file %(path)s is missing.", path=str(data)))
    if file_sha256(data) != manifest["file_sha256"]:
        raise BackupError(_("The backup file %(path)s has changed since the backup (its SHA-256 differs); "
                            "nothing was restored.", path=str(data)))
    return manifest, data


def tables_in(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return inspect(connection).get_table_names()


def restore(engine: Engine, path: Path, force: bool = False) -> Restored:
    """Restore the backup at `path` into `engine`'s (empty) database and prove it is complete."""
    manifest, data = read_manifest(path)
    if manifest["database"] != engine.dialect.name:
        raise BackupError(_("This backup is of a %(kind)s database; DATABASE_URL names a %(target)s one.",
                            kind=manifest["database"], target=engine.dialect.name))
    present = tables_in(engine)
    if present and not force:
        raise BackupError(_("The target database is not empty (%(n)s tables). Nothing was restored; add "
                            "--force to replace everything in it.", n=len(present)))
    started = time.monotonic()
    engine.dispose()
    if engine.dialect.name == "sqlite":
        restore_sqlite(engine, data)
    else:
        restore_postgresql(engine, data, present)
    engine.dispose()
    db.session.remove()
    seconds = time.monotonic() - started
    started = time.monotonic()
    with engine.connect() as connection:
        found = database_sums(connection)
    wrong = differences(manifest, found)
    if wrong:
        table, what, want, got = wrong[0]
        what = {"rows": _("row count"), "sha256": _("checksum"), "table": _("table present")}[what]
        raise BackupError(_("After the restore, table %(table)s differs from the backup (%(what)s: expected "
                            "%(want)s, found %(got)s; %(n)s tables differ).",
                            table=table, what=what, want=want, got=got, n=len(wrong)))
    broken = verify_chain()
    if broken != done_before(manifest):
        raise BackupError(_("After the restore, the audit chain is broken at event %(id)s (%(n)s events).",
                            id=broken[0], n=len(broken)))
    rows = sum(t["rows"] for t in found["tables"].values())
    return Restored(manifest, rows, found["tables"].get("audit_events", {}).get("rows", 0), seconds,
                    time.monotonic() - started)


def done_before(manifest: dict) -> list[int]:
    """The audit events that were already broken when the backup was made (restored as they were)."""
    return manifest.get("audit_broken") or []


def restore_sqlite(engine: Engine, data: Path) -> None:
    target = sqlite_path(engine)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{data}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # replaces every page of the target in one step
    finally:
        copy.close()
        source.close()


def restore_postgresql(engine: Engine, data: Path, present: list[str]) -> None:
    if present:  # --force: the dump recreates every table, function and sequence, so none may be left standing
        with engine.begin() as connection:
            for name in present:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {connection.dialect.identifier_preparer.quote(name)}"
                                           " CASCADE")
            # the schema's own functions and free-standing sequences (the bank generation's trigger function and
            # sequence), not those of extensions
            for statement in connection.exec_driver_sql(
                    "SELECT 'DROP FUNCTION IF EXISTS ' || p.oid::regprocedure || ' CASCADE' FROM pg_proc p "
                    "JOIN pg_namespace n ON n.oid = p.pronamespace LEFT JOIN pg_depend d ON d.objid = p.oid "
                    "AND d.deptype = 'e' WHERE n.nspname = current_schema() AND d.objid IS NULL "
                    "UNION ALL SELECT 'DROP SEQUENCE IF EXISTS ' || quote_ident(sequence_name) || ' CASCADE' "
                    "FROM information_schema.sequences WHERE sequence_schema = current_schema()").scalars().all():
                connection.exec_driver_sql(statement)
    address, env = libpq(engine)
    done = subprocess.run([tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                           "--single-transaction", "--dbname", address, str(data)],
                          env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(_("pg_restore failed and restored nothing: %(errors)s",
                            errors=done.stderr.strip()[-500:]))
