"""The statute library as the bank sees it: laws, articles and citation parsing.

Uses the study domain (examapp.study) when it is installed; otherwise reads the shipped
Markdown statutes directly, so the bank's rules and tests work on their own.
"""

import csv
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _

from ..errors import Invalid
from ..study.numerals import cn_to_int

LAWS_DIR = Path(__file__).resolve().parent.parent / "materials" / "laws"
ARTICLE_RE = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条\s")
CITE_RE = re.compile(r"(?:《([^》]+)》|([\u4e00-\u9fff]{2,30}?(?:法|条例|规定|办法)))?\s*"
                     r"第([0-9０-９零〇一二两三四五六七八九十百千]+)条")


@dataclass(frozen=True)
class ArticleInfo:
    slug: str
    number: int
    chapter: str
    text: str


def cn_number(text: str) -> int:
    """Turn 一百四十三, 143 or full-width digits into 143 (the study domain owns the numeral rule)."""
    return cn_to_int(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


@lru_cache(maxsize=1)
def manifest() -> list[dict]:
    with open(LAWS_DIR / "MANIFEST.tsv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@lru_cache(maxsize=64)
def markdown_articles(slug: str) -> dict[int, ArticleInfo]:
    """Read one shipped statute file into {number: article}."""
    path = LAWS_DIR / f"{slug}.md"
    if not path.is_file():
        return {}
    articles: dict[int, list] = {}
    chapter, current = "", None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            chapter, current = line[3:].strip(), None
        elif (match := ARTICLE_RE.match(line)) is not None:
            current = cn_number(match.group(1))
            articles[current] = [chapter, [line]]
        elif current is not None and line.strip() and not line.startswith("#"):
            articles[current][1].append(line)
    return {n: ArticleInfo(slug, n, ch, "\n".join(lines)) for n, (ch, lines) in articles.items()}


_CACHE: dict | None = None


def study_available() -> bool:
    try:
        from ..study import services  # noqa: F401
    except ImportError:
        return False
    return hasattr(services, "find_article")


@contextmanager
def request_context():
    """Messages are translated per request: give CLI runs and loaders one (default language)."""
    from flask import current_app, has_request_context

    if has_request_context():
        yield
        return
    with current_app.test_request_context():
        yield


@contextmanager
def cached():
    """Within this block, read the whole library once instead of one query per article."""
    global _CACHE
    outer = _CACHE
    if outer is None:
        _CACHE = load_all()
    try:
        yield
    finally:
        _CACHE = outer


def load_all() -> dict:
    if not study_available():
        return {"laws": {r["slug"] for r in manifest()}, "articles": {}}
    from ..extensions import db
    from ..study.models import Article, Law

    laws = {slug for (slug,) in db.session.query(Law.slug)}
    rows = db.session.query(Law.slug, Article.number, Article.chapter, Article.text).join(
        Article, Article.law_id == Law.id).filter(Article.suffix == 0)
    return {"laws": laws, "articles": {(s, n): ArticleInfo(s, n, c or "", t or "") for s, n, c, t in rows}}


def find_article(slug: str, number: int) -> ArticleInfo | None:
    """Return one article of a law version from the library, or None."""
    if _CACHE is not None and study_available():
        return _CACHE["articles"].get((slug, number))
    if study_available():
        from ..study.services import find_article as study_find

        article = study_find(slug, number)
        if article is None:
            return None
        return ArticleInfo(slug, number, article_chapter(article), getattr(article, "text", "") or "")
    return markdown_articles(slug).get(number)


def article_chapter(article) -> str:
    """Read the chapter title from a study Article."""
    value = getattr(article, "chapter", "")
    return value if isinstance(value, str) else getattr(value, "title", "")


def law_exists(slug: str) -> bool:
    if _CACHE is not None:
        return slug in _CACHE["laws"]
    if study_available():
        from ..extensions import db
        from ..study.models import Law

        return db.session.query(Law.id).filter(Law.slug == slug).first() is not None
    return any(row["slug"] == slug for row in manifest())


def law_slugs() -> list[str]:
    if study_available():
        from ..extensions import db
        from ..study.models import Law

        return sorted(slug for (slug,) in db.session.query(Law.slug))
    return sorted(row["slug"] for row in manifest())


def parse_citations(text: str) -> list[tuple[str, int]]:
    """Parse 《行政处罚法》第33条、第三十四条 into [(slug, 33), (slug, 34)]; raise Invalid."""
    if not study_available():
        return fallback_citations(text)
    from ..study import citations

    if _CACHE is None:
        return citations.parse_citations(text)
    # Bulk imports: resolve names from one cached table; validation checks that articles exist.
    if "names" not in _CACHE:
        _CACHE["names"] = citations.known_names()
    names = _CACHE["names"]
    found: list[tuple[str, int]] = []
    for name, numbers, _start, _end in citations.scan(text or ""):
        slug = citations.resolve_name(name, names)
        if slug is None:
            raise Invalid(_("Unknown law in citation: %(name)s", name=name), code="unknown_law")
        found += [(slug, n) for n in numbers if (slug, n) not in found]
    return found


def fallback_citations(text: str) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    slug = None
    for match in CITE_RE.finditer(text):
        title = match.group(1) or match.group(2)
        if title:
            slug = slug_for_title(title)
            if slug is None:
                raise Invalid(f"未知的法律：{title}")
        if slug is None:
            raise Invalid(f"无法识别法律依据：{text}")
        found.append((slug, cn_number(match.group(3))))
    if not found:
        raise Invalid(f"无法识别法律依据：{text}")
    return found


SLUG_CITE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*:\d+$")


def parse_basis_text(text: str) -> list[tuple[str, int]]:
    """Parse either "slug:33; slug:34" (exact versions) or Chinese citations."""
    parts = [p for p in re.split(r"[,，;；、\s]+", text.strip()) if p]
    if parts and all(SLUG_CITE_RE.match(p) for p in parts):
        return [(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in parts]
    found = parse_citations(text)
    if not found:
        raise Invalid(_("No law and article recognised (write e.g. 《行政处罚法》第三十三条)."))
    return found


def law_title(slug: str) -> str:
    """The law's title (one query per request for all of them; pages call this per row)."""
    if study_available():
        from flask import g, has_app_context

        from ..extensions import db
        from ..study.models import Law

        titles = g.get("bank_law_titles") if has_app_context() else None
        if titles is None:
            titles = dict(db.session.query(Law.slug, Law.title))
            if has_app_context():
                g.bank_law_titles = titles
        return titles.get(slug) or slug
    return next((r["title"] for r in manifest() if r["slug"] == slug), slug)


def basis_text(basis: list[dict]) -> str:
    """Write a basis readably; a law that is not the newest version keeps its exact slug."""
    groups: dict[str, list[int]] = {}
    for entry in basis:
        groups.setdefault(entry["law"], []).append(entry["article"])
    parts = []
    for slug, numbers in groups.items():
        title = law_title(slug)
        if title != slug and slug_for_title(title) == slug:
            parts.append(f"《{title}》" + "、".join(f"第{n}条" for n in numbers))
        else:
            parts.append("；".join(f"{slug}:{n}" for n in numbers))
    return "；".join(parts)


def slug_for_title(title: str) -> str | None:
    """Return the newest version's slug for a full or short law title."""
    title = title.strip().removeprefix("中华人民共和国")
    rows = [r for r in manifest() if r["title"].removeprefix("中华人民共和国") == title]
    return max(rows, key=lambda r: r["version_date"])["slug"] if rows else None
