"""One set of rules for a person's details, used by the form, the API and the import."""

import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import Invalid

TEXT_FIELDS = {"name": (_l("Name"), 80, True), "position": (_l("Position"), 80, False),
               "rank": (_l("Rank"), 80, False)}
FLAG_FIELDS = {"is_leader": _l("Leading cadre"), "is_grid_worker": _l("Grid worker"),
               "is_enforcement": _l("Law-enforcement officer")}
PHONE_RE = re.compile(r"^1\d{10}$")


def has_hidden_characters(text: str) -> bool:
    """True for control characters (NUL, CR, LF…) and direction overrides such as U+202E."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def text_problem(field: str, value) -> str | None:
    label, limit, required = TEXT_FIELDS[field]
    if not isinstance(value, str):
        return _("%(field)s must be text.", field=label)
    value = value.strip()
    if required and not value:
        return _("%(field)s must not be empty.", field=label)
    if len(value) > limit:
        return _("%(field)s may have at most %(n)s characters.", field=label, n=limit)
    if has_hidden_characters(value):
        return _("%(field)s contains a control or hidden character (such as a line break).", field=label)
    return None


def phone_problem(value) -> str | None:
    if not isinstance(value, str) or (value.strip() and not PHONE_RE.match(value.strip())):
        return _("The mobile phone must be an 11-digit number starting with 1.")
    return None


def person_problems(fields: dict) -> dict[str, str]:
    """Return {field: message} for every detail that breaks a rule (only the fields given)."""
    problems = {}
    for field, value in fields.items():
        if field in TEXT_FIELDS:
            message = text_problem(field, value)
        elif field == "phone":
            message = phone_problem(value)
        elif field in FLAG_FIELDS:
            message = None if isinstance(value, bool) else _("%(field)s must be true or false.",
                                                              field=FLAG_FIELDS[field])
        elif field == "role":
            message = None if isinstance(value, str) else _("Unknown role.")
        else:
            continue
        if message:
            problems[field] = message
    return problems


def check_person(fields: dict) -> dict:
    """Raise Invalid naming the first bad field; return the fields with text trimmed."""
    problems = person_problems(fields)
    if problems:
        field, message = next(iter(problems.items()))
        raise Invalid(message, code="invalid_field", details={"field": field, "fields": problems})
    return {k: v.strip() if isinstance(v, str) and k in (*TEXT_FIELDS, "phone") else v
            for k, v in fields.items()}
