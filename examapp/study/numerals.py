"""Chinese numerals <-> int (第一百四十三条 = 143)."""

import re

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CHARS = "".join(DIGITS) + "".join(UNITS)
NUMERAL_RE = f"[{CHARS}]+"
_CN = "零一二三四五六七八九"
_ARTICLE_LABEL = re.compile(rf"^第({NUMERAL_RE}|\d+)条(?:之({NUMERAL_RE}))?$")


def cn_to_int(text: str) -> int:
    """Parse a Chinese numeral such as 一百零三 or 十五 (raise ValueError if it is not one)."""
    text = text.strip()
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in DIGITS:
            current = DIGITS[char]
        elif char in UNITS:
            total += (current or 1) * UNITS[char]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


def int_to_cn(number: int) -> str:
    """Write a positive int below 10000 the way statutes number articles (一百零三, 十五)."""
    if not 0 < number < 10000:
        raise ValueError(f"out of range: {number}")
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(_CN[digit] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def article_label(number: int, suffix: int = 0) -> str:
    """Return 第三十三条 (or 第三十三条之一 for an inserted article)."""
    label = f"第{int_to_cn(number)}条"
    return f"{label}之{int_to_cn(suffix)}" if suffix else label


def parse_article_label(label: str) -> tuple[int, int]:
    """Parse 第三十三条 / 第33条 / 第三十三条之一 into (number, suffix)."""
    match = _ARTICLE_LABEL.match(label.strip())
    if not match:
        raise ValueError(f"not an article label: {label!r}")
    return cn_to_int(match.group(1)), cn_to_int(match.group(2)) if match.group(2) else 0
