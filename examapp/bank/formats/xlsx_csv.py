"""The spreadsheet template (.xlsx and .csv): what people actually type, row by row."""

import re
import unicodedata

from flask_babel import gettext as _

from ...errors import Invalid
from ...uploads import FORMULA_PREFIXES, Sheet
from .. import library
from . import Parsed, ParseResult

KEYS = "ABCDEFGH"
OPTION_COLUMNS = tuple(f"选项{k}" for k in KEYS)
HEADER = ("题型", "题干", *OPTION_COLUMNS[:6], "答案", "解析", "法律依据", "难度", "标签")
EXTRA = ("编号", "适用对象", "状态", *OPTION_COLUMNS[6:])
REQUIRED = ("题型", "题干", "答案")
ERROR_COLUMN = "错误说明"
TYPE_NAMES = {"单选": "single", "多选": "multiple", "判断": "true_false", "填空": "blank", "案例": "case",
              "案例分析": "case", "单项选择": "single", "多项选择": "multiple"}
TYPE_LABELS = {"single": "单选", "multiple": "多选", "true_false": "判断", "blank": "填空", "case": "案例分析"}
SUB_PREFIX = "案例-"
TRUE_WORDS = {"正确", "对", "√", "✓", "✔", "t", "true", "是", "y", "yes"}
FALSE_WORDS = {"错误", "错", "×", "✗", "✘", "x", "f", "false", "否", "n", "no"}
DIFFICULTY_WORDS = {"易": 1, "容易": 1, "简单": 1, "较易": 2, "中": 3, "中等": 3, "一般": 3, "较难": 4,
                    "难": 5, "困难": 5}
AUDIENCE_WORDS = {"": "all", "全体": "all", "所有人": "all", "全部": "all", "all": "all", "领导干部": "leaders",
                  "leaders": "leaders", "执法人员": "enforcement", "enforcement": "enforcement",
                  "网格员": "grid", "grid": "grid"}
AUDIENCE_LABELS = {"all": "全体", "leaders": "领导干部", "enforcement": "执法人员", "grid": "网格员"}
STATUS_WORDS = {"": "active", "启用": "active", "有效": "active", "active": "active", "草稿": "draft",
                "draft": "draft", "停用": "retired", "已停用": "retired", "retired": "retired"}
STATUS_LABELS = {"active": "启用", "draft": "草稿", "retired": "停用"}
SPLIT_RE = re.compile(r"[,，、;；\s]+")


def check_header(header: list[str]) -> None:
    """Refuse a header lacking required columns or carrying unknown ones."""
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name and name not in HEADER + EXTRA + (ERROR_COLUMN,)]
    if missing or unknown:
        raise Invalid(_("Row 1: wrong header (missing: %(missing)s; unknown: %(unknown)s). Expected: %(expected)s.",
                        missing="、".join(missing) or "-", unknown="、".join(unknown) or "-",
                        expected="、".join(HEADER)))


def parse(sheet: Sheet) -> ParseResult:
    """Turn spreadsheet rows into question dicts; case sub-question rows join the case above."""
    check_header(sheet.header)
    result = ParseResult(kind=sheet.kind)
    case: Parsed | None = None
    for row, record in sheet.records():
        record = {k: plain(v) for k, v in record.items()}
        try:
            kind, is_sub = question_type(record.get("题型", ""))
            if is_sub:
                if case is None:
                    raise ValueError(_("A case sub-question row must follow a 案例分析 row."))
                case.data["subquestions"].append(row_content(record, kind))
                continue
            data = row_question(record, kind)
        except ValueError as exc:
            result.error(row, str(exc))
            case = None if not str(record.get("题型", "")).startswith(SUB_PREFIX[:2]) else case
            continue
        parsed = Parsed(row, data)
        result.items.append(parsed)
        case = parsed if kind == "case" else None
    return result


def plain(value: str) -> str:
    """Cells are text: drop the apostrophe our export adds before =, +, - and @."""
    value = (value or "").strip()
    if value.startswith("'") and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value


def question_type(text: str) -> tuple[str, bool]:
    text = unicodedata.normalize("NFKC", text).strip()
    is_sub = text.startswith(SUB_PREFIX) or (text.startswith("案例") and text[2:].strip("-·—") in
                                               ("单选", "多选", "判断", "单选题", "多选题", "判断题"))
    name = text.removeprefix(SUB_PREFIX) if text.startswith(SUB_PREFIX) else (text[2:].strip("-·—") if is_sub else text)
    name = name.removesuffix("题")
    if name not in TYPE_NAMES:
        raise ValueError(_("Unknown question type %(value)s.", value=text or "-"))
    return TYPE_NAMES[name], is_sub


def row_question(record: dict, kind: str) -> dict:
    data = row_content(record, kind)
    data.update({
        "code": record.get("编号", ""), "difficulty": difficulty(record.get("难度", "")),
        "tags": [t for t in SPLIT_RE.split(record.get("标签", "")) if t],
        "audience": word(AUDIENCE_WORDS, record.get("适用对象", ""), _("audience")),
        "status": word(STATUS_WORDS, record.get("状态", ""), _("status")),
        "subquestions": [] if kind == "case" else None,
    })
    data["law"] = data["basis"][0]["law"] if data["basis"] else ""
    return data


def row_content(record: dict, kind: str) -> dict:
    options = [{"key": KEYS[i], "text": record.get(col, "")} for i, col in enumerate(OPTION_COLUMNS)
               if record.get(col, "")]
    return {"type": kind, "stem": stem_of(record.get("题干", ""), kind), "options": options,
            "answer": answer(kind, record.get("答案", "")), "explanation": record.get("解析", ""),
            "basis": basis(record.get("法律依据", ""))}


def stem_of(text: str, kind: str) -> str:
    """Mark blanks as ____ whether typed as ___, ＿＿ or empty brackets."""
    if kind != "blank":
        return text
    text = re.sub(r"[_＿]{2,}", "____", text)
    if "____" not in text:
        text = re.sub(r"[（(]\s*[）)]", "____", text)
    return text


def answer(kind: str, text: str):
    text = unicodedata.normalize("NFKC", text).strip()
    if kind == "case":
        if text:
            raise ValueError(_("A case question's answer goes on its sub-question rows."))
        return None
    if not text:
        raise ValueError(_("The answer is empty."))
    if kind in ("single", "multiple"):
        letters = [c for c in SPLIT_RE.sub("", text.upper())]
        if not all("A" <= c <= "Z" for c in letters):
            raise ValueError(_("The answer %(value)s must be option letters.", value=text))
        if kind == "single":
            if len(letters) != 1:
                raise ValueError(_("A single-choice answer must be one letter (got %(value)s).", value=text))
            return letters[0]
        return sorted(set(letters))
    if kind == "true_false":
        lowered = text.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise ValueError(_("A true/false answer must be 正确 or 错误 (got %(value)s).", value=text))
    # "\/" and "\|" keep a slash or bar inside an answer (1\/5 is the fraction 1/5).
    return [[unslash(alt) for alt in re.split(r"(?<!\\)/", blank) if alt.strip()]
            for blank in re.split(r"(?<!\\)\|", text)]


def unslash(text: str) -> str:
    return text.replace("\\/", "/").replace("\\|", "|").strip()


def basis(text: str) -> list[dict]:
    if not text.strip():
        return []
    try:
        return [{"law": slug, "article": number} for slug, number in library.parse_basis_text(text)]
    except Invalid as exc:
        raise ValueError(_("Legal basis %(value)s: %(why)s", value=text, why=exc.message)) from None


def difficulty(text: str) -> int:
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return 3
    if text in DIFFICULTY_WORDS:
        return DIFFICULTY_WORDS[text]
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    raise ValueError(_("Difficulty must be 1–5 or 易/中/难 (got %(value)s).", value=text))


def word(table: dict, text: str, what: str) -> str:
    key = text.strip().lower()
    if key not in table:
        raise ValueError(_("Unknown %(what)s %(value)s.", what=what, value=text))
    return table[key]
