"""Between the question form and the question dict: one syntax with the spreadsheet."""

import yaml
from flask_babel import gettext as _

from .formats import native, xlsx_csv
from .forms import QuestionForm

OPTION_FIELDS = tuple(f"option_{k.lower()}" for k in "ABCDEFGH")


def form_to_data(form: QuestionForm, code: str = "") -> tuple[dict | None, list[str]]:
    """Read the form into a question dict, or return the problems in reading it."""
    kind = form.type.data
    record = {"题干": form.stem.data or "", "答案": form.answer.data or "", "解析": form.explanation.data or "",
              "法律依据": form.basis.data or ""}
    for key, name in zip("ABCDEFGH", OPTION_FIELDS, strict=True):
        record[f"选项{key}"] = (getattr(form, name).data or "").strip()
    try:
        data = xlsx_csv.row_content(record, kind)
        data["subquestions"] = subquestions(form.subquestions.data) if kind == "case" else None
    except ValueError as exc:
        return None, [str(exc)]
    data.update({"code": code, "difficulty": form.difficulty.data, "audience": form.audience.data,
                 "status": form.status.data,
                 "tags": [t for t in xlsx_csv.SPLIT_RE.split(form.tags.data or "") if t]})
    data["law"] = data["basis"][0]["law"] if data["basis"] else ""
    return data, []


def subquestions(text: str) -> list[dict]:
    try:
        raw = yaml.safe_load(text or "") or []
    except yaml.YAMLError as exc:
        raise ValueError(_("The sub-questions are not valid YAML (%(why)s).", why=str(exc)[:200])) from None
    if not isinstance(raw, list):
        raise ValueError(_("The sub-questions must be a YAML list."))
    return [native.sub_question(item) for item in raw]


def data_to_form(form: QuestionForm, data: dict) -> None:
    """Fill the form from a question dict."""
    from . import library
    from .export import answer_text

    form.type.data, form.stem.data = data["type"], data["stem"]
    for option in data.get("options") or []:
        getattr(form, f"option_{option['key'].lower()}").data = option["text"]
    form.answer.data = answer_text(data["type"], data.get("answer"))
    form.explanation.data, form.difficulty.data = data.get("explanation", ""), data["difficulty"]
    form.basis.data = library.basis_text(data.get("basis") or [])
    form.tags.data = "、".join(data.get("tags") or [])
    form.audience.data, form.status.data = data.get("audience", "all"), data.get("status", "active")
    if data.get("subquestions"):
        subs = [{"type": s["type"], "stem": s["stem"], **native.native_content(s),
                 "explanation": s.get("explanation", "")} for s in data["subquestions"]]
        form.subquestions.data = yaml.safe_dump(subs, allow_unicode=True, sort_keys=False)
