"""Domain exceptions and their mapping to HTML pages and JSON errors."""

from flask import current_app, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError, StatementError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from .extensions import db


class DomainError(Exception):
    """A rule was broken; carries an HTTP status and a stable code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class NotFound(DomainError):
    status, code = 404, "not_found"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Invalid(DomainError):
    status, code = 422, "validation_error"


HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "validation_error", 429: "too_many_requests", 500: "internal_error", 503: "unavailable",
}
RETRY_AFTER_SECONDS = 5  # a PostgreSQL restart or a SQLite writer queue clears within seconds


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, details=None):
    """Render one error as JSON for the API or as a page for browsers."""
    if wants_json():
        body = {"error": {"code": code, "message": message}}
        if details is not None:
            body["error"]["details"] = details
        return jsonify(body), status
    if request_ctx.url_adapter is None:  # e.g. a Host outside TRUSTED_HOSTS: no links can be built
        return message, status, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("errors/generic.html", status=status, message=message), status


def register(app) -> None:
    @app.errorhandler(DomainError)
    def handle_domain(exc: DomainError):
        db.session.rollback()
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(CSRFError)
    def handle_csrf(exc: CSRFError):
        db.session.rollback()
        message = _("The form expired or was not sent from this site. Reload the page and try again.")
        return error_response(400, "csrf_failed", message)

    @app.errorhandler(RateLimitExceeded)
    def handle_rate_limited(exc: RateLimitExceeded):
        db.session.rollback()
        record_refusal(exc)
        return error_response(429, HTTP_CODES[429], http_message(429))

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        db.session.rollback()
        status = exc.code or 500
        return error_response(status, HTTP_CODES.get(status, "error"), http_message(status))

    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(StatementError, handle_out_of_range)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(PoolTimeout, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)


def handle_out_of_range(exc: Exception):
    """A number or text the database cannot hold (e.g. an id of 2**64 in a query string) is bad input."""
    if isinstance(exc, StatementError) and not (
            isinstance(exc, DataError) or isinstance(exc.orig, OverflowError)):
        return handle_unexpected(exc)
    db.session.rollback()
    return error_response(400, "bad_request", http_message(400))


def handle_database_unavailable(exc: Exception):
    """Answer 503 with Retry-After when the database restarted, refused or stayed locked past the busy timeout."""
    # The transaction was rolled back (or never reached the database), so the client sends the same request
    # again: answer saves carry a sequence number, which makes a repeat harmless. Never a traceback, never a 500.
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it on the next checkout
        db.session.invalidate()
    current_app.logger.warning("database unavailable: %s", str(exc).splitlines()[0][:200])
    message = http_message(503)
    try:
        response = make_response(*error_response(503, "unavailable", message))
    except Exception:  # the page layout itself needs the database (menu, account): answer in plain text
        response = make_response(message, 503, {"Content-Type": "text/plain; charset=utf-8"})
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_unexpected(exc: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error")
    return error_response(500, "internal_error", http_message(500))


def record_refusal(exc: RateLimitExceeded) -> None:
    """Audit a 429 (who, which path, which limit): repeated refusals show guessing or flooding."""
    from flask_login import current_user

    from .audit import record

    actor = current_user if getattr(current_user, "is_authenticated", False) else None
    detail = {"method": request.method, "limit": str(getattr(exc, "description", "") or "")[:100]}
    username = request.form.get("username", "") if request.method == "POST" and request.form else ""
    if username:
        detail["username"] = username[:80]
    try:
        record("rate_limited", actor=actor, target=request.path[:200], detail=detail)
        db.session.commit()
    except Exception:  # the refusal must go out even when the log cannot be written
        db.session.rollback()


def http_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please log in first."),
        403: _("You do not have permission to do this."),
        404: _("The page or item was not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state."),
        413: _("The upload is too large."),
        415: _("This content type is not supported."),
        422: _("Some input is invalid."),
        429: _("Too many requests. Please wait and try again."),
        500: _("Something went wrong on the server. Please try again later."),
        503: _("The service is busy for a moment. Please try again in a few seconds."),
    }
    return messages.get(status, _("Something went wrong on the server. Please try again later."))
