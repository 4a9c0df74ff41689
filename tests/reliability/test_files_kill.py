"""E-05, second half (README "Reliability"): `kill -9` of the question import while it writes leaves no
partial bank. Marker `reliability` (`make reliability`): each run parses and checks 2,000 questions first.

The test watches the database from outside for the import's open write transaction (SQLite: the write
lock is taken; PostgreSQL: a backend with a transaction id), waits a little more, then SIGKILLs the CLI.
Afterwards the bank holds either none of the questions or all of them, never a part.
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

from tests.bank.helpers import HEADER

from .harness import ROOT, die_with_parent, scratch_database

pytestmark = pytest.mark.reliability
QUESTIONS = 2000
DELAYS = (0.0, 0.2, 0.5)  # seconds between seeing the write transaction and the kill


def bank_file(folder: Path) -> Path:
    path = folder / "bank.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(QUESTIONS):
            writer.writerow(["单选", f"第{i}号：依照本地规程，编号为{i * 7919 % 100003}的事项应当由哪一级机关办理？",
                             f"乡镇{i}", f"县级{i}", f"市级{i}", "", "", "", "B", f"解析{i}", "", "3", f"标签{i % 50}"])
    return path


def create_schema(url: str) -> None:
    from examapp.extensions import db
    from tests.conftest import make_app

    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
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


def stored(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (conn.scalar(text("SELECT count(*) FROM questions")),
                    conn.scalar(text("SELECT count(*) FROM question_versions")))
    finally:
        engine.dispose()


def kill_while_writing(url: str, path: Path, delay: float) -> tuple[bool, float]:
    """Run the CLI import; SIGKILL it `delay` s after its write transaction opens. (killed mid-write?, when)"""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "kill-test-" + "x" * 40, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", str(ROOT / "wsgi.py"), "questions", "import",
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


def test_e05_kill_9_mid_import_leaves_no_partial_bank(tmp_path):
    kind = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "sqlite"
    path = bank_file(tmp_path)
    outcomes = []
    with scratch_database(kind) as url:
        create_schema(url)
        for delay in DELAYS:
            killed, seconds = kill_while_writing(url, path, delay)
            counts = stored(url)
            outcomes.append((killed, counts))
            print(f"E-05 kill -9 {delay:.1f} s into the write ({kind}, after {seconds:.0f} s): "
                  f"{'killed mid-write' if killed else 'finished first'}, questions/versions stored {counts}")
            if counts != (0, 0):
                break  # a whole bank is in: a later run would only find the questions unchanged
        if kind == "sqlite":
            conn = sqlite3.connect(url.split("///", 1)[1])
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()
    partial = [c for _k, c in outcomes if c not in ((0, 0), (QUESTIONS, QUESTIONS))]
    print(f"E-05: {sum(k for k, _c in outcomes)} kill -9 during the write of a {QUESTIONS:,}-question import "
          f"({kind}): {len(partial)} partial banks")
    assert partial == []
    assert any(killed and counts == (0, 0) for killed, counts in outcomes)  # at least one kill really hit the write
