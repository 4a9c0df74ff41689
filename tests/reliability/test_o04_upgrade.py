"""O-04: `db upgrade` from the previous release's schema, with data in it, loses nothing.

A database is built at the previous release's revision and filled, with plain (ORM-free) inserts, by
copying the rows the app's own API made in the suite's database: people, units, an exam, attempts with
their answers, certificates, practice cards and answers, credits, the audit chain. Then it is upgraded to
head, whatever head is, and every row of every table must still be there with the same values in every
column; the app must work on it. New migrations are covered without touching this file.
"""

import json
import warnings
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, inspect, select
from sqlalchemy.exc import SAWarning

from examapp.audit import verify_chain
from examapp.extensions import db
from examapp.ops.checksum import canonical
from tests.conftest import DATABASE_URL, IS_POSTGRES, make_app
from tests.reliability.ops_data import credited, finished_exams, logged_in, practised, scratch_database

PREVIOUS_RELEASE = "h8practic008"  # bump at each release to the last revision the release shipped
# Columns or tables a migration removes on purpose, with the reason; anything else missing is data lost.
DROPPED_ON_PURPOSE: dict[str, set[str]] = {}
FILLERS = {int: 0, str: "", bool: False, float: 0.0, Decimal: Decimal(0), dict: {}, list: [],
           datetime: datetime(2000, 1, 1, tzinfo=UTC), date: date(2000, 1, 1)}


def filler(column):
    """A value for a NOT NULL column the previous release had and the suite's (head) schema no longer has."""
    try:
        return FILLERS[column.type.python_type]
    except (KeyError, NotImplementedError):
        return ""


def copy_rows(source_url: str, target_url: str) -> int:
    """Insert every row of the source into the target's tables (the columns both have); return the count."""
    source, target = create_engine(source_url), create_engine(target_url)
    old, new = MetaData(), MetaData()
    new.reflect(source)
    old.reflect(target)
    with warnings.catch_warnings():  # questions <-> question_versions: a cycle, handled by deferring the keys
        warnings.simplefilter("ignore", SAWarning)
        tables = [t for t in old.sorted_tables if t.name != "alembic_version"]
    copied = 0
    with source.connect() as reading, target.begin() as writing:
        # Questions and their versions point at each other: check the keys at commit, not row by row.
        writing.exec_driver_sql("PRAGMA defer_foreign_keys = ON" if not IS_POSTGRES
                                else "SET LOCAL session_replication_role = replica")
        for table in tables:
            if table.name not in new.tables:
                continue
            have = new.tables[table.name].c
            rows = [{c.name: (row[c.name] if c.name in have else filler(c)) for c in table.columns}
                    for row in reading.execute(select(new.tables[table.name])).mappings()]
            if rows:
                writing.execute(table.insert(), rows)
                copied += len(rows)
        if IS_POSTGRES:  # explicit ids do not move the sequences; the app's next insert must not collide
            for table in tables:
                if "id" in table.c and table.c.id.autoincrement:
                    writing.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)")
    source.dispose()
    target.dispose()
    return copied


def snapshot(url: str) -> dict[str, dict]:
    """Every table's rows by primary key, each cell in the canonical form the backup checksums use."""
    engine = create_engine(url)
    tables = {}
    with engine.connect() as connection:
        inspector = inspect(connection)
        for name in inspector.get_table_names():
            if name == "alembic_version":
                continue
            keys = inspector.get_pk_constraint(name)["constrained_columns"]
            result = connection.exec_driver_sql(f'SELECT * FROM "{name}"').mappings()
            tables[name] = {tuple(row[k] for k in keys): {column: json.dumps(value, default=canonical,
                                                                             sort_keys=True)
                                                          for column, value in row.items()} for row in result}
    engine.dispose()
    return tables


def lost(before: dict, after: dict) -> list[str]:
    """What the upgrade lost: tables, columns, rows or values, except what is dropped on purpose."""
    out = []
    for name, rows in before.items():
        dropped = DROPPED_ON_PURPOSE.get(name, set())
        if name not in after:
            out += [] if "*" in dropped else [f"table {name} ({len(rows)} rows)"]
            continue
        for key, cells in rows.items():
            now = after[name].get(key)
            if now is None:
                out.append(f"{name} row {key}")
                continue
            out += [f"{name} row {key} column {column}: {value} -> {now.get(column, 'missing')}"
                    for column, value in cells.items() if column not in dropped and now.get(column) != value]
    return out


@pytest.fixture
def previous_release(tmp_path):
    with scratch_database(tmp_path, "examapp_ops_upgrade") as url:
        old = make_app(SQLALCHEMY_DATABASE_URI=url)
        with old.app_context():
            upgrade(revision=PREVIOUS_RELEASE)
            db.engine.dispose()
        yield url


def test_o04_db_upgrade_from_the_previous_release_loses_nothing(app, org, exam, previous_release):
    people = finished_exams(app, org, exam)
    practised(app, org.learner)
    credited(org.learner, org.office)
    copied = copy_rows(DATABASE_URL, previous_release)
    before = snapshot(previous_release)
    filled = sorted(name for name, rows in before.items() if rows)
    for wanted in ("units", "users", "exams", "attempts", "attempt_items", "certificates", "practice_cards",
                   "practice_answers", "study_credits", "audit_events"):
        assert wanted in filled, f"no {wanted} rows to upgrade"

    username, title = people[0].username, exam.title  # read now: the suite's objects must not load later
    upgraded = make_app(SQLALCHEMY_DATABASE_URI=previous_release)
    with upgraded.app_context():
        upgrade()
        head = db.session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        db.session.remove()
        db.engine.dispose()
    after = snapshot(previous_release)
    missing = lost(before, after)
    print(f"\nO-04 ({'PostgreSQL' if IS_POSTGRES else 'SQLite'}): {PREVIOUS_RELEASE} -> {head}: {copied} rows in "
          f"{len(filled)} tables, {len(missing)} lost")
    assert missing == [], missing[:10]

    with upgraded.app_context():  # the app works on the upgraded database
        assert verify_chain() == []
        client = logged_in(upgraded, username)
        page = client.get("/records/")
        assert page.status_code == 200 and title in page.get_data(as_text=True)
        assert client.get("/records/certificates").status_code == 200
        assert client.get("/api/v1/practice/next?mode=review").status_code == 200
        assert verify_chain() == []  # the log-in appended to the chain it inherited
        db.session.remove()
        db.engine.dispose()
