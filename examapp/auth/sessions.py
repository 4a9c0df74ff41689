"""Server-side session records: a log-in opens one, logging out or an admin ends it.

The signed Flask cookie carries a random session id; only its hash is stored. The user loader
accepts a cookie only while its record is open and younger than PERMANENT_SESSION_LIFETIME, so a
cookie replayed after logging out (or after an admin ended the person's sessions) is refused.
"""

import secrets
from datetime import datetime, timedelta

from flask import current_app, request, session
from sqlalchemy import delete, select, update

from .. import audit
from ..extensions import db
from ..org.models import User
from .models import ApiToken, UserSession, hash_token

SESSION_KEY = "sid"
KEEP_EXPIRED = timedelta(days=30)


def open_session(user: User, now: datetime) -> None:
    """Record a new session for user and put its id in the (signed) cookie."""
    # Records past any use (older than a session can live) are dropped as new ones open: the table stays small.
    db.session.execute(delete(UserSession).where(
        UserSession.created_at < now - current_app.permanent_session_lifetime - KEEP_EXPIRED))
    sid = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, sid_hash=hash_token(sid), created_at=now,
                               ip=(request.remote_addr or "")[:64],
                               user_agent=(request.user_agent.string or "")[:200]))
    session[SESSION_KEY] = sid


def is_live(user: User, now: datetime) -> bool:
    """True when the cookie's session record belongs to user, is open and not expired."""
    sid = session.get(SESSION_KEY)
    if not isinstance(sid, str) or not sid:
        return False
    row = db.session.scalar(select(UserSession).where(UserSession.sid_hash == hash_token(sid)))
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        return False
    return now - row.created_at <= current_app.permanent_session_lifetime


def close_current(now: datetime) -> None:
    """End the session whose id the current cookie carries."""
    sid = session.get(SESSION_KEY)
    if isinstance(sid, str) and sid:
        db.session.execute(update(UserSession).where(UserSession.sid_hash == hash_token(sid),
                                                     UserSession.revoked_at.is_(None)).values(revoked_at=now))


def end_sessions(user: User, now: datetime, *, keep_current: bool = False) -> int:
    """End every open session of user (optionally not the current one); return how many."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    sid = session.get(SESSION_KEY) if keep_current else None
    if sid:
        stmt = stmt.where(UserSession.sid_hash != hash_token(sid))
    return db.session.execute(stmt.values(revoked_at=now)).rowcount or 0


def revoke_tokens(user: User, now: datetime) -> int:
    """Revoke every personal API token of user; return how many."""
    stmt = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    return db.session.execute(stmt.values(revoked_at=now)).rowcount or 0


def end_all_access_of(user_ids: list[int], now: datetime, chunk: int = 5000) -> None:
    """End the sessions and revoke the API tokens of many people at once (a batch of new passwords)."""
    for start in range(0, len(user_ids), chunk):
        ids = user_ids[start:start + chunk]
        db.session.execute(update(UserSession).where(UserSession.user_id.in_(ids), UserSession.revoked_at.is_(None))
                           .values(revoked_at=now))
        db.session.execute(update(ApiToken).where(ApiToken.user_id.in_(ids), ApiToken.revoked_at.is_(None))
                           .values(revoked_at=now))


def end_all_access(actor: User | None, user: User, now: datetime, *, status: str | None = None) -> dict:
    """End user's sessions and revoke their API tokens (whoever ends a person's access means all of it); audited."""
    counts = {"sessions": end_sessions(user, now), "tokens": revoke_tokens(user, now)}
    detail = {**counts, "status": status} if status else counts
    audit.record("sessions_ended", actor=actor, target=user.username, detail=detail, now=now)
    return counts
