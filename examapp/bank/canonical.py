"""One canonical form per fill-in answer, so blanks are judged by meaning rather than spelling.

Pure functions, no database. `canonical(a) == canonical(b)` means a marker must treat the two
answers alike: 七日 = 7日 = 7天, 十二个月 = 一年 = 1年, 2021-07-15 = 二〇二一年七月十五日. Legally different
answers stay apart: 七个工作日 ≠ 七日, 七日 ≠ 十五日, 六月 (June) ≠ 六个月.
"""

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from ..study.numerals import DIGITS, cn_to_int

# Characters that make up a Chinese number; 万 and 亿 are handled on top of numerals.cn_to_int.
_CN_RUN = re.compile(f"[{''.join(DIGITS)}十百千][{''.join(DIGITS)}十百千万亿]*")
_BIG = (("亿", 10**8), ("万", 10**4))
_SPACE = re.compile(r"\s+")
# Trailing/leading punctuation a writer adds without meaning anything (after NFKC folding).
_EDGE = "。.,，、;；:：!！?？\"'“”‘’「」『』…~～"
_ARABIC_BIG = re.compile(r"(\d+(?:\.\d+)?)(万|亿)")
_DATE_CN = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]")
_DATE_SEP = re.compile(r"(?<![\d.])(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?![\d.])")
_YEAR_MONTH = re.compile(r"(\d{4})年(\d{1,2})月(?!\d)")
_WORKDAYS = re.compile(r"(\d+)个?工作日")
_DAYS = re.compile(r"(\d+)个?[日天](?!\d)")
_HOURS = re.compile(r"(\d+)个?(?:小时|钟头)")
_MONTHS = re.compile(r"(?<![\d.])(?:(\d+)年(?:(半)|零?(\d+)个月)?|(半)年|(\d+)个(半)?月|(半)个月)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PERCENT = re.compile(r"100分之(\d+(?:\.\d+)?)")
_FRACTION = re.compile(r"(?<![\d.])(\d+)分之(\d+)")
_RANGE = re.compile(r"(?<=\d)(?:至|到|~|—|–)(?=\d)")
_TITLE_MARKS = re.compile(r"[《》〈〉]")


def cn_number(text: str) -> int:
    """Parse a Chinese numeral: positional (一百零三, 五万, 两千) or digit by digit (二〇二一, 二○二一)."""
    if not any(unit in text for unit in "十百千万亿"):
        return int("".join(str(DIGITS[char]) for char in text))
    for char, scale in _BIG:
        if char in text:
            high, _, low = text.partition(char)
            return (cn_number(high) if high else 1) * scale + (cn_number(low) if low else 0)
    return cn_to_int(text)


def _arabic(match: re.Match) -> str:
    try:
        return str(cn_number(match.group(0)))
    except (KeyError, ValueError):
        return match.group(0)


def _scale(match: re.Match) -> str:
    whole, _, fraction = match.group(1).partition(".")
    zeros = 8 if match.group(2) == "亿" else 4
    if len(fraction) > zeros:  # 1.23456万 is not a whole number: leave it as written
        return match.group(0)
    return _plain(whole + fraction.ljust(zeros, "0"))


def _plain(number: str) -> str:
    """Write a number without padding zeros (07 -> 7, 1.50 -> 1.5, 2.0 -> 2)."""
    whole, _, fraction = number.partition(".")
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _months(match: re.Match) -> str:
    years, half_after_years, extra_months, half_year, months, half_month, half_only = match.groups()
    if years is not None and int(years) >= 1000:  # a calendar year such as 2021年, not a duration
        return match.group(0)
    half = Decimal("0.5")
    if years is not None:
        total = Decimal(12 * int(years) + (6 if half_after_years else int(extra_months or 0)))
    elif half_year:
        total = Decimal(6)
    elif months is not None:
        total = int(months) + (half if half_month else Decimal(0))
    else:
        total = half if half_only else Decimal(0)
    return f"{_plain(str(total))}个月"


def _ymd(year: str, month: str, day: str, written: str) -> str:
    """Y-M-D without zero padding, or the text as written when it is no calendar date."""
    return f"{int(year)}-{int(month)}-{int(day)}" if 1 <= int(month) <= 12 and 1 <= int(day) <= 31 else written


def _dates(text: str) -> str:
    """Write full dates as Y-M-D and year-months as Y-M, whatever the separators or zero padding."""
    text = _DATE_CN.sub(lambda m: _ymd(m[1], m[2], m[3], m[0]), text)
    text = _DATE_SEP.sub(lambda m: _ymd(m[1], m[3], m[4], m[0]), text)
    return _YEAR_MONTH.sub(lambda m: f"{int(m[1])}-{int(m[2])}", text)


def canonical(value: object) -> str:
    """Return the canonical form of one fill-in answer (empty when nothing was written)."""
    return _canonical_text(str(value if value is not None else ""))


@lru_cache(maxsize=8192)  # keys repeat across every paper of an exam and every regrade
def _canonical_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _TITLE_MARKS.sub("", _SPACE.sub("", text).casefold()).strip(_EDGE)
    text = _dates(_CN_RUN.sub(_arabic, text))
    text = _ARABIC_BIG.sub(_scale, text)
    text = _NUMBER.sub(lambda m: _plain(m.group(0)), text)
    text = _WORKDAYS.sub(lambda m: f"{int(m[1])}工作日", text)
    text = _DAYS.sub(lambda m: f"{int(m[1])}日", text)
    text = _HOURS.sub(lambda m: f"{int(m[1])}小时", text)
    text = _FRACTION.sub(lambda m: f"{m[2]}/{m[1]}", _PERCENT.sub(r"\1%", text))
    return _MONTHS.sub(_months, _RANGE.sub("-", text))


def same_answer(a: object, b: object) -> bool:
    """True when two written answers mean the same (neither empty)."""
    left = canonical(a)
    return left != "" and left == canonical(b)


def accepts(alternatives, answer: object) -> bool:
    """True when the answer means the same as one of a blank's accepted alternatives."""
    given = canonical(answer)
    return given != "" and any(given == canonical(form) for form in alternatives or [])


def trial(key: list, answers: list) -> list[dict]:
    """For each blank: the typed answer, whether it would score, and the accepted form it means."""
    rows = []
    for index, alternatives in enumerate(key):
        given = answers[index] if index < len(answers) else ""
        form = canonical(given)
        match = next((a for a in alternatives if form and canonical(a) == form), None)
        rows.append({"answer": given, "accepted": match is not None, "matches": match})
    return rows
