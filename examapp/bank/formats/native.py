"""The native YAML/JSON format of question_bank/ (schema 1)."""

import json

import yaml
from flask_babel import gettext as _

from . import Parsed, ParseResult

try:  # libyaml is ten times faster on the whole shipped bank
    from yaml import CSafeLoader as BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as BaseLoader

LINE_KEY = "__line__"


class LineLoader(BaseLoader):
    """Safe loader that records each mapping's first line."""


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def refuse_aliases(text: str) -> None:
    """Raise ValueError at the first alias (*name): nested aliases expand exponentially ("billion laughs").

    Reading the event stream builds nothing, so this pass is linear in the file's size.
    """
    for event in yaml.parse(text, Loader=BaseLoader):
        if isinstance(event, yaml.AliasEvent):
            raise ValueError(_("Line %(line)s: YAML anchors and aliases (& and *) are not allowed in question "
                               "files; write each value out.", line=event.start_mark.line + 1))


def load_document(text: str, is_json: bool) -> dict:
    """Parse YAML (with line numbers) or JSON; raise ValueError with a line."""
    if is_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(_("Line %(line)s: invalid JSON (%(why)s).", line=exc.lineno, why=exc.msg)) from exc
    try:
        refuse_aliases(text)
        return yaml.load(text, Loader=LineLoader)  # noqa: S506  (a safe loader subclass)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        raise ValueError(_("Line %(line)s: invalid YAML (%(why)s).", line=line,
                           why=getattr(exc, "problem", "") or str(exc))) from exc


def parse(text: str, is_json: bool = False) -> ParseResult:
    """Read a schema-1 document into question dicts."""
    result = ParseResult(kind="native")
    try:
        doc = load_document(text, is_json)
    except ValueError as exc:
        result.error(0, str(exc))
        return result
    if not isinstance(doc, dict) or not isinstance(doc.get("questions"), list):
        result.error(1, _("The file must have 'schema: 1' and a 'questions' list."))
        return result
    if doc.get("schema") != 1:
        result.error(doc.get(LINE_KEY, 1), _("Unknown schema %(value)s (expected 1).", value=doc.get("schema")))
        return result
    law = str(doc.get("law") or "")
    for index, raw in enumerate(doc["questions"], start=1):
        line = raw.get(LINE_KEY, index) if isinstance(raw, dict) else index
        try:
            result.items.append(Parsed(line, to_question(raw, law)))
        except ValueError as exc:
            result.error(line, str(exc))
    return result


def to_question(raw, law: str) -> dict:
    """Turn one native entry into the canonical question dict."""
    if not isinstance(raw, dict):
        raise ValueError(_("Each question must be a mapping."))
    data = {
        "code": str(raw.get("code") or "").strip(), "law": law, "type": raw.get("type"),
        "stem": text_of(raw.get("stem")), "explanation": text_of(raw.get("explanation")),
        "difficulty": raw.get("difficulty", 3), "tags": [str(t) for t in raw.get("tags") or []],
        "audience": raw.get("audience") or "all", "status": raw.get("status") or "active",
    }
    data.update(content_of(raw))
    if data["type"] == "case":
        subs = raw.get("subquestions") or []
        if not isinstance(subs, list):
            raise ValueError(_("subquestions must be a list."))
        data["subquestions"] = [sub_question(s) for s in subs]
    return data


def content_of(raw: dict) -> dict:
    """Options, answer and basis of a question or sub-question."""
    options = raw.get("options") or {}
    if isinstance(options, dict):
        options = [{"key": str(k), "text": text_of(v)} for k, v in options.items() if k != LINE_KEY]
    elif isinstance(options, list):
        options = [{"key": "ABCDEFGH"[i] if i < 8 else str(i), "text": text_of(v)} for i, v in enumerate(options)]
    return {"options": options, "answer": answer_of(raw.get("type"), raw.get("answer")),
            "basis": [basis_entry(b) for b in raw.get("basis") or []]}


def sub_question(raw) -> dict:
    if not isinstance(raw, dict):
        raise ValueError(_("Each sub-question must be a mapping."))
    return {"type": raw.get("type"), "stem": text_of(raw.get("stem")), **content_of(raw),
            "explanation": text_of(raw.get("explanation"))}


def answer_of(kind, answer):
    if kind == "single" and answer is not None:
        return str(answer).strip()
    if kind == "multiple" and isinstance(answer, list):
        return [str(a).strip() for a in answer]
    if kind == "multiple" and isinstance(answer, str):
        return [c for c in answer if c.isalpha()]
    if kind == "blank" and isinstance(answer, list):
        return [[text_of(a) for a in (b if isinstance(b, list) else [b])] for b in answer]
    return answer


def basis_entry(entry) -> dict:
    """Accept "slug:33" or {law: slug, article: 33}."""
    if isinstance(entry, dict):
        law, article = entry.get("law"), entry.get("article")
    else:
        law, _sep, article = str(entry).rpartition(":")
    try:
        return {"law": str(law).strip(), "article": int(article)}
    except (TypeError, ValueError):
        raise ValueError(_("Basis %(value)s must be 'law-slug:article-number'.", value=entry)) from None


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def dump(questions: list[dict], law: str) -> str:
    """Write questions in the native YAML format."""
    entries = []
    for q in questions:
        entry = {"code": q["code"], "type": q["type"], "stem": q["stem"]}
        entry.update(native_content(q))
        entry.update({"explanation": q["explanation"], "difficulty": q["difficulty"], "tags": q["tags"],
                      "audience": q["audience"], "status": q.get("status", "active")})
        if q["type"] == "case":
            entry["subquestions"] = [{"type": s["type"], "stem": s["stem"], **native_content(s),
                                      "explanation": s.get("explanation", "")} for s in q["subquestions"]]
        entries.append(entry)
    return yaml.safe_dump({"schema": 1, "law": law, "questions": entries}, allow_unicode=True, sort_keys=False)


def native_content(q: dict) -> dict:
    out = {}
    if q.get("options"):
        out["options"] = {o["key"]: o["text"] for o in q["options"]}
    if q["type"] != "case":
        out["answer"] = q["answer"]
    out["basis"] = [f"{b['law']}:{b['article']}" for b in q.get("basis") or []]
    return out
