"""Checking a learner's answer against the shape of the frozen question (never against the key)."""

from flask_babel import gettext as _

from ..errors import Invalid
from .models import AttemptItem

MAX_BLANK_CHARS = 200


def parse_ref(ref: str) -> tuple[int, int | None]:
    """Split "123" or a case sub-question "123-2" into (question id, sub number)."""
    head, _sep, tail = str(ref).partition("-")
    if not plain_number(head, 9) or (tail and not plain_number(tail, 4)):
        raise Invalid(_("Unknown question."), code="unknown_question")
    return int(head), (int(tail) if tail else None)


def plain_number(text: str, digits: int) -> bool:
    """ASCII digits only ("²" and "٣" are digits to str.isdigit) and short enough for an integer column."""
    return text.isascii() and text.isdigit() and len(text) <= digits


def option_keys(content: dict) -> set[str]:
    return {o["key"] for o in content.get("options") or []}


def check_value(qtype: str, content: dict, value):
    """Return the value if it fits the question type (None clears the answer), else raise Invalid."""
    if value is None:
        return None
    keys = option_keys(content)
    if qtype == "single" and isinstance(value, str) and value in keys:
        return value
    if qtype == "multiple" and isinstance(value, list) and all(isinstance(v, str) and v in keys for v in value):
        return sorted(set(value)) or None
    if qtype == "true_false" and isinstance(value, bool):
        return value
    if qtype == "blank" and isinstance(value, list) and len(value) == content.get("blanks") and all(
            isinstance(v, str) and len(v) <= MAX_BLANK_CHARS for v in value):
        return value
    raise Invalid(_("This answer does not fit the question."), code="invalid_answer")


def validate_answer(item: AttemptItem, sub: int | None, value):
    """Validate a whole answer, or one case sub-question's answer when sub is given."""
    if item.type != "case":
        if sub is not None:
            raise Invalid(_("Unknown question."), code="unknown_question")
        return check_value(item.type, item.content, value)
    subs = {s["n"]: s for s in item.content.get("subquestions", [])}
    if sub is not None:
        if sub not in subs:
            raise Invalid(_("Unknown question."), code="unknown_question")
        return check_value(subs[sub]["type"], subs[sub], value)
    if value is None:
        return None
    if not isinstance(value, dict) or not all(k.isdigit() and int(k) in subs for k in value):
        raise Invalid(_("This answer does not fit the question."), code="invalid_answer")
    checked = {k: check_value(subs[int(k)]["type"], subs[int(k)], v) for k, v in value.items()}
    return {k: v for k, v in checked.items() if v is not None} or None
