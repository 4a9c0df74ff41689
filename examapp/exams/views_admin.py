"""Examiner pages: exam list, create/edit, blueprint rules, the publish check."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..bank.library import manifest
from ..choices import options
from ..core.nav import register_nav
from ..db import utcnow
from ..errors import DomainError, NotFound
from ..extensions import db
from ..localtime import site_zone
from ..org.models import Unit
from ..permissions import ADMIN, EXAMINER, roles_required
from . import bp
from . import services as svc
from .forms import ConfirmForm, ExamForm, RuleForm
from .models import Exam

register_nav("exams.manage", _l("Exams (examiner)"), _l("Define, publish and monitor exams"),
             allowed=lambda u: u.role in (ADMIN, EXAMINER), order=35)
MANAGERS = (ADMIN, EXAMINER)


def local_zone() -> ZoneInfo:
    return site_zone()


def to_utc(local: datetime | None) -> datetime | None:
    return local.replace(tzinfo=local_zone()).astimezone(UTC) if local else None


def to_local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(local_zone()).replace(tzinfo=None) if moment else None


def load_exam(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise NotFound(_("The page or item was not found."))
    return exam


def exam_form(exam: Exam | None = None) -> ExamForm:
    form = ExamForm(obj=exam)
    form.audience_units.choices = options([(u.id, u.full_name) for u in db.session.scalars(
        select(Unit).where(Unit.is_archived.is_(False)).order_by(Unit.path))])
    if exam is not None and not form.is_submitted():
        for name in ("opens_at", "closes_at", "makeup_opens_at", "makeup_closes_at"):
            getattr(form, name).data = to_local(getattr(exam, name))
        audience = exam.audience or {}
        form.audience_units.data = audience.get("unit_ids", [])
        form.audience_roles.data = audience.get("roles", [])
        form.audience_leaders.data = bool(audience.get("leaders"))
        form.audience_grid.data = bool(audience.get("grid_workers"))
        form.audience_enforcement.data = bool(audience.get("enforcement"))
        form.eligibility_credits.data = bool((exam.eligibility or {}).get("study_credits"))
    return form


def form_data(form: ExamForm) -> dict:
    data = {name: getattr(form, name).data for name in svc.EXAM_FIELDS if hasattr(form, name)}
    for name in ("opens_at", "closes_at", "makeup_opens_at", "makeup_closes_at"):
        data[name] = to_utc(getattr(form, name).data)
    data["audience"] = {"unit_ids": form.audience_units.data or [], "roles": form.audience_roles.data or [],
                        "leaders": form.audience_leaders.data, "grid_workers": form.audience_grid.data,
                        "enforcement": form.audience_enforcement.data}
    data["eligibility"] = {"study_credits": form.eligibility_credits.data}
    return data


@bp.route("/manage")
@roles_required(*MANAGERS)
def manage():
    exams = db.session.scalars(select(Exam).order_by(Exam.year.desc(), Exam.opens_at.desc())).all()
    return render_template("exams/manage_list.html", exams=exams)


@bp.route("/manage/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create():
    form = exam_form()
    if not form.is_submitted():
        form.year.data = utcnow().year
    if form.validate_on_submit():
        try:
            exam = svc.create_exam(form_data(form), current_user, utcnow())
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Exam created with the default paper: 50 questions, 100 points."), "success")
            return redirect(url_for("exams.manage_exam", exam_id=exam.id))
    return render_template("exams/manage_form.html", form=form, exam=None)


@bp.route("/manage/<int:exam_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(exam_id: int):
    exam = load_exam(exam_id)
    form = exam_form(exam)
    if form.validate_on_submit():
        try:
            svc.update_exam(exam, form_data(form), current_user, utcnow())
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("exams.manage_exam", exam_id=exam.id))
    return render_template("exams/manage_form.html", form=form, exam=exam)


def rule_form() -> RuleForm:
    form = RuleForm()
    laws = [(row["slug"], row.get("title") or row["slug"]) for row in manifest()]
    form.law.choices = options([("", _("Any law")), *laws])
    return form


@bp.route("/manage/<int:exam_id>")
@roles_required(*MANAGERS)
def manage_exam(exam_id: int):
    exam = load_exam(exam_id)
    return render_template("exams/manage_exam.html", exam=exam, rule_form=rule_form(), confirm=ConfirmForm(),
                           checks={c.index: c for c in svc.check_blueprint(exam)}, totals=svc.variant_totals(exam),
                           laws={row["slug"]: row.get("title") or row["slug"] for row in manifest()})


def commit_or_flash(action, *args) -> bool:
    """Run one blueprint change and commit it, or roll back and show why; True when it was saved."""
    try:
        action(*args)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    return True


@bp.route("/manage/<int:exam_id>/rules", methods=["POST"])
@roles_required(*MANAGERS)
def add_rule(exam_id: int):
    exam = load_exam(exam_id)
    form = rule_form()
    if form.validate_on_submit():
        commit_or_flash(svc.add_rule, exam, form.data, current_user, utcnow())
    else:
        flash(_("Each rule needs a number of questions and points per question."), "error")
    return redirect(url_for("exams.manage_exam", exam_id=exam.id))


@bp.route("/manage/<int:exam_id>/rules/<int:index>/delete", methods=["POST"])
@roles_required(*MANAGERS)
def remove_rule(exam_id: int, index: int):
    exam = load_exam(exam_id)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(svc.remove_rule, exam, index, current_user, utcnow())
    return redirect(url_for("exams.manage_exam", exam_id=exam.id))


@bp.route("/manage/<int:exam_id>/publish", methods=["POST"])
@roles_required(*MANAGERS)
def publish(exam_id: int):
    exam = load_exam(exam_id)
    if ConfirmForm().validate_on_submit():
        if commit_or_flash(svc.publish, exam, current_user, utcnow()):
            flash(_("Published."), "success")
    return redirect(url_for("exams.manage_exam", exam_id=exam.id))


@bp.route("/manage/<int:exam_id>/unpublish", methods=["POST"])
@roles_required(*MANAGERS)
def unpublish(exam_id: int):
    exam = load_exam(exam_id)
    if ConfirmForm().validate_on_submit():
        svc.unpublish(exam, current_user, utcnow())
        db.session.commit()
        flash(_("Back to draft: learners can no longer start it."), "success")
    return redirect(url_for("exams.manage_exam", exam_id=exam.id))


from . import views_monitor  # noqa: E402,F401  (overrides, attempts, regrade)
