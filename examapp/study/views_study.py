"""Study progress, the yearly requirement, organised sessions and who is behind."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..choices import options
from ..core.nav import register_nav
from ..db import utcnow
from ..errors import DomainError
from ..extensions import db
from ..permissions import ADMIN, can_manage_study_sessions, in_scope, roles_required
from ..uploads import read_table
from . import credits, sessions
from .forms import RequirementForm, SessionForm
from .models import StudyRequirement, StudySession
from .services import all_laws, laws_by_id
from .views import bp

register_nav("study.progress", _l("My study"), _l("Your study credits and sessions this year"),
             allowed=lambda u: True, order=12)
register_nav("study.sessions_list", _l("Organised study"), _l("Record 集中学法 sessions and see who is behind"),
             allowed=can_manage_study_sessions, order=14)
register_nav("study.requirements", _l("Study requirement"), _l("Set the yearly study requirement"),
             allowed=lambda u: u.role == ADMIN, order=16)


def this_year() -> int:
    return credits.local_day(utcnow()).year


def chosen_year() -> int:
    year = request.args.get("year", type=int) or this_year()
    return year if 2000 <= year <= 2100 else this_year()


@bp.route("/progress")
@login_required
def progress():
    year = chosen_year()
    by_law = credits.credits_by_law(current_user, year)
    return render_template("study/progress.html", year=year, progress=credits.yearly_progress(current_user, year),
                           leader=credits.leader_sessions(current_user, year), laws=laws_by_id(),
                           by_law=by_law, attended=credits.sessions_of(current_user, year))


@bp.route("/requirements", methods=["GET", "POST"])
@login_required
@roles_required(ADMIN)
def requirements():
    year = chosen_year()
    rule = credits.requirement(year)
    form = RequirementForm(obj=rule)
    if request.method == "GET":
        form.year.data = year
    if form.validate_on_submit():
        row = db.session.query(StudyRequirement).filter_by(year=form.year.data).one_or_none()
        row = row or StudyRequirement(year=form.year.data)
        form.populate_obj(row)
        row.updated_by_id = current_user.id
        db.session.add(row)
        from .. import audit

        audit.record("study_requirement_set", actor=current_user, target=f"year:{row.year}",
                     detail={f.name: f.data for f in form if f.name != "csrf_token"}, now=utcnow())
        db.session.commit()
        flash(_("The study requirement for %(year)s is saved.", year=row.year), "success")
        return redirect(url_for("study.requirements", year=row.year))
    return render_template("study/requirements.html", form=form, year=year)


@bp.route("/sessions")
@login_required
def sessions_list():
    if not can_manage_study_sessions(current_user):
        abort(403)
    year = chosen_year()
    return render_template("study/sessions.html", year=year, items=sessions.sessions_in_scope(current_user, year))


def session_form() -> SessionForm:
    form = SessionForm()
    form.unit_id.choices = options([(u.id, u.full_name) for u in sessions.units_in_scope(current_user)])
    form.laws.choices = options([(law.id, f"{law.short_title}（{law.version_date.year}）") for law in all_laws()])
    people = sessions.people_in_scope(current_user)
    form.attendees.choices = options([(p.id, p.name + (" ★" if p.is_leader else "")) for p in people])
    form.unit_of = {p.id: p.unit.full_name for p in people}  # the picker groups people by unit
    if request.method == "GET":
        form.hours.data = credits.requirement(this_year()).session_hours
        form.held_on.data = credits.local_day(utcnow())
    return form


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def session_new():
    if not can_manage_study_sessions(current_user):
        abort(403)
    form = session_form()
    status = 200
    if form.validate_on_submit():
        try:
            extra = []
            if form.sheet.data:
                upload = form.sheet.data
                extra = sessions.attendees_from_sheet(current_user, read_table(upload.read(), upload.filename or ""))
            data = sessions.SessionInput(form.kind.data, form.held_on.data, form.topic.data, form.speaker.data or "",
                                         form.hours.data, form.unit_id.data, form.laws.data or [],
                                         form.attendees.data or [], form.notes.data or "")
            item = sessions.record_session(current_user, data, utcnow(), extra)
        except DomainError as exc:
            db.session.rollback()
            if exc.status == 403:
                raise
            flash(exc.message, "error")
            status = 422  # refused (an unreadable sheet, a row out of scope): nothing recorded
        else:
            db.session.commit()
            flash(_("The session is recorded for %(n)s people.", n=len(item.attendances)), "success")
            return redirect(url_for("study.session_detail", session_id=item.id))
    return render_template("study/session_form.html", form=form), status


@bp.route("/sessions/<int:session_id>")
@login_required
def session_detail(session_id: int):
    if not can_manage_study_sessions(current_user):  # the role alone decides before anything is looked up
        abort(403)
    item = db.session.get(StudySession, session_id)
    if item is None or not in_scope(current_user, item.unit):
        abort(404)  # out of scope answers as missing (no existence oracle)
    return render_template("study/session_detail.html", item=item)


@bp.route("/behind")
@login_required
def behind():
    if not can_manage_study_sessions(current_user):
        abort(403)
    year = chosen_year()
    return render_template("study/behind.html", year=year, rows=sessions.who_is_behind(current_user, year),
                           rule=credits.requirement(year))
