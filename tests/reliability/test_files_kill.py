"""E-05, second half (README "Reliability"): `kill -9` of the question import (and of the people import)
while it writes leaves nothing partial. Marker `reliability` (`make reliability`): each run parses and
checks 2,000 rows first.

The test watches the database from outside for the import's open write transaction (SQLite: the write
lock is taken; PostgreSQL: a backend with a transaction id), waits a little more, then SIGKILLs the CLI.
Afterwards the database holds either none of the rows or all of them, never a part.
"""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from examapp.org.importer import REQUIRED
from tests.bank.helpers import HEADER

from .harness import ROOT, die_with_parent, scratch_database

pytestmark = pytest.mark.reliability
ROWS = 2000
DELAYS = (0.0, 0.2, 0.5)  # seconds between seeing the write transaction and the kill


def write_csv(path: Path, header, rows) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def bank_file(folder: Path) -> Path:
    return write_csv(folder / "bank.csv", HEADER, (
        ["单选", f"第{i}号：依照本地规程，编号为{i * 7919 % 100003}的事项应当由哪一级机关办理？", f"乡镇{i}",
         f"县级{i}", f"市级{i}", "", "", "", "B", f"解析{i}", "", "3", f"标签{i % 50}"] for i in range(ROWS)))


def roster_file(folder: Path) -> Path:
    return write_csv(folder / "people.csv", REQUIRED, (
        [f"学员{i}", f"kill{i:05d}", "可靠性镇", "科员", "", "学员", "否", "否", "否"] for i in range(ROWS)))


# command, file builder, the tables counted afterwards
IMPORTS = {"questions": (bank_file, ("questions", "question_versions")),
           "users": (roster_file, ("users", "people_import_batches"))}


def create_schema(url: str) -> None:
    from examapp.extensions import db
    from examapp.org.services import add_unit
    from tests.conftest import make_app

    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        add_unit("可靠性镇", None, kind="town")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def writing(url: str) -> bool:
    """True while another connection holds an open write transaction on the database."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("///", 1)[1], timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                         "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")))
    finally:
        engine.dispose()


def stored(url: str, tables: tuple[str, ...]) -> tuple[int, ...]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(conn.scalar(text(f"SELECT count(*) FROM {table}")) for table in tables)
    finally:
        engine.dispose()


def kill_while_writing(url: str, command: str, path: Path, delay: float) -> tuple[bool, float]:
    """Run the CLI import; SIGKILL it `delay` s after its write transaction opens. (killed mid-write?, when)"""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "kill-test-" + "x" * 40, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", str(ROOT / "wsgi.py"), command, "import",
                                str(path)], cwd=path.parent, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
    started = time.monotonic()
    try:
        while process.poll() is None and time.monotonic() - started < 900:
            if writing(url):
                time.sleep(delay)
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                return True, time.monotonic() - started
            time.sleep(0.02)
        return False, time.monotonic() - started
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.parametrize("command", IMPORTS)
def test_e05_kill_9_mid_import_leaves_nothing_partial(tmp_path, command):
    kind = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "sqlite"
    build, tables = IMPORTS[command]
    path = build(tmp_path)
    empty = (0,) * len(tables)
    outcomes = []
    with scratch_database(kind) as url:
        create_schema(url)
        for delay in DELAYS:
            killed, seconds = kill_while_writing(url, command, path, delay)
            counts = stored(url, tables)
            outcomes.append((killed, counts))
            print(f"E-05 kill -9 of `{command} import` {delay:.1f} s into the write ({kind}, after {seconds:.0f} s): "
                  f"{'killed mid-write' if killed else 'finished first'}, {'/'.join(tables)} stored {counts}")
            if counts != empty:
                break  # everything is in: a later run would only find the rows there already
        if kind == "sqlite":
            conn = sqlite3.connect(url.split("///", 1)[1])
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()
    partial = [c for _k, c in outcomes if c != empty and c[0] != ROWS]
    print(f"E-05: {sum(k for k, _c in outcomes)} kill -9 during the write of a {ROWS:,}-row `{command} import` "
          f"({kind}): {len(partial)} partial")
    assert partial == []
    assert any(killed and counts == empty for killed, counts in outcomes)  # at least one kill really hit the write
