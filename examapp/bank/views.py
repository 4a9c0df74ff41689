"""Examiner pages: browse, filter, search, create, edit (new version), preview, retire, export."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .. import audit
from ..core.nav import register_nav
from ..db import utcnow
from ..extensions import db
from ..permissions import ADMIN, EXAMINER, can_manage_bank, roles_required
from . import library, services
from .editing import data_to_form, form_to_data
from .export import template_xlsx, to_gift, to_xlsx
from .forms import (
    AUDIENCE_CHOICES,
    STATUS_CHOICES,
    TYPE_CHOICES,
    VISIBILITY_CHOICES,
    ConfirmForm,
    QuestionForm,
    VisibilityForm,
)
from .models import Question, QuestionVersion
from .services import (
    create_question,
    current_versions,
    filter_bank,
    question_dict,
    question_warnings,
    retire_question,
    update_question,
    validate_question,
)

bp = Blueprint("bank", __name__, url_prefix="/bank")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = ("law", "chapter", "type", "difficulty", "status", "tag", "audience", "q", "nobasis", "visibility")
staff = roles_required(EXAMINER, ADMIN)

register_nav("bank.index", _l("Question bank"), _l("Browse, edit and import questions"),
             allowed=can_manage_bank, order=30)


def filters_from_request() -> dict:
    """Read the list filters from the query string (unknown values are ignored by the query)."""
    args = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    if not args["difficulty"].isdigit():
        args["difficulty"] = ""
    return args


def filtered_stmt(args: dict):
    return filter_bank(current_versions(), law=args["law"] or None, chapter=args["chapter"] or None,
                       type=args["type"] or None, difficulty=int(args["difficulty"]) if args["difficulty"] else None,
                       status=args["status"] or None, tag=args["tag"] or None, audience=args["audience"] or None,
                       search=args["q"] or None, lacking_basis=args["nobasis"] == "1",
                       visibility=args["visibility"] or None)


def commit_or_flash(action):
    """Run one service call and commit; on a broken rule roll back, flash why and return its status."""
    from ..errors import DomainError

    try:
        result = action()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return None, exc.status
    db.session.commit()
    return result, None


def get_question(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    return question


@bp.route("/")
@staff
def index():
    args = filters_from_request()
    page = db.paginate(filtered_stmt(args).order_by(Question.law_slug, Question.code), per_page=50,
                       error_out=False)
    chapters = db.session.scalars(select(QuestionVersion.chapter).join(
        Question, Question.current_version_id == QuestionVersion.id).where(QuestionVersion.chapter != "")
        .distinct().order_by(QuestionVersion.chapter)).all()
    active = {k: v for k, v in args.items() if v}
    return render_template("bank/list.html", page=page, args=args, active=active, laws=library.law_slugs(),
                           chapters=chapters, types=TYPE_CHOICES, statuses=STATUS_CHOICES,
                           audiences=AUDIENCE_CHOICES, visibilities=VISIBILITY_CHOICES, law_title=library.law_title)


@bp.route("/questions/<int:question_id>")
@staff
def detail(question_id: int):
    question = get_question(question_id)
    return render_template("bank/detail.html", question=question, version=question.current,
                           retire_form=ConfirmForm(), law_title=library.law_title)


@bp.route("/questions/<int:question_id>/visibility", methods=["POST"])
@staff
def set_visibility(question_id: int):
    """Make a question public (study and practice) or confidential (exams only); audited."""
    question = get_question(question_id)
    form = VisibilityForm()
    if not form.validate_on_submit():
        flash(_("Choose public or confidential."), "error")
    elif services.set_visibility(question, form.visibility.data, current_user, utcnow()):
        db.session.commit()
        flash(_("Question %(code)s is now %(visibility)s.", code=question.code,
                visibility=dict(VISIBILITY_CHOICES)[question.visibility]), "success")
    return redirect(url_for("bank.detail", question_id=question.id))


@bp.route("/questions/<int:question_id>/preview")
@staff
def preview(question_id: int):
    """Show a version as a learner sees it: no key, no explanation."""
    question = get_question(question_id)
    number = request.args.get("v", type=int)
    version = next((v for v in question.versions if v.number == number), None) if number else question.current
    if version is None:
        abort(404)
    return render_template("bank/preview.html", question=question, version=version)


def save_form(form: QuestionForm, question: Question | None):
    """Validate and store the form; return the question or None with errors flashed."""
    data, problems = form_to_data(form, question.code if question else "")
    if data is not None:
        with library.cached():
            problems = validate_question(data)
    if problems:
        for problem in problems:
            flash(problem, "error")
        return None
    for warning in question_warnings(data):
        flash(warning, "info")
    now = utcnow()
    if question is None:
        return create_question(data, current_user, now)
    if update_question(question, data, current_user, now) is None:
        flash(_("Nothing changed; no new version was made."), "info")
    return question


@bp.route("/questions/new", methods=["GET", "POST"])
@staff
def create():
    form = QuestionForm()
    if form.validate_on_submit():
        question = save_form(form, None)
        if question is not None:
            db.session.commit()
            flash(_("Question %(code)s created.", code=question.code), "success")
            return redirect(url_for("bank.detail", question_id=question.id))
    return render_template("bank/form.html", form=form, question=None), 422 if form.is_submitted() else 200


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@staff
def edit(question_id: int):
    question = get_question(question_id)
    form = QuestionForm()
    if form.validate_on_submit():
        if save_form(form, question) is not None:
            db.session.commit()
            flash(_("Saved as version %(n)s.", n=question.current.number), "success")
            return redirect(url_for("bank.detail", question_id=question.id))
    elif not form.is_submitted():
        data_to_form(form, question_dict(question))
    return render_template("bank/form.html", form=form, question=question), 422 if form.is_submitted() else 200


@bp.route("/questions/<int:question_id>/retire", methods=["POST"])
@staff
def retire(question_id: int):
    question = get_question(question_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    now = utcnow()
    retire_question(question, now)
    audit.record("bank.retire", actor=current_user, target=question.code, now=now)
    db.session.commit()
    flash(_("Question %(code)s retired; past exams keep it.", code=question.code), "success")
    return redirect(url_for("bank.detail", question_id=question.id))


@bp.route("/template.xlsx")
@staff
def template():
    return Response(template_xlsx(), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=question-template.xlsx"})


@bp.route("/export")
@staff
def export():
    """Download the filtered questions as .xlsx (the import template) or GIFT."""
    args = filters_from_request()
    pairs = db.session.execute(filtered_stmt(args).order_by(Question.law_slug, Question.code)).all()
    kind = "gift" if request.args.get("format") == "gift" else "xlsx"
    audit.record("bank.export", actor=current_user, target=kind, now=utcnow(),
                 detail={"count": len(pairs), "filters": {k: v for k, v in args.items() if v}})
    db.session.commit()
    if kind == "gift":
        text, _skipped = to_gift(pairs)
        return Response(text.encode("utf-8"), mimetype="text/plain; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=questions.gift"})
    return Response(to_xlsx(pairs), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=questions.xlsx"})


from . import (  # noqa: E402, F401  (more routes on the same blueprint)
    views_corrections,
    views_coverage,
    views_drafts,
    views_import,
    views_review,
    views_trial,
)


@bp.context_processor
def labels():
    """Names of types, statuses and audiences for the bank templates."""
    types, statuses, audiences = dict(TYPE_CHOICES), dict(STATUS_CHOICES), dict(AUDIENCE_CHOICES)
    visibilities = dict(VISIBILITY_CHOICES)
    return {"type_label": lambda v: types.get(v, v), "qstatus_label": lambda v: statuses.get(v, v),
            "visibility_label": lambda v: visibilities.get(v, v),
            "visibility_form_for": lambda q: VisibilityForm(visibility=q.visibility),
            "audience_label": lambda v: audiences.get(v, v), "law_title": library.law_title,
            "basis_text": library.basis_text}
