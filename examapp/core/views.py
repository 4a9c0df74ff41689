"""Home page, language switch and health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import text

from ..db import utcnow
from ..extensions import db
from ..i18n import LOCALES

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def home():
    return render_template("core/home.html")


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    target = request.form.get("next") or url_for("core.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.home")
    response = redirect(target)
    if code in LOCALES:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok", "time": utcnow().isoformat()})


@bp.app_context_processor
def inject_user_helpers():
    from flask_babel import get_locale

    from .. import permissions
    from .describe import version_note
    from .nav import nav_items, role_label, status_label

    return {"get_locale": get_locale, "perm": permissions, "nav_items": nav_items, "role_label": role_label,
            "status_label": status_label, "version_note": version_note}


@bp.app_template_filter("dict_without")
def dict_without(mapping: dict, *keys: str) -> dict:
    return {k: v for k, v in mapping.items() if k not in keys}
