"""People pages: list, detail, add, edit/transfer, status, password reset, bulk import."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import checked
from .. import permissions as perm
from ..auth.services import reset_password
from ..auth.sessions import end_all_access
from ..choices import options
from ..core.describe import describe_roster, roster_kind_label
from ..core.nav import ROLE_LABELS, STATUS_LABELS, register_nav
from ..db import utcnow
from ..errors import DomainError
from ..extensions import db
from ..progress import web_progress
from ..uploads import annotate, stash, stash_path, unstash
from . import services
from .forms import ConfirmForm, ImportForm, PersonForm, StatusForm
from .importer import HEADER, checked_stamp, import_people, rows_from_state, rows_state
from .models import ROLES, STATUSES, Unit, User
from .queries import people_query, person_for, roster_history, units_in_scope

bp = Blueprint("org", __name__, url_prefix="/org")
PEOPLE_ROLES = (perm.ADMIN, perm.UNIT_ADMIN, perm.HR)
MANAGER_ROLES = (perm.ADMIN, perm.UNIT_ADMIN)

register_nav("org.people", _l("People"), _l("Roster, transfers and exemptions"),
             lambda u: u.role in PEOPLE_ROLES, order=80)


def load_person(user_id: int, *, manage: bool = False) -> User:
    return person_for(current_user, user_id, manage=manage)


def fill_choices(form: PersonForm) -> None:
    form.unit_id.choices = options([(u.id, u.full_name) for u in units_in_scope(current_user)])
    form.role.choices = options([(r, ROLE_LABELS[r]) for r in ROLES if perm.can_assign_role(current_user, r)])
    if perm.can_set_scope(current_user):
        form.scope_unit_id.choices = options([(0, _("Its own unit and the units under it")), *form.unit_id.choices])
        form.scope_unit_id.data = form.scope_unit_id.data or 0  # no recorded scope: the default choice
    else:
        del form.scope_unit_id


@bp.route("/people")
@perm.roles_required(*PEOPLE_ROLES)
def people():
    args = request.args
    stmt = people_query(current_user, q=args.get("q", ""), unit_id=args.get("unit", type=int),
                        role=args.get("role", ""), status=args.get("status", ""), flag=args.get("flag", ""))
    page = db.paginate(stmt, page=args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("org/people.html", page=page, units=units_in_scope(current_user),
                           roles=ROLES, statuses=STATUSES, args=args)


@bp.route("/people/<int:user_id>")
@login_required
def person(user_id: int):
    person = load_person(user_id)
    history = roster_history(person)
    return render_template("org/person.html", person=person, history=history, changes=describe_roster(history),
                           roster_kind_label=roster_kind_label,
                           can_manage=perm.can_manage_person(current_user, person),
                           status_form=status_form(person), confirm=ConfirmForm())


def status_form(person: User) -> StatusForm:
    form = StatusForm(status=person.status)
    form.status.choices = options([(s, STATUS_LABELS[s]) for s in STATUSES])
    return form


@bp.route("/people/new", methods=["GET", "POST"])
@perm.roles_required(*MANAGER_ROLES)
def new_person():
    form = PersonForm()
    fill_choices(form)
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) or abort(400)
        try:
            user = services.create_person(current_user, utcnow(), unit=unit, **person_fields(form),
                                          username=form.username.data.strip())
            temporary = reset_password(current_user, user, utcnow())
        except DomainError as exc:
            attach_error(form, exc, form.username)
        else:
            db.session.commit()
            flash(_("Added %(name)s. One-time password: %(password)s (must be changed at first log-in).",
                    name=user.name, password=temporary), "success")
            return redirect(url_for("org.person", user_id=user.id))
    return render_template("org/person_form.html", form=form, person=None)


def attach_error(form: PersonForm, exc: DomainError, default) -> None:
    """Show a refusal under the field it is about (the shared validation names it)."""
    name = (exc.details or {}).get("field") if isinstance(exc.details, dict) else None
    target = form[name] if name in form else default
    target.errors = [*target.errors, exc.message]


def person_fields(form: PersonForm) -> dict:
    return {"name": form.name.data.strip(), "role": form.role.data, "position": form.position.data or "",
            "rank": form.rank.data or "", "phone": form.phone.data or "",
            "is_leader": form.is_leader.data, "is_grid_worker": form.is_grid_worker.data,
            "is_enforcement": form.is_enforcement.data,
            "scope_unit": db.session.get(Unit, form.scope_unit_id.data) if "scope_unit_id" in form
            and form.scope_unit_id.data else None}


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
@perm.roles_required(*MANAGER_ROLES)
def edit_person(user_id: int):
    person = load_person(user_id, manage=True)
    form = PersonForm(obj=person)
    fill_choices(form)
    form.username.data = person.username
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) or abort(400)
        try:
            services.update_person(current_user, person, utcnow(), unit=unit, **person_fields(form))
        except DomainError as exc:
            attach_error(form, exc, form.unit_id)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("org.person", user_id=person.id))
    return render_template("org/person_form.html", form=form, person=person)


@bp.route("/people/<int:user_id>/status", methods=["POST"])
@perm.roles_required(*MANAGER_ROLES)
def change_status(user_id: int):
    person = load_person(user_id, manage=True)
    form = status_form(person)
    if form.validate_on_submit():
        try:
            services.set_status(current_user, person, form.status.data, utcnow(),
                                reason=form.reason.data or "", approver=form.approver.data or "")
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Status changed."), "success")
    return redirect(url_for("org.person", user_id=person.id))


@bp.route("/people/<int:user_id>/reset-password", methods=["POST"])
@perm.roles_required(*MANAGER_ROLES)
def reset(user_id: int):
    person = load_person(user_id, manage=True)
    if ConfirmForm().validate_on_submit():
        temporary = reset_password(current_user, person, utcnow())
        db.session.commit()
        flash(_("One-time password for %(account)s: %(password)s (must be changed at next log-in).",
                account=person.username, password=temporary), "success")
    return redirect(url_for("org.person", user_id=person.id))


@bp.route("/people/<int:user_id>/end-sessions", methods=["POST"])
@perm.roles_required(*MANAGER_ROLES)
def end_sessions(user_id: int):
    person = load_person(user_id, manage=True)
    if ConfirmForm().validate_on_submit():
        counts = end_all_access(current_user, person, utcnow())
        db.session.commit()
        flash(_("Ended %(n)s log-in session(s) of %(account)s and revoked %(tokens)s API token(s).",
                n=counts["sessions"], account=person.username, tokens=counts["tokens"]), "success")
    return redirect(url_for("org.person", user_id=person.id))


@bp.route("/import", methods=["GET", "POST"])
@perm.roles_required(*MANAGER_ROLES)
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        return preview(upload.read(), upload.filename or "people.csv", None)
    return render_template("org/import.html", form=form, header=HEADER)


def preview(data: bytes, filename: str, token: str | None):
    """Dry-run the file and show what would happen (or every error); keep a readable file for later."""
    stamp = checked_stamp(current_user, data)  # before checking: a change to the units meanwhile makes it stale
    try:
        with web_progress(current_user.id, request.form.get("job")) as step:
            report = import_people(current_user, data, filename, utcnow(), dry_run=True, step=step)
    except DomainError as exc:
        db.session.rollback()  # an unreadable file is not kept: nothing to correct and confirm
        return render_template("org/import.html", form=ImportForm(), header=HEADER, fatal=exc.message), 422
    db.session.rollback()
    token = token or stash(data, filename, current_user.id)
    if report.ok:
        checked.keep(stash_path(token, ".checked"), stamp, rows_state(report.rows))
    return render_template("org/import_preview.html", report=report, token=token, confirm=ConfirmForm(),
                           filename=filename), (200 if report.ok else 422)


@bp.route("/import/<token>/confirm", methods=["POST"])
@perm.roles_required(*MANAGER_ROLES)
def import_confirm(token: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    data, filename = unstash(token, current_user.id)
    kept = checked.recall(stash_path(token, ".checked"), checked_stamp(current_user, data))
    with web_progress(current_user.id, request.form.get("job")) as step:
        report = import_people(current_user, data, filename, utcnow(), step=step,
                               checked_rows=rows_from_state(kept) if kept is not None else None)
    if not report.ok:
        db.session.rollback()
        return preview(data, filename, token)
    db.session.commit()
    stash_path(token, ".checked").unlink(missing_ok=True)
    flash(_("Imported %(n)s people. Issue their one-time passwords below to give them a first log-in.",
            n=report.created), "success")
    return redirect(url_for("org.import_batch", batch_id=report.batch_id))


@bp.route("/import/<token>/errors")
@perm.roles_required(*MANAGER_ROLES)
def import_errors(token: str):
    data, filename = unstash(token, current_user.id)
    report = import_people(current_user, data, filename, utcnow(), dry_run=True)
    db.session.rollback()
    errors = {row: "；".join(messages) for row, messages in report.errors.items()}
    content, kind = annotate(data, filename, errors, _("Errors"))
    stem = filename.rsplit(".", 1)[0]
    return send_file(io.BytesIO(content), as_attachment=True, download_name=f"{stem}-errors.{kind}")


@bp.route("/units")
@perm.roles_required(*PEOPLE_ROLES)
def units():
    return render_template("org/units.html", units=units_in_scope(current_user))


from . import views_onboarding  # noqa: E402,F401  (routes on the same blueprint)
