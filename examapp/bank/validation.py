"""The question rules, in one place: structure, keys, answers and legal basis."""

import hashlib
import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import library
from .canonical import canonical
from .models import AUDIENCES, STATUSES, SUB_TYPES, TYPES

BLANK = "____"
KEYS = "ABCDEFGH"
CHOICE = ("single", "multiple")
LABELS = {"stem": _l("Stem"), "explanation": _l("Explanation"), "tags": _l("Tags"), "options": _l("Options"),
          "basis": _l("Legal basis"), "subquestions": _l("Sub-questions")}


def validate_question(data: dict) -> list[str]:
    """Return every problem with one question dict (empty when it is valid)."""
    problems = check_shapes(data)
    if problems:  # the checks below read these fields as text, lists and objects
        return problems
    problems = check_content(data, TYPES)
    if data.get("difficulty") not in (1, 2, 3, 4, 5):
        problems.append(_("Difficulty must be 1 to 5."))
    if data.get("audience", "all") not in AUDIENCES:
        problems.append(_("Unknown audience %(value)s.", value=data.get("audience")))
    if data.get("status", "active") not in STATUSES:
        problems.append(_("Unknown status %(value)s.", value=data.get("status")))
    if data.get("type") == "case":
        problems += check_case(data)
    return problems


def check_shapes(data: dict) -> list[str]:
    """The kind of value each field holds (text, a list of texts, a list of objects), e.g. from a JSON body."""
    problems = []
    for field in ("stem", "explanation"):
        if not isinstance(data.get(field) or "", str):
            problems.append(_("%(field)s must be text.", field=LABELS[field]))
        elif "\x00" in (data.get(field) or ""):
            problems.append(_("%(field)s contains a NUL character.", field=LABELS[field]))
    if not all(isinstance(tag, str) for tag in list_of(data.get("tags"))) or not is_list(data.get("tags")):
        problems.append(_("%(field)s must be a list of texts.", field=LABELS["tags"]))
    subs = data.get("subquestions") if data.get("type") == "case" else None
    for field, value in (("options", data.get("options")), ("basis", data.get("basis")), ("subquestions", subs)):
        if not is_list(value) or not all(isinstance(item, dict) for item in list_of(value)):
            problems.append(_("%(field)s must be a list of items, each with its own fields.", field=LABELS[field]))
    options = [o for o in list_of(data.get("options")) if isinstance(o, dict)]
    if not all(isinstance(o.get("key") or "", str) and isinstance(o.get("text") or "", str) for o in options):
        problems.append(_("Each option's key and text must be text."))
    elif any("\x00" in (o.get("key") or "") + (o.get("text") or "") for o in options):
        problems.append(_("%(field)s contains a NUL character.", field=LABELS["options"]))
    for index, sub in enumerate(list_of(subs), start=1):
        if isinstance(sub, dict):
            problems += [_("Sub-question %(n)s: %(problem)s", n=index, problem=p) for p in check_shapes(sub)]
    return problems


def is_list(value) -> bool:
    return value is None or isinstance(value, list)


def list_of(value) -> list:
    return value if isinstance(value, list) else []


def check_content(data: dict, types: tuple) -> list[str]:
    """Check type, stem, options, answer and basis of a question or sub-question."""
    kind = data.get("type")
    if kind not in types:
        return [_("Unknown question type %(value)s.", value=kind)]
    problems = []
    if not str(data.get("stem") or "").strip():
        problems.append(_("The stem is empty."))
    if kind in CHOICE:
        problems += check_choice(data)
    elif kind == "true_false":
        problems += check_no_options(data)
        if not isinstance(data.get("answer"), bool):
            problems.append(_("A true/false answer must be true or false."))
    elif kind == "blank":
        problems += check_no_options(data) + check_blank(data)
    elif data.get("options"):
        problems.append(_("A case question has no options of its own."))
    problems += check_basis(data.get("basis") or [])
    return problems


def check_no_options(data: dict) -> list[str]:
    if data.get("options"):
        return [_("This question type has no options.")]
    return []


def check_choice(data: dict) -> list[str]:
    options = data.get("options") or []
    problems = []
    if not 2 <= len(options) <= 8:
        return [_("A choice question needs 2 to 8 options (it has %(n)s).", n=len(options))]
    keys = [o.get("key") for o in options]
    if keys != list(KEYS[: len(keys)]):
        problems.append(_("Option keys must be A, B, C… in order without gaps."))
    texts = [normal(o.get("text") or "") for o in options]
    if any(not t for t in texts):
        problems.append(_("An option is empty."))
    elif len(set(texts)) != len(texts):
        problems.append(_("Two options have the same text."))
    answer = data.get("answer")
    if data["type"] == "single":
        if not isinstance(answer, str) or answer not in keys:
            problems.append(_("The answer %(answer)s is not among the options %(keys)s.",
                              answer=show(answer), keys="".join(keys)))
    elif not isinstance(answer, list) or not all(isinstance(a, str) and a in keys for a in answer):
        problems.append(_("The answer %(answer)s is not among the options %(keys)s.",
                          answer=show(answer), keys="".join(keys)))
    elif len(set(answer)) < 2:
        problems.append(_("A multiple-choice answer needs at least two options."))
    return problems


def check_blank(data: dict) -> list[str]:
    answer = data.get("answer")
    if not isinstance(answer, list) or not answer or not all(
        isinstance(b, list) and b and all(isinstance(a, str) and a.strip() for a in b) for b in answer
    ):
        return [_("A fill-in answer needs one or more blanks, each with accepted answers.")]
    markers = str(data.get("stem") or "").count(BLANK)
    if markers != len(answer):
        return [_("The stem has %(markers)s blank(s) (____) but the answer has %(n)s.",
                  markers=markers, n=len(answer))]
    return []


def check_case(data: dict) -> list[str]:
    subs = data.get("subquestions") or []
    if data.get("answer") not in (None, "", []):
        return [_("A case question has no answer of its own; its sub-questions do.")]
    if not 2 <= len(subs) <= 5:
        return [_("A case question needs 2 to 5 sub-questions (it has %(n)s).", n=len(subs))]
    problems = []
    for index, sub in enumerate(subs, start=1):
        for problem in check_content(sub, SUB_TYPES):
            problems.append(_("Sub-question %(n)s: %(problem)s", n=index, problem=problem))
    return problems


def check_basis(basis: list) -> list[str]:
    problems = []
    for entry in basis:
        slug, number = entry.get("law"), entry.get("article")
        if not library.law_exists(slug):
            problems.append(_("The law %(law)s is not in the library.", law=slug))
        elif not isinstance(number, int) or library.find_article(slug, number) is None:
            problems.append(_("Article %(n)s does not exist in %(law)s.", n=number, law=law_name(slug)))
    return problems


def law_name(slug: str) -> str:
    title = library.law_title(slug)
    return f"《{title}》（{slug}）" if title != slug else slug


def question_warnings(data: dict) -> list[str]:
    """Return what is allowed but worth a look (no legal basis, a fill-in form the scorer already accepts)."""
    warnings = [] if data.get("basis") else [_("No legal basis: listed as lacking a basis.")]
    return warnings + redundant_forms(data)


def redundant_forms(data: dict) -> list[str]:
    """Name accepted forms that mean the same as an earlier one of their blank (7日 after 七日)."""
    if data.get("type") != "blank" or not isinstance(data.get("answer"), list):
        return []
    found = []
    for number, forms in enumerate(data["answer"], start=1):
        first: dict[str, str] = {}
        for form in forms if isinstance(forms, list) else []:
            meaning = canonical(form)
            if meaning in first:
                found.append(_("Blank %(n)s: %(form)s means the same as %(other)s, which is enough on its own.",
                               n=number, form=form, other=first[meaning]))
            first.setdefault(meaning, str(form))
    return found


def show(answer) -> str:
    if isinstance(answer, list):
        return "".join(str(a) for a in answer)
    return "" if answer is None else str(answer)


def normal(text: str) -> str:
    """Normalise text for comparison: width, case, spaces and punctuation removed."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", "", text)


def fingerprint(data: dict) -> str:
    """Digest of the stem and option texts (order-free) that identifies a duplicate."""
    parts = [normal(data.get("stem") or "")] + sorted(normal(o.get("text") or "") for o in data.get("options") or [])
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def shingles(data: dict) -> frozenset:
    """Character bigrams of the stem and options, for near-duplicate detection."""
    text = normal(data.get("stem") or "") + "|" + "|".join(sorted(normal(o.get("text") or "")
                                                               for o in data.get("options") or []))
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def similarity(a: frozenset, b: frozenset) -> float:
    """Jaccard similarity of two bigram sets."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def may_be_similar(a: frozenset, b: frozenset, threshold: float) -> bool:
    """False when the sizes alone rule out a similarity of `threshold` (|a ∩ b| / |a ∪ b| <= min / max)."""
    small, large = sorted((len(a), len(b)))
    return large > 0 and small >= threshold * large


def json_expected() -> str:
    """The API's message for a body that is not a JSON object (kept here, in the bank catalogue)."""
    return _("A JSON object is expected.")
