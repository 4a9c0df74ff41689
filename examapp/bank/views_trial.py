"""Trial answers for fill-in questions: which inputs would the scorer accept (examiners; nothing is stored)."""

from flask import abort, jsonify, render_template, request
from flask_babel import gettext as _

from ..errors import Invalid
from . import library
from .canonical import trial
from .formats import xlsx_csv
from .forms import ConfirmForm
from .views import bp, get_question, staff

MAX_ANSWER = 200


def read_answers(blanks: int, payload: dict | None) -> list[str]:
    """The typed answers, one per blank, from JSON {"answers": [...]} or the form's `answer` fields."""
    answers = payload.get("answers") if payload is not None else request.form.getlist("answer")
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise Invalid(_("Send the answers as a list of texts, one per blank."))
    if len(answers) != blanks:
        raise Invalid(_("This question has %(n)s blank(s); send one answer for each.", n=blanks))
    if any(len(a) > MAX_ANSWER for a in answers):
        raise Invalid(_("An answer may have at most %(n)s characters.", n=MAX_ANSWER))
    return answers


@bp.route("/questions/<int:question_id>/try", methods=["POST"])
@staff
def try_answer(question_id: int):
    """Mark trial answers against the current key: the detail page with ✓/✗, or JSON when JSON is sent."""
    question = get_question(question_id)
    if question.type != "blank":
        abort(404)
    payload = request.get_json(silent=True) if request.is_json else None
    key = question.current.answer
    try:
        rows = trial(key, read_answers(len(key), payload))
    except Invalid as exc:
        if request.is_json:
            raise
        return render_template("bank/detail.html", question=question, version=question.current,
                               retire_form=ConfirmForm(), law_title=library.law_title, trial_error=exc.message), 422
    if request.is_json:
        return jsonify({"blanks": rows, "all_accepted": all(r["accepted"] for r in rows)})
    return render_template("bank/detail.html", question=question, version=question.current,
                           retire_form=ConfirmForm(), law_title=library.law_title, trial_rows=rows)


@bp.route("/try-blank", methods=["POST"])
@staff
def try_key():
    """Mark trial answers against a key still being edited: {"key": "七日/七个工作日|三日", "answers": [...]}."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("key"), str):
        raise Invalid(_("Send the key as text, blanks separated by | and alternatives by /."))
    try:
        key = xlsx_csv.answer("blank", payload["key"])
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    rows = trial(key, read_answers(len(key), payload))
    return jsonify({"blanks": rows, "all_accepted": all(r["accepted"] for r in rows)})
