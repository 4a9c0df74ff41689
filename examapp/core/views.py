"""Home page, language switch and health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import database_now, utcnow
from ..extensions import db
from ..i18n import LOCALES
from ..progress import new_job, read_progress
from .home import today
from .nav import STUDY_PREFIXES, nav_items

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def home():
    now = utcnow()
    shown = today(current_user, now)
    db.session.commit()  # an overdue attempt found on the way was scored at its deadline
    return render_template("core/home.html", today=shown)


@bp.route("/progress/<job>")
@login_required
def progress(job: str):
    """How far one's own long request (an import) has got: polled by progress.js while the page waits."""
    state = read_progress(current_user.id, job)
    if state is None:  # not started, finished, someone else's, or on another app server
        return jsonify({"message": _("Still working…"), "percent": None}), 404
    return jsonify(state)


@bp.app_template_global("new_job")
def new_job_id() -> str:
    return new_job()


@bp.route("/learn")
@login_required
def learn():
    """学法: the study entries of the menu as one page (the phone's bottom bar points here)."""
    return render_template("core/learn.html", items=nav_items(prefixes=STUDY_PREFIXES))


@bp.route("/me")
@login_required
def me():
    """我的: profile, password, language, larger text, certificates, records and the rest of the menu."""
    return render_template("core/me.html", items=nav_items(exclude=STUDY_PREFIXES + ("exams.index",)))


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
    """The app answers and reaches its database; both clocks, for the operator to compare (O-02)."""
    database = database_now(db.session)
    now = utcnow()
    return jsonify({"status": "ok", "time": now.isoformat(), "database_time": database.isoformat(),
                    "clock_skew_seconds": round((now - database).total_seconds(), 3)})


@bp.app_context_processor
def inject_user_helpers():
    from flask_babel import get_locale

    from .. import permissions
    from .describe import version_note
    from .nav import bottom_tab, nav_items, role_label, status_label

    return {"get_locale": get_locale, "perm": permissions, "nav_items": nav_items, "role_label": role_label,
            "bottom_tab": bottom_tab, "status_label": status_label, "version_note": version_note}


@bp.app_template_filter("figure")
def figure(value) -> str:
    """A number as people write it: at most two decimals, no trailing zeros (12.5, 20, 0.33)."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@bp.app_template_filter("dict_without")
def dict_without(mapping: dict, *keys: str) -> dict:
    return {k: v for k, v in mapping.items() if k not in keys}


from . import pwa  # noqa: E402,F401  (manifest, service worker and offline page on the same blueprint)
