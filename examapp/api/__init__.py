"""/api/v1: a thin JSON skin over the same services the pages use."""

from importlib import import_module

from flask import Blueprint, g

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# Each domain adds its endpoints in its own module here.
API_MODULES = ("core", "org", "study", "bank", "exams", "records", "reports", "practice")


@bp.before_request
def check_csrf_for_session_auth():
    """Bearer-token calls carry no cookie to forge; browser-session calls need the token."""
    from flask import current_app, request
    from flask_login import current_user

    if request.method in ("GET", "HEAD", "OPTIONS") or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    current_user._get_current_object()  # runs the loaders, which mark token auth
    if not getattr(g, "token_auth", False):
        csrf.protect()


for _name in API_MODULES:
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{_name}":
            raise
