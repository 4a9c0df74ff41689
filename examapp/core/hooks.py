"""Request hooks: forced password change and security headers."""

from flask import current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..errors import error_response

OPEN_ENDPOINTS = {"auth.change_password", "auth.logout", "auth.login", "static", "core.set_language",
                  "core.service_worker", "core.manifest", "core.favicon", "core.offline",
                  "core.health", "api.openapi", "records.verify", "records.verify_lookup",
                  "api.certificate_verify_api"}


def register(app) -> None:
    app.before_request(force_password_change)
    app.after_request(security_headers)


def force_password_change():
    """Hold a person who must change their password on that page (tokens may only read meanwhile)."""
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if getattr(g, "token_auth", False):
        # A token may still read, but nothing is started, answered or submitted until the
        # person has chosen a new password on the site.
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        return error_response(403, "password_change_required",
                              _("Change your password on the site before using an API token for this."))
    if request.path.startswith("/api/"):
        return error_response(403, "password_change_required",
                              _("You must change your password before continuing."))
    return redirect(url_for("auth.change_password"))


def is_personal() -> bool:
    """Whether the response is for someone logged in (loads the person if no one asked yet)."""
    try:
        return not current_user.is_anonymous
    except SQLAlchemyError:  # the database is down (a 503 is on its way): never cache that either
        return True


def security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    # is_anonymous, not is_authenticated: the latter reads the person's status, which the view's commit
    # has expired, and would cost a SELECT on every response. The loaders only return people who may log in.
    # A response that says already how it may be cached (a bearer autosave, stored before anyone was loaded)
    # is not asked again: asking would load the person.
    if "Cache-Control" not in response.headers and is_personal():
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("ENV_NAME") == "production":
        response.headers.setdefault("Strict-Transport-Security",
                                    f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains")
    return response
