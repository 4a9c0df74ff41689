"""Database helpers: UTC-aware datetimes, timestamps, engine settings, retries of lost races."""

import functools
import json
import random
import re
import time
from datetime import UTC, datetime
from decimal import Decimal

import orjson
from sqlalchemy import DateTime, event, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def json_text(value, default=None, *, sort_keys: bool = False, indent: int | None = None,
              datetimes_by_default: bool = False) -> str:
    """JSON text, compact, written by orjson (several times faster than the standard library's): text kept as
    characters rather than \\u escapes, keys that are not strings made strings. What orjson refuses and the
    standard library writes (an integer beyond 64 bits) goes to the standard library with the same settings.
    default: as json.dumps's; datetimes_by_default: times go to `default` too (orjson writes them itself)."""
    option = (orjson.OPT_NON_STR_KEYS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
              | (orjson.OPT_INDENT_2 if indent else 0)
              | (orjson.OPT_PASSTHROUGH_DATETIME if datetimes_by_default else 0))
    try:
        return orjson.dumps(value, default=default, option=option).decode()
    except TypeError:
        return json.dumps(value, default=default, ensure_ascii=False, sort_keys=sort_keys, indent=indent,
                          separators=(",", ": ") if indent else (",", ":"))


def json_dumps(value, decimals: bool = False) -> str:
    """The JSON columns' serializer (json_text): a new paper writes 150 JSON values, a page reads as many.
    decimals: write Decimal values as strings (exact), for rows the database unpacks into NUMERIC columns."""
    return json_text(value, _decimal_text if decimals else None)


def _decimal_text(value) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_LONG_INTEGER, _LONG_INTEGER_BYTES = re.compile(r"\d{19}"), re.compile(rb"\d{19}")


def json_loads(text):
    """The JSON columns' reader: orjson, except for text holding a run of 19 digits or more, which orjson would
    read as a float when it is an integer beyond 64 bits (the standard library keeps it exact)."""
    if isinstance(text, str):
        return json.loads(text) if _LONG_INTEGER.search(text) else orjson.loads(text)
    text = bytes(text)
    return json.loads(text) if _LONG_INTEGER_BYTES.search(text) else orjson.loads(text)


def utcnow() -> datetime:
    """Return the current time, UTC-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store datetimes as UTC; always hand back aware datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


BULK_ROWS = 2000


def insert_many(session, model, rows: list[dict], size: int = BULK_ROWS) -> None:
    """INSERT the rows with one executemany per `size` rows.

    psycopg sends an executemany as one pipeline closed by one Sync, and PostgreSQL's statement_timeout runs
    from the first message to the Sync: 50,000 people in one executemany overran the 20 s on a busy server.
    """
    for start in range(0, len(rows), size):
        session.execute(insert(model), rows[start:start + size])


def lock_for_writing(session) -> None:
    """On SQLite, take the database's write lock now, before this transaction reads what it will check.

    Python's sqlite3 driver runs reads outside a transaction until the first INSERT/UPDATE/DELETE, so a
    request that checks "still open?" and then writes could act on a state another process has just changed
    (an answer stored after the submit scored the paper). BEGIN IMMEDIATE waits (busy_timeout) for the other
    writer instead. PostgreSQL callers lock rows (FOR SHARE / FOR UPDATE) and need nothing here.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if not raw.in_transaction:  # a write earlier in this transaction already holds the lock
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def commit_keeping_loaded(session) -> None:
    """Commit without expiring the objects already loaded, for a view that only renders them afterwards.

    A plain commit expires everything, so rendering reloads each object (the attempt, the exam, the
    person) with one SELECT apiece although nothing in this request changed them since.
    """
    current = session()  # the request's Session behind the scoped session
    keep = current.expire_on_commit
    current.expire_on_commit = False
    try:
        current.commit()
    finally:
        current.expire_on_commit = keep


# PostgreSQL's serialization_failure and deadlock_detected: the transaction was rolled back because it lost a
# race with another one, and running it again is the documented remedy (PostgreSQL manual 13.5).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
RETRY_TRIES = 3


def lost_race(exc: BaseException) -> bool:
    """True for a serialization failure or a deadlock: the whole transaction may simply run again."""
    return isinstance(exc, OperationalError) and getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def retry_lost_races(view):
    """Run a view again (up to 3 tries, with jitter) when its transaction lost a race to another one.

    Only for views whose whole effect is their one transaction (no e-mail, no file): the loser's work was rolled
    back, so a rerun cannot apply anything twice. Any other database error goes to the 503 handler as before.
    """
    @functools.wraps(view)
    def run(*args, **kwargs):
        from .extensions import db

        for attempt in range(1, RETRY_TRIES + 1):
            try:
                return view(*args, **kwargs)
            except OperationalError as exc:
                if not lost_race(exc) or attempt == RETRY_TRIES:
                    raise
                db.session.rollback()
                time.sleep(random.uniform(0.01, 0.05) * attempt)  # jitter: the two losers do not meet again
        return None  # not reached

    return run


def commit_retrying(action, tries: int = 4, keep_loaded: bool = False):
    """Run an idempotent action and commit; when a concurrent writer won, roll back and run it again.

    SQLite refuses a writer whose snapshot is stale ("database is locked", at once, without waiting);
    PostgreSQL reports a lost race as a unique violation. Start and submit are idempotent, so a rerun returns
    the winner's result. The first try is optimistic (reads without the lock); on SQLite every rerun takes the
    write lock before its first read, so it waits its turn (busy_timeout) instead of losing again — with
    hundreds pressing start in the same second, four optimistic tries could all lose.
    keep_loaded: the view only renders the result, so the commit need not expire what is loaded.
    """
    from .extensions import db

    for attempt in range(tries):
        try:
            if attempt:
                lock_for_writing(db.session)
            result = action()
            commit_keeping_loaded(db.session) if keep_loaded else db.session.commit()
            return result
        except (OperationalError, IntegrityError):
            db.session.rollback()
            if attempt == tries - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # jitter; the rerun waits for the lock anyway
    return None  # not reached


def lock_named(session, key: int) -> None:
    """Serialise transactions that take the same named lock, until they end (append-only chains).

    PostgreSQL: a transaction-level advisory lock; SQLite: the database's write lock.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%(key)s)", {"key": key})
    else:
        lock_for_writing(session)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Turn on WAL, full synchronous commits, a 10 s busy timeout and foreign keys for every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # A writer waits up to 10 s for the lock (well under gunicorn's 30 s timeout) before the request gives up
    # with a 503: on a busy 2-core server 5 s was sometimes not enough for a queue of answer saves.
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on a power cut or an OS crash, and an
    # acknowledged answer must survive those too (one fsync per commit; README "Reliability", R-05).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def database_now(session) -> datetime:
    """The database server's own clock, UTC-aware (the health check compares it with the app's: O-02)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql("SELECT clock_timestamp()").scalar().astimezone(UTC)
    text = connection.exec_driver_sql("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')").scalar()
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def lift_statement_timeout(session) -> None:
    """Let this transaction's statements run as long as they need (command-line bulk work, not requests).

    Requests keep DATABASE_STATEMENT_TIMEOUT_SECONDS (O-01); a command such as rebuilding a province's
    exam_results from a million attempts legitimately takes longer.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")


def dialect_name() -> str:
    from .extensions import db

    return db.session.get_bind().dialect.name


def upsert(model, dialect: str = ""):
    """An INSERT for the session's (or the named) database that accepts ON CONFLICT (SQLite and PostgreSQL)."""
    if (dialect or dialect_name()) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def insert_rows(stmt, values: dict, per_row_of=None):
    """`stmt` (an INSERT) with these values; with `per_row_of` (a CTE, PostgreSQL) as INSERT … SELECT, once for each
    row of it: a statement of a data-modifying WITH that writes only when the CTE's own write did.

    A value is a bound parameter (or any SQL expression) or a plain constant, typed by its column either way.
    """
    from sqlalchemy import literal, select
    from sqlalchemy.sql.expression import ColumnElement

    if per_row_of is None:
        return stmt.values(**values)
    columns = stmt.table.c
    row = [value if isinstance(value, ColumnElement) else literal(value, columns[name].type)
           for name, value in values.items()]
    return stmt.from_select(list(values), select(*row).select_from(per_row_of))


class _OneStatementCache(dict):
    """The compiled cache of a single statement object: its entries are keyed without the statement's own cache key
    (see Prepared)."""

    KEPT = 8  # dialects (each engine has its own: tests build many apps); a handful are current at a time

    def get(self, key, default=None):
        return super().get((key[0], *key[2:]), default)

    def __setitem__(self, key, value) -> None:
        if len(self) >= self.KEPT:
            self.clear()
        super().__setitem__((key[0], *key[2:]), value)


class Prepared:
    """A statement built once per process, executed through a compiled cache of its own.

    SQLAlchemy's shared cache finds a statement's compiled form by hashing the statement's whole cache key on every
    execution: thousands of elements for the practice answer's one-statement read. An unchanging statement object
    compiles the same for the same dialect, parameter names and options, so its own cache is keyed by those alone
    (the rest of SQLAlchemy's key).

    When to use which: a statement run on every request is built once either way (a functools.cache'd function
    returning it, with bound parameters only). That is enough for a small statement, whose cache key SQLAlchemy
    memoises on the object. Wrap it in Prepared as well when the statement is large (dozens of subqueries or
    columns, as the practice answer's read and write): measure with benchmarks/practice_vs_save.py.
    """

    __slots__ = ("statement", "options")

    def __init__(self, statement) -> None:
        self.statement = statement
        self.options = {"compiled_cache": _OneStatementCache()}

    def execute(self, connection, parameters: dict):
        return connection.execute(self.statement, parameters, execution_options=self.options)
