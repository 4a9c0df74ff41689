"""Parse one statute Markdown file (see materials/laws/README.md) into plain data, or say where it breaks."""

import re
from dataclasses import dataclass, field

from .numerals import NUMERAL_RE, cn_to_int

HEADER_END = "<!-- INFO END -->"
FORCE_BREAK = "<!-- FORCE BREAK -->"
_ARTICLE = re.compile(rf"^第({NUMERAL_RE})条(?:之({NUMERAL_RE}))?[ \u3000\t]+(.*)$")
_HEADING = re.compile(r"^(#{2,3})\s+(.*?)\s*$")
_DIVISION = re.compile(rf"^(第{NUMERAL_RE}[章节编分])\s*(.*)$")
_CLOSERS = "）)」】"
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_PAIRS = {"（": "）", "(": ")", "《": "》", "〈": "〉", "<": ">", "「": "」", "【": "】"}


class LawFormatError(ValueError):
    """A statute file that cannot be loaded; names the file and line."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class ParsedArticle:
    number: int
    suffix: int
    label: str
    chapter: str
    section: str
    paragraphs: list[str]
    line: int

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ParsedLaw:
    title: str
    history: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    articles: list[ParsedArticle] = field(default_factory=list)


def tidy_heading(text: str) -> str:
    """Normalise a chapter title: 第一章  总 则 -> 第一章 总则 (spaces inside titles are only padding)."""
    text = text.replace("\u3000", " ").strip()
    match = _DIVISION.match(text)
    if not match:
        return re.sub(r"\s+", "", text)
    rest = re.sub(r"\s+", "", match.group(2))
    return f"{match.group(1)} {rest}".strip()


def balance_brackets(line: str) -> str:
    """Drop closing brackets that close nothing (a history line ending in a stray ）)."""
    stack: list[str] = []
    out = []
    for char in line:
        if char in _PAIRS:
            stack.append(_PAIRS[char])
        elif char in _CLOSERS or char in _PAIRS.values():
            if stack and stack[-1] == char:
                stack.pop()
            elif char in _CLOSERS:
                continue
        out.append(char)
    return "".join(out)


def parse_header(lines: list[str], path: str) -> tuple[str, list[str], int]:
    """Return the title, the history lines and the index of the first body line."""
    if not lines or not lines[0].startswith("# "):
        raise LawFormatError(path, 1, "第一行必须是以“# ”开头的法规标题")
    title = lines[0][2:].strip()
    entries: list[str] = []
    for index in range(1, len(lines)):
        line = lines[index].strip().replace("\u3000", " ").strip()
        if line == HEADER_END:
            return title, [balance_brackets(e) for e in entries], index + 1
        if not line:
            continue
        if re.match(r"^\d{4}年", line) or not entries:
            entries.append(line)
        else:  # a history entry broken over two lines
            entries[-1] += line
    raise LawFormatError(path, len(lines), f"找不到信息区的结束标记 {HEADER_END}")


def parse_law(text: str, path: str = "<text>") -> ParsedLaw:
    """Parse a whole file; raise LawFormatError naming the line of the first problem."""
    lines = _INVISIBLE.sub("", text.replace("\r\n", "\n")).split("\n")
    title, history, start = parse_header(lines, path)
    law = ParsedLaw(title=title, history=history)
    state = {"chapter": "", "section": "", "in_preamble": False}
    current: ParsedArticle | None = None
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if not line or line == FORCE_BREAK:
            continue
        heading = _HEADING.match(line)
        if heading:
            current = None
            enter_heading(state, heading.group(1), tidy_heading(heading.group(2)))
            continue
        article = _ARTICLE.match(line)
        if article:
            current = new_article(law, state, article, index + 1, path)
            continue
        if current is not None:
            current.paragraphs.append(line)
        elif state["in_preamble"]:
            law.preamble.append(line)
        else:
            raise LawFormatError(path, index + 1, "这段文字不属于任何一条")
    if not law.articles:
        raise LawFormatError(path, len(lines), "没有找到任何条文")
    return law


def enter_heading(state: dict, marks: str, title: str) -> None:
    state["in_preamble"] = title == "序言"
    if state["in_preamble"]:
        state["chapter"] = state["section"] = ""
    elif marks == "##":
        state["chapter"], state["section"] = title, ""
    else:
        state["section"] = title


def new_article(law: ParsedLaw, state: dict, match: re.Match, line: int, path: str) -> ParsedArticle:
    """Start an article after checking it continues the numbering (N, N之一, N之二, N+1 ...)."""
    number = cn_to_int(match.group(1))
    suffix = cn_to_int(match.group(2)) if match.group(2) else 0
    label = match.group(0)[: match.end(2) if match.group(2) else match.end(1)] + ("" if match.group(2) else "条")
    previous = law.articles[-1] if law.articles else None
    expected = [(1, 0)] if previous is None else [(previous.number + 1, 0), (previous.number, previous.suffix + 1)]
    if (number, suffix) not in expected:
        seen = {(a.number, a.suffix) for a in law.articles}
        problem = "条文重复" if (number, suffix) in seen else "条文序号不连续"
        raise LawFormatError(path, line, f"{problem}：{label}（此处应为{describe(expected[0])}）")
    article = ParsedArticle(number, suffix, label, state["chapter"], state["section"],
                            [match.group(3).strip()] if match.group(3).strip() else [], line)
    state["in_preamble"] = False
    law.articles.append(article)
    return article


def describe(key: tuple[int, int]) -> str:
    from .numerals import article_label

    return article_label(*key)
