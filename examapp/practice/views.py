"""Practice pages for every learner: the hub, one question at a time, feedback, the wrong-answer book.

Every page works as plain forms (Post/Redirect/Get); static/js/practice.js makes a question and its
feedback one small JSON request each when scripts run.
"""

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.nav import register_nav
from ..db import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from . import book, picking, serving
from .answering import answer_question, latest_serve
from .forms import AnswerForm, ConfirmForm, answer_from_form
from .models import MODES, PracticeAnswer, PracticeServe
from .options import TYPE_LABELS
from .pool import Filters
from .present import answer_text, basis_articles, key_text, question_json
from .summary import summary

bp = Blueprint("practice", __name__, url_prefix="/practice")

register_nav("practice.index", _l("Practice"), _l("Daily practice, reviews and your wrong-answer book"),
             allowed=lambda u: True, order=11)


def mode_args(mode: str, filters: Filters, set_id: int | None) -> dict:
    """Query arguments that bring the learner back to the same mode, filter or set."""
    args = {"mode": mode, **filters.as_args()}
    if set_id:
        args["set"] = set_id
    return args


def requested_mode() -> tuple[str, Filters, int | None]:
    mode = request.values.get("mode", "filter")
    return (mode if mode in MODES else "filter"), Filters.from_args(request.values), request.values.get("set", type=int)


def sync_book():
    """Bring in wrong exam answers whose review now shows the key; return the time used."""
    now = utcnow()
    book.import_exam_wrongs(current_user, now)
    db.session.commit()
    return now


@bp.route("/")
@login_required
def index():
    now = sync_book()
    from .options import filter_choices

    return render_template("practice/index.html", summary=summary(current_user, now), choices=filter_choices(),
                           form=ConfirmForm())


@bp.route("/question")
@login_required
def question():
    mode, filters, set_id = requested_mode()
    if mode == "random" and not set_id:
        return redirect(url_for("practice.index"))
    served, practice_set = serving.next_question(current_user, utcnow(), mode, filters, set_id)
    db.session.commit()
    set_id = practice_set.id if practice_set else None
    if served is None:
        return render_template("practice/done.html", mode=mode, practice_set=practice_set,
                               score=set_score(practice_set), args=mode_args(mode, filters, set_id))
    form = AnswerForm(question_id=served.question.id, mode=mode, set=set_id or "")
    return render_template("practice/question.html", served=served, mode=mode, form=form, filters=filters,
                           question=question_json(served.question, served.version), types=TYPE_LABELS,
                           types_json=json.dumps({k: str(v) for k, v in TYPE_LABELS.items()}, ensure_ascii=False),
                           args=mode_args(mode, filters, set_id))


def set_score(practice_set) -> tuple[int, int] | None:
    """(right, answered) in a set, for its closing page."""
    if practice_set is None:
        return None
    rows = db.session.scalars(select(PracticeAnswer.is_correct).join(PracticeServe).where(
        PracticeServe.set_id == practice_set.id)).all()
    return sum(1 for ok in rows if ok), len(rows)


@bp.route("/answer", methods=["POST"])
@login_required
def answer():
    form = AnswerForm()
    if not form.validate_on_submit():
        raise Invalid(_("The form expired or was not sent from this site. Reload the page and try again."))
    mode, filters, set_id = requested_mode()
    serve = latest_serve(current_user, form.question_id.data)
    if serve is None:
        raise NotFound(_("This question was not given to you for practice."))
    from ..bank.models import QuestionVersion

    value = answer_from_form(db.session.get(QuestionVersion, serve.version_id), request.form)
    outcome = answer_question(current_user, form.question_id.data, value, utcnow())
    db.session.commit()
    return redirect(url_for("practice.feedback", answer_id=outcome.answer.id, **mode_args(mode, filters, set_id)))


@bp.route("/feedback/<int:answer_id>")
@login_required
def feedback(answer_id: int):
    row = db.session.get(PracticeAnswer, answer_id)
    if row is None or row.user_id != current_user.id:
        raise NotFound(_("The page or item was not found."))
    from .answering import repeat_outcome

    outcome = repeat_outcome(db.session.get(PracticeServe, row.serve_id))
    mode, filters, set_id = requested_mode()
    return render_template("practice/feedback.html", outcome=outcome, version=outcome.version, row=row,
                           articles=basis_articles(outcome.version.basis), key_text=key_text,
                           answer_text=answer_text, args=mode_args(mode, filters, set_id),
                           entry=book.entry_of(current_user.id, row.question_id))


@bp.route("/random", methods=["POST"])
@login_required
def random_round():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("practice.index"))
    made = picking.random_set(current_user, utcnow(), Filters.from_args(request.form))
    db.session.commit()
    return redirect(url_for("practice.question", mode="random", set=made.id))


@bp.route("/book")
@login_required
def wrong_book():
    sync_book()
    law, chapter = (request.args.get("law") or "")[:120], (request.args.get("chapter") or "")[:200]
    rows = book.entries(current_user, law, chapter)
    return render_template("practice/book.html", rows=rows, law=law, chapter=chapter, counts=book.counts(current_user),
                           chapters=book_chapters(law), form=ConfirmForm(), law_titles=law_titles())


def law_titles() -> dict[str, str]:
    from ..study.models import Law

    return dict(db.session.execute(select(Law.slug, Law.short_title)).all())


def book_chapters(law: str) -> list[str]:
    """The chapters of the learner's book entries in one law (for the chapter filter)."""
    if not law:
        return []
    return sorted({row.version.chapter for row in book.entries(current_user, law) if row.version.chapter})


@bp.route("/book/<int:entry_id>/remove", methods=["POST"])
@login_required
def book_remove(entry_id: int):
    if ConfirmForm().validate_on_submit():
        book.remove(current_user, entry_id, utcnow())
        db.session.commit()
        flash(_("The question is out of your wrong-answer book."), "success")
    return redirect(url_for("practice.wrong_book", law=request.form.get("law") or None,
                            chapter=request.form.get("chapter") or None))


@bp.app_template_global("practice_summary")
def practice_summary():
    """The home page's practice figures for the logged-in learner (今日复习, 连续学习, 每日一练)."""
    return summary(current_user, utcnow()) if current_user.is_authenticated else None


@bp.app_template_global("practice_article_count")
def practice_article_count(slug: str, number: int) -> int:
    """How many practice questions cite this article (练一练本条 shows when there are any)."""
    if not current_user.is_authenticated:
        return 0
    from ..bank.models import Question
    from .pool import pool

    stmt = pool(current_user, utcnow(), Filters(article=f"{slug}:{number}")).with_only_columns(Question.id)
    return len(db.session.scalars(stmt).all())


from . import views_staff  # noqa: E402,F401  (mastery and settings on the same blueprint)
