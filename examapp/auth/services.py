"""Log-in with lock-out, password changes and API tokens."""

import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..org.models import User
from .models import ApiToken, hash_token
from .sessions import end_sessions, revoke_tokens

MIN_PASSWORD_LENGTH = 8


def authenticate(username: str, password: str, now: datetime) -> User | None:
    """Return the user when the password is right and the account open; slow down repeated failures.

    Every answer costs one password hash, whether the account exists, is waiting out a delay or is
    retired, so the time taken tells nothing about the account.
    """
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    right = check_password_hash(user.password_hash if user and user.password_hash else _dummy_hash(),
                                password)
    if user is None:
        audit.record("login_failed", target=username[:64], detail={"reason": "unknown"}, now=now)
        return None
    if user.is_locked(now):
        audit.record("login_refused_locked", actor=user, target=user.username, now=now)
        return None
    if not right or not user.can_log_in:
        register_failure(user, now)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("login", actor=user, target=user.username, now=now)
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(8), method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def failure_delay(failures: int) -> timedelta:
    """The wait before the next try: none for the first few, then doubling up to a cap."""
    free = current_app.config["LOGIN_FREE_FAILURES"]
    if failures <= free:
        return timedelta(0)
    seconds = 2 ** min(failures - free - 1, 20)
    return timedelta(seconds=min(seconds, current_app.config["LOGIN_MAX_DELAY_SECONDS"]))


def register_failure(user: User, now: datetime) -> None:
    """Count a failure and make the next try wait (never a long lock anyone could trigger)."""
    user.failed_logins = (user.failed_logins or 0) + 1
    delay = failure_delay(user.failed_logins)
    detail = {"failures": user.failed_logins}
    if delay:
        user.locked_until = now + delay
        detail["wait_seconds"] = int(delay.total_seconds())
    audit.record("login_failed", actor=user, target=user.username, detail=detail, now=now)


def check_password_strength(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(_("The password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    if password.lower() == username.lower() or password.isdigit() and len(set(password)) < 3:
        raise Invalid(_("This password is too easy to guess."))


def change_password(user: User, old: str, new: str, now: datetime) -> None:
    """Change one's own password after checking the old one."""
    if not user.check_password(old):
        raise Invalid(_("The current password is wrong."))
    check_password_strength(new, user.username)
    if user.check_password(new):
        raise Invalid(_("The new password must differ from the current one."))
    user.set_password(new)
    user.must_change_password = False
    # A password is changed when it may be known to someone else: a token taken with it must not outlive it.
    audit.record("password_changed", actor=user, target=user.username,
                 detail={"tokens_revoked": revoke_tokens(user, now)}, now=now)


def reset_password(actor: User, user: User, now: datetime) -> str:
    """Set a random one-time password that must be changed at next log-in; end every way in."""
    if actor is not None and actor.id == user.id:
        # A stolen session must not turn into a new password: one's own goes through the current one.
        raise Forbidden(_("Change your own password on the password page, with your current password."))
    temporary = generate_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    detail = {"sessions_ended": end_sessions(user, now), "tokens_revoked": revoke_tokens(user, now)}
    audit.record("password_reset", actor=actor, target=user.username, detail=detail, now=now)
    return temporary


def generate_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def issue_token(user: User, now: datetime, actor: User | None = None) -> str:
    """Create a personal API token; only its hash is kept."""
    token = "exa_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token), created_at=now))
    audit.record("token_issued", actor=actor or user, target=user.username, now=now)
    return token
