"""A bearer token checked inside a request's own statement, before the hooks load the person.

The token autosave and the token practice answer run before Flask-Login: their statement finds the person
through the token (token_owner), making the request loader's checks; whatever it does not accept, the hooks
and the view answer as before (401, 403, the token's use written).
"""

from datetime import datetime

from flask import current_app, request
from sqlalchemy import bindparam, literal_column, select
from werkzeug.exceptions import HTTPException

from ..org.models import LOGIN_STATUSES, User
from .loaders import TOKEN_TOUCH_INTERVAL, bearer_token
from .models import ApiToken, hash_token


def plain_bearer(req) -> str | None:
    """The bearer token of a cookie-less request; None when there is none or a cookie is sent (its session or
    remember-me person would win over the token in Flask-Login)."""
    token = bearer_token(req)
    cookies = req.cookies
    if (token is None or cookies.get(current_app.config["SESSION_COOKIE_NAME"])
            or cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))):
        return None
    return token


def token_request(endpoint: str, method: str) -> tuple[str, object] | None:
    """For a request answered before the hooks: the token's hash and the JSON body (None when it is not JSON) of a
    cookie-less bearer request to this endpoint and method; None for any other request, and when there is no
    token, a cookie is sent or the body is too large (the view says so, after the person is known)."""
    if request.endpoint != endpoint or request.method != method:
        return None
    token = plain_bearer(request)
    if token is None:
        return None
    try:
        body = request.get_json(silent=True)
    except HTTPException:
        return None
    return hash_token(token), body


def personal(response):
    """A reply made before the hooks: personal, never stored (the security-headers hook need not ask who)."""
    response.headers["Cache-Control"] = "no-store"
    return response


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
