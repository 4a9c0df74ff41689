"""纠错: a learner reports an error in a question they were shown; examiners fix or dismiss with a reply."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..choices import options
from ..core.nav import register_nav
from ..db import utcnow
from ..extensions import db
from ..permissions import can_manage_bank
from . import corrections
from .forms import ReportForm, ResolveForm
from .models import REPORT_OPEN, REPORT_REASONS, Question
from .views import bp, commit_or_flash, staff

register_nav("bank.reports_queue", _l("Error reports"), _l("Questions learners say are wrong: fix or reply"),
             allowed=can_manage_bank, order=32)
register_nav("bank.my_reports", _l("My error reports"), _l("Questions you reported and the examiners' replies"),
             allowed=lambda u: True, order=55)


def report_place() -> tuple[int, str, int | None]:
    """Read which question and where it was shown from the query string (400 when unreadable)."""
    question_id = request.args.get("question_id", type=int)
    if question_id is None:
        abort(400)
    return question_id, request.args.get("source", ""), request.args.get("attempt_id", type=int)


@bp.route("/reports/new", methods=["GET", "POST"])
@login_required
def report_new():
    question_id, source, attempt_id = report_place()
    now = utcnow()
    version = corrections.shown_version(current_user, question_id, source, attempt_id, now)
    form = ReportForm()
    form.reason.choices = options([(key, corrections.REASON_LABELS[key]) for key in REPORT_REASONS])
    existing = corrections.open_report(current_user.id, question_id)
    status = 200
    if form.validate_on_submit():
        _report, failed = commit_or_flash(lambda: corrections.file_report(
            current_user, version, source, attempt_id, form.reason.data, form.detail.data, now))
        status = failed or status
        if not failed:
            flash(_("Thank you. An examiner will look at the question and reply here."), "success")
            return redirect(url_for("bank.my_reports"))
    elif form.is_submitted():
        status = 422
    return render_template("bank/report_new.html", form=form, version=version, existing=existing), status


@bp.route("/reports/mine")
@login_required
def my_reports():
    return render_template("bank/my_reports.html", reports=corrections.my_reports(current_user),
                           reasons=corrections.REASON_LABELS, statuses=corrections.STATUS_LABELS)


@bp.route("/reports")
@staff
def reports_queue():
    return render_template("bank/reports_queue.html", rows=corrections.queue())


@bp.route("/reports/questions/<int:question_id>")
@staff
def question_reports(question_id: int):
    question = db.session.get(Question, question_id) or abort(404)
    return render_template("bank/question_reports.html", question=question, form=ResolveForm(),
                           reports=corrections.reports_of(question), open_status=REPORT_OPEN,
                           reasons=corrections.REASON_LABELS, statuses=corrections.STATUS_LABELS)


@bp.route("/reports/questions/<int:question_id>/resolve", methods=["POST"])
@staff
def resolve_reports(question_id: int):
    question = db.session.get(Question, question_id) or abort(404)
    form = ResolveForm()
    if not form.validate_on_submit():
        abort(400)
    closed, failed = commit_or_flash(
        lambda: corrections.resolve(question, form.action.data, form.reply.data, current_user, utcnow()))
    if failed:
        return redirect(url_for("bank.question_reports", question_id=question.id))
    flash(_("%(n)s report(s) closed; the learners can read your reply.", n=len(closed)), "success")
    return redirect(url_for("bank.reports_queue"))
