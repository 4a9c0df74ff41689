"""The exam page's questions without a Jinja pass per question.

A 50-question paper cost about 10 ms of Jinja per page load (some 2,400 escapes and 100 macro calls), four
times the rest of the request. The HTML still comes from the `question` macro in exams/_question.html, but
that macro is rendered once per process for each question *shape* (locale, type, points, how many options,
blanks or subquestions) with a marker in place of every per-question value: ids, stem and option texts,
position, answer sequence, and the answer state (which inputs are checked, what each blank holds). A page
then only fills each item's markers: values escaped exactly as Jinja's autoescape escapes them, answer state
computed here as the macro used to. tests/exams/test_paper_html.py renders papers both ways and compares.

Nothing is cached per question or per attempt: a shape holds no content, so a first page load is as cheap as
a reload, and no cached text can outlive a change in the database.
"""

import secrets
from collections.abc import Callable

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from . import bp

TEMPLATE = "exams/_question.html"
_NONCE = secrets.token_hex(8)  # markers no question text can contain by accident
_OPEN, _CLOSE = f"\x00{_NONCE}:", "\x00"
_SHAPES: dict[tuple, "Shape"] = {}
_MAX_SHAPES = 1000  # a few dozen in practice; the bound only guards memory against odd case questions

Fill = Callable[[object, dict], object]  # (paper row, its content) -> the value, escaped by html() in Shape.render
# What the macro's `labels` and `words` hold; translated only when a shape is built, not on every page.
LABELS = {"single": _l("Single choice"), "multiple": _l("Multiple choice"), "true_false": _l("True or false"),
          "blank": _l("Fill in the blank"), "case": _l("Case analysis")}
WORDS = {"pts": _l("%(n)s pts", n="{n}"), "flag": _l("Mark for review"), "true": _l("True"), "false": _l("False")}


class Shape:
    """The macro's HTML for one question shape, as literal pieces between fills (each fill computed once
    per item however often it appears: the question id is in a dozen attributes)."""

    __slots__ = ("texts", "fills", "slots")

    def __init__(self, html: str, fills: list[Fill]):
        parts = html.split(_OPEN)
        self.texts = [parts[0]]
        used: dict[int, int] = {}  # marker -> position in self.fills
        self.slots = []
        for part in parts[1:]:
            index, _, text = part.partition(_CLOSE)
            self.slots.append(used.setdefault(int(index), len(used)))
            self.texts.append(text)
        self.fills = [fills[index] for index in used]

    def render(self, row, content: dict) -> Markup:
        values = [html(fill(row, content)) for fill in self.fills]
        out = [self.texts[0]]
        for slot, text in zip(self.slots, self.texts[1:], strict=True):
            out.append(values[slot])
            out.append(text)
        return Markup("".join(out))


def shape_key(qtype: str, content: dict):
    """What the macro's branches and loops depend on, besides locale, type and points."""
    if qtype in ("single", "multiple"):
        return len(content.get("options") or ())
    if qtype == "blank":
        return content.get("blanks")
    if qtype == "case":
        return tuple((sub.get("type"), len(sub.get("options") or ())) for sub in content.get("subquestions") or ())
    return None


def answer_of(row, content: dict, part: int | None):
    """The answer to the item, or to its subquestion number `part` (0-based), as the macro looked it up."""
    if part is None:
        return row.answer
    return (row.answer or {}).get(str(content["subquestions"][part]["n"]))


def options_of(content: dict, part: int | None) -> list:
    return content["options"] if part is None else content["subquestions"][part]["options"]


def html(value) -> str:
    """As Jinja's autoescape outputs a value: markupsafe's escape, written out for text (a Markup object per
    value cost as much as the rest of a fill)."""
    if type(value) is str:
        return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
                .replace('"', "&#34;"))
    return str(value) if type(value) is int else escape(value)


def option_field(part: int | None, i: int, field: str) -> Fill:
    """Option i's key or text, of the item or of its subquestion number `part` (0-based)."""
    if part is None:
        return lambda row, content: content["options"][i][field]
    return lambda row, content: content["subquestions"][part]["options"][i][field]


def choice_checked(qtype: str, part: int | None, i: int) -> Fill:
    def fill(row, content):
        if part is None:
            value, key = row.answer, content["options"][i]["key"]
        else:
            value, key = answer_of(row, content, part), options_of(content, part)[i]["key"]
        hit = (qtype == "single" and value == key) or (qtype == "multiple" and value and key in value)
        return "checked" if hit else ""
    return fill


def tf_checked(part: int | None, which: bool) -> Fill:
    return lambda row, content: "checked" if answer_of(row, content, part) is which else ""


def blank_value(n: int) -> Fill:
    def fill(row, content):
        answer = row.answer
        return current_app.jinja_env.getitem(answer, n - 1) if answer and len(answer) >= n else ""
    return fill


def translated(lazy: dict) -> dict:
    """A dict of lazy messages as the template's `_()` gives them (translations are markup)."""
    return {key: Markup(str(message)) for key, message in lazy.items()}


def build(template, row, content: dict) -> Shape:
    """Render the macro once with markers for this item's shape."""
    fills: list[Fill] = []

    def mark(fill: Fill) -> Markup:
        fills.append(fill)
        return Markup(f"{_OPEN}{len(fills) - 1}{_CLOSE}")

    def options(qtype: str, part: int | None, count: int) -> list[dict]:
        return [{"key": mark(option_field(part, i, "key")), "text": mark(option_field(part, i, "text")),
                 "checked": mark(choice_checked(qtype, part, i))} for i in range(count)]

    def true_false(part: int | None) -> dict:
        return {"true": mark(tf_checked(part, True)), "false": mark(tf_checked(part, False))}

    qtype = row.type
    skeleton = {"stem": mark(lambda r, c: c["stem"]), "blanks": content.get("blanks"),
                "options": options(qtype, None, len(content.get("options") or ())), "checked": true_false(None)}
    subs = []
    for j, sub in enumerate(content.get("subquestions") or () if qtype == "case" else ()):
        subs.append({"n": mark(lambda r, c, j=j: c["subquestions"][j]["n"]), "type": sub.get("type"),
                     "stem": mark(lambda r, c, j=j: c["subquestions"][j]["stem"]),
                     "options": options(sub.get("type"), j, len(sub.get("options") or ())),
                     "checked": true_false(j)})
    skeleton["subquestions"] = subs
    blanks = (content.get("blanks") or 1) if qtype == "blank" else 0
    item = _Item(question_id=mark(lambda r, c: r.question_id), type=qtype, points=row.points,
                 position=mark(lambda r, c: r.position), answer_seq=mark(lambda r, c: r.answer_seq),
                 flag_checked=mark(lambda r, c: "checked" if r.is_flagged else ""), content=skeleton,
                 blank_values=[mark(blank_value(n)) for n in range(1, blanks + 1)])
    return Shape(str(template.module.question(item, translated(LABELS), translated(WORDS))), fills)


class _Item:
    """What the macro reads of an item (the skeleton's attributes)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


@bp.app_template_global()
def question_renderer() -> Callable[[object], Markup]:
    """A function that renders a paper row (exams.queries.paper_rows) as the macro would."""
    template = current_app.jinja_env.get_template(TEMPLATE)  # a reloaded template gets fresh shapes
    locale = str(get_locale())

    def render(row) -> Markup:
        content = row.content
        key = (template, locale, row.type, str(row.points), shape_key(row.type, content))
        shape = _SHAPES.get(key)
        if shape is None:
            if len(_SHAPES) >= _MAX_SHAPES:
                _SHAPES.clear()
            shape = _SHAPES[key] = build(template, row, content)
        return shape.render(row, content)

    return render


@bp.app_template_global()
def paper(rows) -> Markup:
    """The page's paper: each item's question, after a section heading where the section changes. As the
    Jinja loop over the items that take.html had gave it, whitespace included (test_paper_html compares):
    fifty calls from the template cost more than the questions' own HTML."""
    question = question_renderer()
    template = current_app.jinja_env.get_template(TEMPLATE)
    heading = _SHAPES.get((template, "section"))
    if heading is None:
        heading = _SHAPES[template, "section"] = Shape(str(template.module.section_heading(
            Markup(f"{_OPEN}0{_CLOSE}"))), [lambda r, c: r.section])
    out, section = [], None
    for row in rows:
        out.append("\n      ")
        if row.section and row.section != section:
            out.append(heading.render(row, None))
            section = row.section
        out.append("\n      ")
        out.append(question(row))
        out.append("\n    ")
    return Markup("".join(out))


NAVIGATOR = "exams/_navigator.html"
_NAV_FILLS: list[Fill] = [lambda r, c: r.question_id, lambda r, c: r.position]


@bp.app_template_global()
def navigator(rows) -> Markup:
    """The answer sheet's entries for paper rows, as a Jinja loop over the nav_item macro would give them."""
    template = current_app.jinja_env.get_template(NAVIGATOR)
    out = []
    for row in rows:
        key = (template, row.answer is not None, bool(row.is_flagged))
        shape = _SHAPES.get(key)
        if shape is None:
            item = _Item(question_id=Markup(f"{_OPEN}0{_CLOSE}"), position=Markup(f"{_OPEN}1{_CLOSE}"),
                         answered=key[1], is_flagged=key[2])
            shape = _SHAPES[key] = Shape(str(template.module.nav_item(item)), _NAV_FILLS)
        out.append(shape.render(row, None))
    return Markup("".join(out))
