"""How Flask-Login finds the user: session cookie or bearer token."""

import functools
from datetime import timedelta

from flask import g, redirect, request, url_for
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from ..db import commit_keeping_loaded, lock_for_writing, utcnow
from ..errors import error_response, http_message
from ..extensions import db, login_manager
from ..org.models import User
from .models import ApiToken, hash_token
from .sessions import is_live

TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)  # last_used_at is kept to this precision


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user_pk, _, version = user_id.partition(":")
    if not user_pk.isdigit():
        return None
    user = db.session.get(User, int(user_pk))
    if user is None or str(user.session_version or 0) != (version or "0") or not user.can_log_in:
        return None
    if not is_live(user, utcnow()):  # logged out, ended by an admin, or expired on the server
        return None
    return user


def bearer_token(req) -> str | None:
    """The token an Authorization: Bearer header carries, if any."""
    header = req.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


@login_manager.request_loader
def load_user_from_token(req) -> User | None:
    token = bearer_token(req)
    if token is None:
        return None
    # Token and person in one statement: this runs on every autosave.
    found = db.session.execute(token_statement(), {"token_hash": hash_token(token)}).first()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or not user.can_log_in:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_INTERVAL:
        touch(row, now)  # a day's use is what matters; not one write per request
    g.token_auth = True
    return user


@functools.cache
def token_statement():
    """The token and its person, built once (it runs on every bearer request)."""
    return select(ApiToken, User).join(User, ApiToken.user_id == User.id) \
        .where(ApiToken.token_hash == bindparam("token_hash"))


def touch(row: ApiToken, now) -> None:
    """Write the token's use: on SQLite in its own short transaction, before the view's work begins; on PostgreSQL
    as one statement of the request's own transaction that never waits.

    SQLite: left to the view's first query to flush, the UPDATE would open the view's write transaction early: the
    start view held the database's write lock through the paper draw, outside its retry loop.
    PostgreSQL has no such lock, and a transaction of its own cost every first use of a token a COMMIT (a WAL
    flush), the pool's ping and a new BEGIN (4 of a synchronised start's 16 round trips per press). The UPDATE
    skips the row when another request holds it (SKIP LOCKED: that one is writing the same use), so a request
    never waits for another one's transaction. The use is a 5-minute mark, not a record: when the request rolls
    back, it is written by the next one (the row still reads as due), as when SQLite's lock could not be had.
    """
    session = db.session
    if session.new or session.dirty or session.deleted:  # someone's work is pending: it goes with theirs
        row.last_used_at = now
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(touch_statement(), {"token_id": row.id, "now": now})
        set_committed_value(row, "last_used_at", now)
        return
    try:
        lock_for_writing(session)  # SQLite: BEGIN IMMEDIATE, waiting for another writer (busy_timeout)
        session.execute(update(ApiToken.__table__).where(ApiToken.__table__.c.id == row.id)
                        .values(last_used_at=now))
        commit_keeping_loaded(session)
    except OperationalError:  # still locked after busy_timeout: the use is written by a later request
        session.rollback()
        return
    set_committed_value(row, "last_used_at", now)


@functools.cache
def touch_statement():
    """PostgreSQL: UPDATE the token's row unless another transaction holds it (FOR UPDATE SKIP LOCKED)."""
    tokens = ApiToken.__table__
    free = select(tokens.c.id).where(tokens.c.id == bindparam("token_id")).with_for_update(skip_locked=True) \
        .scalar_subquery()
    return update(tokens).where(tokens.c.id == free).values(last_used_at=bindparam("now"))


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        return error_response(401, "unauthorized", http_message(401))
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
