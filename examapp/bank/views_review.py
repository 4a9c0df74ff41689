"""The amendment review queue (待复核): old and new article side by side, confirm or edit."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..db import utcnow
from ..extensions import db
from . import library
from .editing import data_to_form, form_to_data
from .forms import ConfirmForm, QuestionForm
from .models import REVIEW_OPEN, QuestionReview
from .review import confirm_review, edited_after_review, rewritten, side_by_side
from .services import question_dict, validate_question
from .views import bp, staff


def get_review(review_id: int) -> QuestionReview:
    review = db.session.get(QuestionReview, review_id)
    if review is None:
        abort(404)
    return review


@bp.route("/reviews")
@staff
def reviews():
    stmt = select(QuestionReview).where(QuestionReview.status == REVIEW_OPEN).order_by(QuestionReview.id)
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("bank/reviews.html", page=page, law_title=library.law_title)


@bp.route("/reviews/<int:review_id>")
@staff
def review(review_id: int):
    item = get_review(review_id)
    return render_template("bank/review.html", review=item, rows=side_by_side(item), form=ConfirmForm(),
                           version=item.question.current, law_title=library.law_title)


@bp.route("/reviews/<int:review_id>/confirm", methods=["POST"])
@staff
def review_confirm(review_id: int):
    item = get_review(review_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    confirm_review(item, current_user, utcnow())
    db.session.commit()
    flash(_("Confirmed: %(code)s now cites the new version and can be used in exams again.",
            code=item.question.code), "success")
    return redirect(url_for("bank.reviews"))


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@staff
def review_edit(review_id: int):
    item = get_review(review_id)
    form = QuestionForm()
    if form.validate_on_submit():
        data, problems = form_to_data(form, item.question.code)
        if data is not None:
            with library.cached():
                problems = validate_question(data)
        if not problems:
            edited_after_review(item, data, current_user, utcnow())
            db.session.commit()
            flash(_("Saved; the review of %(code)s is closed.", code=item.question.code), "success")
            return redirect(url_for("bank.reviews"))
        for problem in problems:
            flash(problem, "error")
    elif not form.is_submitted():
        try:
            data_to_form(form, rewritten(item))
        except Exception:  # a removed article: start from the question as it is
            data_to_form(form, question_dict(item.question))
    return render_template("bank/form.html", form=form, question=item.question, review=item,
                           rows=side_by_side(item)), 422 if form.is_submitted() else 200
