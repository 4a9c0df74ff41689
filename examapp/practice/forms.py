"""Practice forms (Flask-WTF: CSRF on every post) and reading a plain form's answer into the API's shape."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FloatField, HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..bank.models import QuestionVersion


class ConfirmForm(FlaskForm):
    """A button-only form (remove from the book, start a random round): just the CSRF token."""


class AnswerForm(FlaskForm):
    question_id = IntegerField(validators=[InputRequired()])
    mode = HiddenField()
    set = HiddenField()


class SettingsForm(FlaskForm):
    desired_retention = FloatField(
        _l("Desired retention (chance of remembering a question when it comes back for review)"),
        validators=[InputRequired(), NumberRange(0.7, 0.97)])


def field_value(qtype: str, form: MultiDict, name: str, blanks: int = 0):
    """One question's value from form fields named like the API's answer (None when nothing was given)."""
    if qtype == "multiple":
        return sorted(form.getlist(name)) or None
    if qtype == "true_false":
        raw = form.get(name)
        return {"true": True, "false": False}.get(raw) if raw else None
    if qtype == "blank":
        values = [form.get(f"{name}-{n}", "") for n in range(1, blanks + 1)]
        return values if any(v.strip() for v in values) else None
    return form.get(name) or None


def answer_from_form(version: QuestionVersion, form: MultiDict):
    """The answer a no-script form sent, in the JSON API's shape (a case: {"1": .., "2": ..})."""
    if version.type != "case":
        return field_value(version.type, form, "a", len(version.answer or []) if version.type == "blank" else 0)
    given = {str(n): field_value(sub["type"], form, f"a-{n}") for n, sub in enumerate(version.subquestions or [], 1)}
    given = {k: v for k, v in given.items() if v is not None}
    return given or None
