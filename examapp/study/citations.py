"""Find statute citations in text: 《中华人民共和国行政处罚法》第三十三条, 行政处罚法第33条, 行政处罚法 33."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from .aliases import alias_names, family, is_other_law
from .models import Article, Law
from .numerals import NUMERAL_RE, cn_to_int

_NUM = rf"(?:{NUMERAL_RE}|\d+)"
_ARTICLE = rf"第\s*({_NUM})\s*条"
_MORE = rf"(?:\s*[、，,和及与]\s*第\s*{_NUM}\s*条)*"
_BRACKETED = re.compile(rf"《([^《》]{{1,60}})》\s*((?:{_ARTICLE}(?:第{_NUM}款)?(?:第{_NUM}项)?){_MORE})")
_NAME_TAIL = r"[\u4e00-\u9fff]{1,30}?(?:宪法|法|条例|规定|办法)"
_PLAIN = re.compile(rf"({_NAME_TAIL})\s*((?:{_ARTICLE}(?:第{_NUM}款)?(?:第{_NUM}项)?){_MORE}|\s\s*\d+(?!\d))")
_LEADING_WORDS = re.compile(r"^(?:依照|依据|根据|按照|违反|适用|参照|对照|见|和|及|与|以及|学习|查看|的)+")
_SELF_REFERENCES = ("本法", "该法", "此法", "本条例", "该条例", "本规定", "本办法")


@dataclass
class Citation:
    slug: str
    number: int
    start: int
    end: int


def known_names() -> dict[str, str]:
    """Map every full and short title, and every common alias (aliases.py), to the slug in force."""
    names: dict[str, str] = {}
    in_force: dict[str, str] = {}
    rows = db.session.execute(select(Law.title, Law.short_title, Law.slug, Law.is_in_force)
                              .order_by(Law.is_in_force, Law.version_date)).all()
    for title, short, slug, _in_force in rows:  # later rows (in force, newest) win
        names[title] = slug
        names[short] = slug
        in_force[family(slug)] = slug
    return {**alias_names(in_force), **names}


def resolve_name(name: str, names: dict[str, str]) -> str | None:
    """Return the slug for a cited name, trying shorter tails of it ('依照行政处罚法' -> 行政处罚法)."""
    name = re.sub(r"\s+", "", name)
    if is_other_law(name):  # 治安管理处罚法 is not 处罚法
        return None
    if name in names:
        return names[name]
    for start in range(1, len(name)):
        if name[start:] in names:
            return names[name[start:]]
    return None


def article_numbers(part: str) -> list[int]:
    """The article numbers in '第三十三条、第三十四条' or ' 33'."""
    found = re.findall(rf"第\s*({_NUM})\s*条", part)
    if not found:
        found = re.findall(r"\d+", part)[:1]
    return [cn_to_int(n) for n in found]


def scan(text: str) -> list[tuple[str, list[int], int, int]]:
    """Return (cited name, article numbers, start, end) for every citation, in order, without the DB."""
    hits, taken = [], []
    for match in _BRACKETED.finditer(text):
        hits.append((match.group(1), article_numbers(match.group(2)), match.start(), match.end()))
        taken.append((match.start(), match.end()))
    for match in _PLAIN.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        name = _LEADING_WORDS.sub("", match.group(1))
        if name.endswith(_SELF_REFERENCES):  # 本法第三条 inside a statute refers to itself
            continue
        hits.append((name, article_numbers(match.group(2)), match.start(1) + len(match.group(1)) - len(name),
                     match.end()))
    return sorted(hits, key=lambda hit: hit[2])


def find_citations(text: str, *, check: bool = True) -> list[Citation]:
    """Resolve every citation in text; raise Invalid for an unknown law or a missing article."""
    names = known_names()
    found: list[Citation] = []
    for name, numbers, start, end in scan(text or ""):
        slug = resolve_name(name, names)
        if slug is None:
            raise Invalid(_("Citation of a law not in the library: %(name)s", name=name), code="unknown_law")
        for number in numbers:
            if check and not article_exists(slug, number):
                raise Invalid(_("%(law)s has no article %(number)s.", law=name, number=number),
                              code="unknown_article")
            found.append(Citation(slug, number, start, end))
    return found


def parse_citations(text: str) -> list[tuple[str, int]]:
    """Return (law slug, article number) for each citation, resolving names to the version in force."""
    result: list[tuple[str, int]] = []
    for citation in find_citations(text):
        if (citation.slug, citation.number) not in result:
            result.append((citation.slug, citation.number))
    return result


def article_exists(slug: str, number: int) -> bool:
    return db.session.scalar(select(Article.id).join(Law).where(
        Law.slug == slug, Article.number == number, Article.suffix == 0)) is not None


def law_named(query: str) -> str | None:
    """Return the slug in force when the whole query names a statute (《复议法》, 处罚法), else None."""
    name = re.sub(r"[\s《》]+", "", query or "")
    if not name or is_other_law(name):
        return None
    return known_names().get(name)
