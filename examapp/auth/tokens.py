"""A bearer token checked inside a request's own statement, before the hooks load the person.

The token autosave and the token practice answer run before Flask-Login: their statement finds the person
through the token (token_owner), making the request loader's checks; whatever it does not accept, the hooks
and the view answer as before (401, 403, the token's use written).
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, literal_column, select

from ..org.models import LOGIN_STATUSES, User
from .loaders import TOKEN_TOUCH_INTERVAL, bearer_token
from .models import ApiToken


def plain_bearer(req) -> str | None:
    """The bearer token of a cookie-less request; None when there is none or a cookie is sent (its session or
    remember-me person would win over the token in Flask-Login)."""
    token = bearer_token(req)
    cookies = req.cookies
    if (token is None or cookies.get(current_app.config["SESSION_COOKIE_NAME"])
            or cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))):
        return None
    return token


def token_owner(by_token: bool):
    """Who may act: the logged-in person (q_user), or the person a bearer token (q_token, its hash) stands for.

    The token clause makes the request loader's checks: the token exists and is not revoked, its person may log
    in and need not change their password first (a token may only read until then), and its use was written
    less than TOKEN_TOUCH_INTERVAL ago (q_touch_before); otherwise no one, and the full path (loader and view)
    answers, writing the token's use or refusing with 401 or 403 as before.
    """
    if not by_token:
        return bindparam("q_user")
    tokens, users = ApiToken.__table__, User.__table__
    return (select(tokens.c.user_id).join(users, users.c.id == tokens.c.user_id)
            .where(tokens.c.token_hash == bindparam("q_token"), tokens.c.revoked_at.is_(None),
                   tokens.c.last_used_at > bindparam("q_touch_before"),
                   users.c.status.in_([literal_column(f"'{status}'") for status in LOGIN_STATUSES]),
                   users.c.must_change_password.is_(False))
            .scalar_subquery())


def identity(user_id: int | None, token_hash: str | None, now: datetime) -> dict:
    """The owner's parameters of the statements token_owner builds."""
    if token_hash is None:
        return {"q_user": user_id}
    return {"q_token": token_hash, "q_touch_before": now - TOKEN_TOUCH_INTERVAL}
