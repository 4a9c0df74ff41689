"""Log-in, log-out and password change pages."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import audit
from ..db import utcnow
from ..errors import Invalid
from ..extensions import db, limiter
from . import services, sessions
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    # Per account *and* address: one address cannot use the limit to shut an account out for everyone
    # (failures slow the account down instead, see services.failure_delay).
    account = (request.form.get("username") or "").strip().lower()
    return f"login-account:{account}:{request.remote_addr}"


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_PER_ADDRESS"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_PER_ACCOUNT"], key_func=_account_key,
               methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data, utcnow())
        db.session.commit()
        if user is not None:
            session.clear()
            login_user(user)
            sessions.open_session(user, utcnow())
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong account or password, or the account is locked for a while."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record("logout", actor=current_user, target=current_user.username)
    sessions.close_current(utcnow())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.old_password.data,
                                     form.new_password.data, utcnow())
        except Invalid as exc:
            form.new_password.errors = [*form.new_password.errors, exc.message]
        else:
            sessions.end_sessions(current_user, utcnow(), keep_current=True)
            db.session.commit()
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("core.home"))
    return render_template("auth/change_password.html", form=form)
