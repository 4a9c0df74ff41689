"""GIFT, as Moodle documents it: categories, comments, titles, escapes, weights, feedback.

Our own metadata (编号, 法律依据, 难度, 标签, 适用对象) travels in // comment lines just before a
question, which Moodle ignores, so an export reads back here without loss.
"""

import html
import re
from contextvars import ContextVar

from flask_babel import gettext as _

from ...errors import Invalid
from .. import library
from . import Parsed, ParseResult
from .gift_text import after_marker, find_unescaped, split_unescaped, unescape
from .xlsx_csv import AUDIENCE_WORDS, difficulty

KEYS = "ABCDEFGH"
META_RE = re.compile(r"^//\s*(编号|法律依据|难度|标签|适用对象)\s*[:：]\s*(.*)$")
FORMAT_RE = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
QUESTION_FORMAT: ContextVar[str] = ContextVar("gift_format", default="moodle")
TF_RE = re.compile(r"^(T|TRUE|F|FALSE)(?=$|#)")


def blocks(text: str):
    """Yield (first line number, lines) of blank-line separated blocks, keeping open braces together."""
    current: list[tuple[int, str]] = []
    gap = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if gap and line.lstrip().startswith("::") and current:  # a titled question after a blank line is
                yield current  # a new question even when the last one left a brace open (its error says so)
                current = []
            current.append((number, line))
            gap = False
            continue
        gap = True
        if current and not brace_open("\n".join(raw for _n, raw in current)):
            yield current
            current = []
    if current:
        yield current


def brace_open(text: str) -> bool:
    body = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("//"))
    return len(find_unescaped(body, "{")) > len(find_unescaped(body, "}"))


def parse(text: str) -> ParseResult:
    """Parse a GIFT file into question dicts."""
    result = ParseResult(kind="gift")
    category = ""
    for block in blocks(text.lstrip("\ufeff")):
        meta, body, line = {}, [], block[0][0]
        for number, raw in block:
            stripped = raw.strip()
            if stripped.startswith("//"):
                if (match := META_RE.match(stripped)) is not None:
                    meta[match.group(1)] = match.group(2).strip()
                continue
            if not body:
                line = number
            body.append(raw)
        source = "\n".join(body).strip()
        if not source:
            continue
        if source.startswith("$CATEGORY:"):
            category = source.split(":", 1)[1].strip().split("\n")[0].rstrip("/").rsplit("/", 1)[-1]
            continue
        try:
            kind, data = question(source)
        except ValueError as exc:
            result.error(line, str(exc))
            continue
        if data is None:
            result.unsupported.append((line, kind))
            continue
        try:
            apply_meta(data, meta, category)
        except ValueError as exc:
            result.error(line, str(exc))
            continue
        result.items.append(Parsed(line, data))
    return result


def apply_meta(data: dict, meta: dict, category: str) -> None:
    data["code"] = meta.get("编号", "")
    data["difficulty"] = difficulty(meta.get("难度", ""))
    tags = [t for t in re.split(r"[,，、;；\s]+", meta.get("标签", "")) if t]
    data["tags"] = tags or ([category] if category and not category.startswith("$") else [])
    audience = meta.get("适用对象", "").lower()
    if audience not in AUDIENCE_WORDS:
        raise ValueError(_("Unknown %(what)s %(value)s.", what=_("audience"), value=audience))
    data["audience"] = AUDIENCE_WORDS[audience]
    data["basis"] = []
    if meta.get("法律依据"):
        try:
            data["basis"] = [{"law": s, "article": n} for s, n in library.parse_basis_text(meta["法律依据"])]
        except Invalid as exc:
            raise ValueError(_("Legal basis %(value)s: %(why)s", value=meta["法律依据"], why=exc.message)) from None
    data["law"] = data["basis"][0]["law"] if data["basis"] else ""
    data["status"] = "active"


def question(source: str) -> tuple[str, dict | None]:
    """Return (GIFT type, question dict or None when the type is unsupported)."""
    if source.startswith("::"):
        end = find_unescaped(source, "::", start=2)
        if not end:
            raise ValueError(_("The title is not closed with ::."))
        source = source[end[0] + 2:].strip()
    opens = find_unescaped(source, "{")
    if not opens:
        return "description", None
    closes = find_unescaped(source, "}", start=opens[0])
    if not closes:
        raise ValueError(_("The answer block is not closed with }."))
    before, block, after = source[: opens[0]], source[opens[0] + 1: closes[0]], source[closes[0] + 1:]
    if len(opens) > 1 and opens[1] < closes[0]:  # else the rest of the file would pass as one cloze question
        raise ValueError(_("The answer block contains another {: write \\{ for a literal brace, or close the "
                           "first block with }."))
    if find_unescaped(after, "{"):
        return "cloze", None
    match = FORMAT_RE.match(before.strip())
    # Moodle writes [html] once, before the question text; its answers and feedback are HTML too.
    token = QUESTION_FORMAT.set(match.group(1).lower() if match else "moodle")
    try:
        return answers(text_of(before), block.strip(), text_of(after))
    finally:
        QUESTION_FORMAT.reset(token)


def text_of(raw: str) -> str:
    raw = raw.strip()
    match = FORMAT_RE.match(raw)
    kind = QUESTION_FORMAT.get()
    if match:
        raw, kind = raw[match.end():], match.group(1).lower()
    if kind == "html":
        raw = html.unescape(re.sub(r"<[^>]+>", "", raw.replace("<br>", "\\n")))
    return unescape(raw).strip()


def answers(before: str, block: str, after: str) -> tuple[str, dict | None]:
    """Classify the answer block by the GIFT rules and build the question."""
    parts = split_unescaped(block, "####")
    block, general = parts[0].strip(), text_of("####".join(parts[1:])) if len(parts) > 1 else ""
    stem = f"{before}____{after}" if after else before
    base = {"explanation": general, "options": [], "subquestions": None}
    if not block:
        return "essay", None
    if block.startswith("#"):
        return "numerical", None
    if (match := TF_RE.match(block)) is not None:
        return "true/false", {**base, "type": "true_false", "stem": before + after, "answer": match.group(1)[0] == "T"}
    choices = [choice(marker, body) for marker, body in after_marker(block, "=~")]
    if not choices:
        raise ValueError(_("The answer block has no answers."))
    if any(find_unescaped(body, "->") for _m, body in after_marker(block, "=~")):
        return "matching", None
    if all(c["marker"] == "=" for c in choices):
        accepted = [c["text"] for c in choices if c["weight"] >= 100]
        return "short answer", {**base, "type": "blank", "stem": stem if after else f"{before}____",
                                "answer": [accepted], "explanation": general or feedback_of(choices)}
    correct = [c for c in choices if c["marker"] == "=" or c["weight"] > 0]
    options = [{"key": KEYS[i] if i < 8 else str(i), "text": c["text"]} for i, c in enumerate(choices)]
    keys = [o["key"] for o, c in zip(options, choices, strict=True) if c in correct]
    kind = "single" if len(keys) == 1 else "multiple"
    return "multiple choice", {**base, "type": kind, "stem": stem, "options": options,
                               "answer": keys[0] if kind == "single" else keys,
                               "explanation": general or feedback_of(correct)}


def choice(marker: str, body: str) -> dict:
    body = body.strip()
    weight = 100.0 if marker == "=" else 0.0
    if (match := WEIGHT_RE.match(body)) is not None:
        weight = float(match.group(1))
        body = body[match.end():]
    pieces = split_unescaped(body, "#")
    return {"marker": marker, "weight": weight, "text": text_of(pieces[0]),
            "feedback": text_of("#".join(pieces[1:])) if len(pieces) > 1 else ""}


def feedback_of(choices: list[dict]) -> str:
    return "；".join(c["feedback"] for c in choices if c["feedback"])
