"""Examiner pages: per-person overrides, attempts with page-leave evidence, regrading."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..bank.models import Question
from ..db import utcnow
from ..errors import DomainError, NotFound
from ..extensions import db
from ..org.models import User
from ..permissions import ADMIN, EXAMINER, HR, in_scope, roles_required
from . import bp, leaving, regrade
from . import services as svc
from .forms import ConfirmForm, OverrideForm
from .models import Attempt
from .queries import attempt_events, exam_attempts
from .views_admin import MANAGERS, load_exam, to_utc


@bp.route("/manage/<int:exam_id>/overrides", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def overrides(exam_id: int):
    exam = load_exam(exam_id)
    form = OverrideForm()
    if form.validate_on_submit():
        person = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if person is None:
            form.username.errors.append(_("No such user."))
        else:
            try:
                svc.grant_override(exam, person, form.kind.data, form.reason.data, current_user, utcnow(),
                                   minutes=form.minutes.data or 0, until_at=to_utc(form.until_at.data))
                db.session.commit()
                flash(_("Granted."), "success")
                return redirect(url_for("exams.overrides", exam_id=exam.id))
            except DomainError as exc:
                db.session.rollback()
                flash(exc.message, "error")
    return render_template("exams/overrides.html", exam=exam, form=form, grants=svc.exam_overrides(exam))


@bp.route("/manage/<int:exam_id>/attempts")
@roles_required(ADMIN, EXAMINER, HR)
def attempts(exam_id: int):
    exam = load_exam(exam_id)
    return render_template("exams/attempts.html", exam=exam, attempts=exam_attempts(exam, current_user))


@bp.route("/manage/attempts/<int:attempt_id>/evidence")
@roles_required(ADMIN, EXAMINER, HR)
def evidence(attempt_id: int):
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or not in_scope(current_user, attempt.user.unit):
        raise NotFound(_("The page or item was not found."))
    return render_template("exams/evidence.html", attempt=attempt, exam=attempt.exam,
                           events=attempt_events(attempt), duration=leaving.duration_text,
                           grace=leaving.grace_seconds())


@bp.route("/manage/<int:exam_id>/regrade")
@roles_required(*MANAGERS)
def regrade_list(exam_id: int):
    exam = load_exam(exam_id)
    return render_template("exams/regrade_list.html", exam=exam, stale=regrade.stale_questions(exam))


def load_question(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound(_("The page or item was not found."))
    return question


@bp.route("/manage/<int:exam_id>/regrade/<int:question_id>")
@roles_required(*MANAGERS)
def regrade_preview(exam_id: int, question_id: int):
    exam, question = load_exam(exam_id), load_question(question_id)
    rows = regrade.preview(exam, question)
    db.session.rollback()  # a dry run changes nothing
    return render_template("exams/regrade_preview.html", exam=exam, question=question, rows=rows,
                           form=ConfirmForm())


@bp.route("/manage/<int:exam_id>/regrade/<int:question_id>", methods=["POST"])
@roles_required(*MANAGERS)
def regrade_run(exam_id: int, question_id: int):
    exam, question = load_exam(exam_id), load_question(question_id)
    if ConfirmForm().validate_on_submit():
        rows = regrade.run(exam, question, current_user, utcnow())
        db.session.commit()
        flash(_("Regraded %(n)s attempt(s).", n=len(rows)), "success")
    return redirect(url_for("exams.regrade_list", exam_id=exam.id))


@bp.route("/manage/<int:exam_id>/regrade/rule")
@roles_required(*MANAGERS)
def regrade_rule_preview(exam_id: int):
    """Dry run: the finished attempts whose score would change under today's scoring rule."""
    exam = load_exam(exam_id)
    rows = regrade.rule_preview(exam)
    codes = dict(db.session.execute(select(Question.id, Question.code).where(
        Question.id.in_({item.question_id for row in rows for item, _mark in row.marks}))).all()) if rows else {}
    db.session.rollback()  # a dry run changes nothing
    return render_template("exams/regrade_rule.html", exam=exam, rows=rows, codes=codes, form=ConfirmForm())


@bp.route("/manage/<int:exam_id>/regrade/rule", methods=["POST"])
@roles_required(*MANAGERS)
def regrade_rule_run(exam_id: int):
    exam = load_exam(exam_id)
    if ConfirmForm().validate_on_submit():
        rows = regrade.rule_run(exam, current_user, utcnow())
        db.session.commit()
        flash(_("Rescored %(n)s attempt(s) under the current scoring rule.", n=len(rows)), "success")
    return redirect(url_for("exams.regrade_list", exam_id=exam.id))
