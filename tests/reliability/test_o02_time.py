"""O-02: the server's clock decides and times are stored UTC-aware; the site's zone is for display only.

Proven three ways: every time column of every table is `UTCDateTime` (new columns included), a naive or a
local time cannot enter the database as anything but its UTC instant, and the same exam and practice run
with the process in UTC+14 and in UTC-12 stores exactly the same times and days relative to the run.
"""

import os
import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Date, DateTime, insert, select
from sqlalchemy.exc import StatementError

from examapp.audit import AuditEvent
from examapp.db import UTCDateTime, utcnow
from examapp.extensions import db
from examapp.localtime import local_date
from tests.reliability.ops_data import practised, take_exam

FAR_EAST, FAR_WEST = "Etc/GMT-14", "Etc/GMT+12"  # UTC+14 and UTC-12: 26 hours apart, never the same day


def time_columns(kind):
    return [(table, column) for table in db.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, kind) or isinstance(getattr(column.type, "impl", None), kind)]


def test_o02_every_stored_time_is_utc_aware():
    """A new DateTime column that is not UTCDateTime (naive, or zone-dependent) fails here."""
    columns = time_columns(DateTime)
    naive = [f"{table.name}.{column.name}" for table, column in columns if not isinstance(column.type, UTCDateTime)]
    assert columns and naive == []
    print(f"\nO-02: {len(columns)} time columns, all UTCDateTime")


def test_o02_a_naive_time_cannot_enter_the_database(app):
    naive = datetime(2026, 3, 5, 22, 30)
    db.session.add(AuditEvent(at=naive, action="o02.naive", detail={}))
    with pytest.raises(StatementError, match="naive datetime refused"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(StatementError, match="naive datetime refused"):
        db.session.execute(insert(AuditEvent).values(at=naive, action="o02.naive", actor_name="", target="",
                                                     detail={}, ip="", prev_hash="", hash=""))
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "o02.naive")) is None


def test_o02_a_local_time_is_stored_as_its_utc_instant(app):
    local = datetime(2026, 3, 5, 22, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    db.session.execute(insert(AuditEvent).values(at=local, action="o02.local", actor_name="", target="",
                                                 detail={}, ip="", prev_hash="", hash=""))
    connection = db.session.connection()
    raw = connection.exec_driver_sql(
        "SELECT at AT TIME ZONE 'UTC' FROM audit_events WHERE action = 'o02.local'" if connection.dialect.name ==
        "postgresql" else "SELECT at FROM audit_events WHERE action = 'o02.local'").scalar()
    assert str(raw).startswith("2026-03-05 14:30:00")
    db.session.rollback()


def keys_of(table) -> set:
    return {tuple(row) for row in db.session.execute(select(*table.primary_key.columns))}


def new_times(before: dict, start: datetime) -> dict[str, Counter]:
    """For rows added since `before`: each time column's values as whole hours after `start`, each day column's
    as days after the site's date of `start`."""
    today, found = local_date(start), {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (UTCDateTime, Date))]
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        for row in db.session.execute(select(*keys, *columns)).mappings():
            if tuple(row[k.name] for k in keys) in before[table.name]:
                continue
            for column in columns:
                value = row[column.name]
                if value is None:
                    continue
                offset = (value - start) // timedelta(hours=1) if isinstance(value, datetime) else (value - today).days
                found.setdefault(f"{table.name}.{column.name}", Counter())[offset] += 1
    return found


def run_in_zone(app, zone: str, username: str, exam_id: int, prefix: str, person) -> dict[str, Counter]:
    """Take the exam and practise with the process (and PostgreSQL sessions) in `zone`."""
    os.environ["TZ"] = os.environ["PGTZ"] = zone
    time.tzset()
    db.session.commit()
    db.engine.dispose()  # new connections, in the new zone
    before = {table.name: keys_of(table) for table in db.metadata.sorted_tables}
    start = utcnow().replace(microsecond=0) - timedelta(seconds=1)
    assert datetime.now().astimezone().utcoffset() == timedelta(hours=14 if zone == FAR_EAST else -12)
    take_exam(app, username, exam_id)
    practised(app, person, prefix=prefix)
    db.session.expire_all()
    return new_times(before, start)


@pytest.fixture
def process_zone():
    saved = {name: os.environ.get(name) for name in ("TZ", "PGTZ")}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    time.tzset()


def test_o02_the_process_time_zone_changes_nothing_stored(app, org, exam, process_zone):
    east = run_in_zone(app, FAR_EAST, org.learner.username, exam.id, "o02e", org.learner)
    west = run_in_zone(app, FAR_WEST, org.villager.username, exam.id, "o02w", org.villager)
    # a rule's pool is stored once (draw_pools) and the second start draws from the same pools
    assert east.pop("draw_pools.created_at", None) and "draw_pools.created_at" not in west
    assert east == west
    for column in ("attempts.started_at", "attempts.deadline_at", "attempt_items.answered_at",
                   "certificates.issued_at", "certificates.passed_on", "audit_events.at", "practice_answers.day"):
        assert column in east, column
    assert all(offset >= 0 for counts in east.values() for offset in counts), east
    print(f"\nO-02: {sum(map(sum, (c.values() for c in east.values())))} stored times and days in "
          f"{len(east)} columns identical relative to the run in UTC+14 and UTC-12")


def test_o02_the_health_check_compares_the_app_and_database_clocks(client):
    health = client.get("/healthz").get_json()
    app_time, database_time = (datetime.fromisoformat(health[k]) for k in ("time", "database_time"))
    assert app_time.utcoffset() == database_time.utcoffset() == timedelta(0)
    assert abs(health["clock_skew_seconds"]) <= 1.0
    print(f"\nO-02: app − database clock {health['clock_skew_seconds']} s")
