"""Exam pages: the learner's side (my exams, start, take, result); examiner pages in views_admin."""

from functools import cache

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..core.nav import register_nav
from ..db import commit_keeping_loaded, commit_retrying, utcnow
from ..errors import DomainError, NotFound
from ..extensions import db
from . import attempts as service
from . import bp, leaving, paper_html  # noqa: F401  (paper_html: the take page's question_renderer)
from .access import can_read_attempt, can_write_attempt
from .forms import ConfirmForm
from .models import IN_PROGRESS, Attempt, Exam
from .present import REASONS, attempt_json, num, standing_message
from .queries import exams_for, my_attempts, paper_rows

register_nav("exams.index", _l("My exams"), _l("Take this year's law exam"), allowed=lambda u: True, order=30)


@bp.app_template_filter("points")
def points_filter(value) -> str:
    """Show exact points without trailing zeros: 60, 59.5, 0.67."""
    shown = num(value)
    return "" if shown is None else str(shown)


def load_attempt(attempt_id: int, write: bool = False) -> Attempt:
    return allowed(db.session.get(Attempt, attempt_id), write)


def allowed(attempt: Attempt | None, write: bool) -> Attempt:
    if attempt is None or not (can_write_attempt(current_user, attempt) if write
                               else can_read_attempt(current_user, attempt)):
        raise NotFound(_("The page or item was not found."))
    return attempt


@cache
def page_statement():
    """The exam page's attempt with its exam, and whether a leave is open: one statement."""
    return (select(Attempt, leaving.leave_is_open()).options(joinedload(Attempt.exam))
            .where(Attempt.id == bindparam("attempt_id")))


def load_published(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None or not exam.is_published:
        raise NotFound(_("The page or item was not found."))
    return exam


@bp.route("/")
@login_required
def index():
    now = utcnow()
    rows = [(exam, service.current_standing(exam, current_user, now)) for exam in exams_for(current_user, now)]
    db.session.commit()
    return render_template("exams/index.html", rows=rows, message=standing_message, now=now)


@bp.route("/<int:exam_id>")
@login_required
def detail(exam_id: int):
    exam = load_published(exam_id)
    now = utcnow()
    situation = service.current_standing(exam, current_user, now)
    db.session.commit()
    if situation.reason == "not_in_audience":
        raise NotFound(_("The page or item was not found."))
    return render_template("exams/detail.html", exam=exam, situation=situation, reasons=REASONS,
                           message=standing_message(situation), attempts=my_attempts(current_user, exam),
                           leave_policy=leaving.policy_text(exam), form=ConfirmForm())


@bp.route("/<int:exam_id>/start", methods=["POST"])
@login_required
def start(exam_id: int):
    exam = load_published(exam_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("exams.detail", exam_id=exam.id))
    try:
        attempt = commit_retrying(lambda: service.start_attempt(exam, current_user, utcnow()))
    except NotFound:
        raise
    except DomainError as exc:
        # An attempt found overdue on the way stays finished (KeptRefusal); anything else is undone.
        db.session.commit() if isinstance(exc, service.KeptRefusal) else db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("exams.detail", exam_id=exam.id))
    return redirect(url_for("exams.take", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def take(attempt_id: int):
    attempt, leave_open = db.session.execute(page_statement(), {"attempt_id": attempt_id}).first() or (None, False)
    allowed(attempt, write=True)
    now = utcnow()
    service.settle(attempt, now)
    comeback = leaving.resume(attempt, now, leave_open)  # the page reopened after a leave: that is the return
    commit_keeping_loaded(db.session)  # the page renders the attempt, exam and person as they are now
    if attempt.state != IN_PROGRESS:
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    remaining = max(int((attempt.deadline_at - now).total_seconds()), 0)
    return render_template("exams/take.html", attempt=attempt, items=paper_rows(attempt.id), exam=attempt.exam,
                           remaining=remaining,
                           leave_policy=leaving.policy_text(attempt.exam), leave_grace=leaving.grace_seconds(),
                           comeback=comeback, form=ConfirmForm())


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """The no-script fallback of the submit button (the script uses the API)."""
    attempt = load_attempt(attempt_id, write=True)
    if ConfirmForm().validate_on_submit():
        service.submit(attempt, utcnow())
        db.session.commit()
    return redirect(url_for("exams.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = load_attempt(attempt_id)
    now = utcnow()
    service.settle(attempt, now)
    db.session.commit()
    if attempt.state == IN_PROGRESS:
        if can_write_attempt(current_user, attempt):
            return redirect(url_for("exams.take", attempt_id=attempt.id))
        raise NotFound(_("The page or item was not found."))
    return render_template("exams/result.html", attempt=attempt, exam=attempt.exam,
                           data=attempt_json(attempt, current_user, now),
                           retry=service.retry_offer(attempt, current_user, now))


from . import views_admin  # noqa: E402,F401  (examiner pages on the same blueprint)
