"""A start that lost a race to another writer runs again, and on SQLite the rerun holds the write lock from
its first read, so it cannot lose again however many learners press start in the same second (issue 13's
synchronised start gave 503s when four tries in a row lost)."""

import sqlite3
import threading

import pytest
from sqlalchemy.exc import OperationalError

from examapp.db import commit_retrying
from examapp.exams import attempts as service
from examapp.exams.models import Attempt
from examapp.extensions import db
from tests.conftest import IS_POSTGRES


def locked() -> OperationalError:
    return OperationalError("INSERT INTO attempts …", {}, Exception("database is locked"))


def holds_write_lock() -> bool:
    return db.session.connection().connection.driver_connection.in_transaction


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite's write lock; PostgreSQL locks rows")
def test_a_rerun_after_a_lost_race_holds_the_write_lock_from_its_first_read(app):
    seen = []

    def action():
        seen.append(holds_write_lock())
        if len(seen) < 3:
            raise locked()
        return "done"

    assert commit_retrying(action) == "done"
    assert seen == [False, True, True]  # the first try is optimistic, every rerun waits its turn


def test_the_start_page_runs_a_start_again_that_lost_a_race(org, exam, login, monkeypatch):
    real, calls = service.start_attempt, []

    def losing_once(*args):
        calls.append(1)
        if len(calls) == 1:
            raise locked()
        return real(*args)

    monkeypatch.setattr(service, "start_attempt", losing_once)
    client = login(org.learner)
    response = client.post(f"/exams/{exam.id}/start", data={"confirm": "y"})
    assert response.status_code == 302 and "/attempts/" in response.headers["Location"], response.status_code
    assert len(calls) == 2
    assert db.session.query(Attempt).filter_by(user_id=org.learner.id).count() == 1


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite's write lock; PostgreSQL locks rows")
def test_a_start_that_must_wait_for_another_writer_waits_instead_of_drawing_again(org, exam, monkeypatch):
    """Issue 13's synchronised start: when another worker held the write lock at a start's first INSERT, the
    start read a state older than that worker's commit, failed ("database is locked") and ran again from the
    draw: half of 400 presses did. Now it waits for the lock after drawing, before its writes."""
    real, draws = service.build_paper, []
    monkeypatch.setattr(service, "build_paper", lambda *args: draws.append(1) or real(*args))
    other = sqlite3.connect(db.engine.url.database, timeout=10, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE units SET sort_order = sort_order + 1 WHERE id = ?", (org.far.unit_id,))
    release = threading.Timer(0.3, other.execute, ("COMMIT",))
    release.start()
    try:
        attempt, fresh = commit_retrying(lambda: service.start_or_resume(exam, org.learner, org.now))
    finally:
        release.join()
        other.close()
    assert fresh is not None and len(fresh) == 9
    assert draws == [1]
    assert db.session.query(Attempt).filter_by(user_id=org.learner.id).count() == 1
