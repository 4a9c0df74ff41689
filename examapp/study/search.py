"""Full-text search over every statute: portable LIKE matching (SQLite = PostgreSQL), ranked, highlighted."""

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import and_, func, or_, select

from ..extensions import db
from .models import Article, Law
from .services import level_rank

MAX_TERMS = 5
MAX_TERM_CHARS = 40
SNIPPET_CHARS = 80
NOT_IN_FORCE_WEIGHT = 0.5  # an old version still matches, below the version in force


@dataclass
class Hit:
    law: Law
    article: Article
    score: float
    snippet: Markup


def terms_of(query: str) -> list[str]:
    """Split a query into distinct terms (whitespace separates; full-width spaces too)."""
    terms: list[str] = []
    for term in re.split(r"[\s\u3000]+", (query or "").strip().lower()):
        term = term[:MAX_TERM_CHARS]
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def check_query(query: str) -> None:
    """Refuse an empty query."""
    from flask_babel import gettext as _

    from ..errors import Invalid

    if not terms_of(query):
        raise Invalid(_("Type something to search for."))


def term_clause(term: str):
    """One term must occur in the text, chapter or section (lower() on both sides: same on every database)."""
    return or_(*(func.lower(column).contains(term, autoescape=True)
                 for column in (Article.text, Article.chapter, Article.section)))


def score_of(article: Article, law: Law, terms: list[str], phrase: str) -> float:
    text = article.text.lower()
    heading = f"{article.chapter} {article.section}".lower()
    score = sum(text.count(t) + 3 * heading.count(t) for t in terms)
    if len(terms) > 1 and phrase in text:
        score += 5
    return score * (1.0 if law.is_in_force else NOT_IN_FORCE_WEIGHT)


def search(query: str, *, limit: int = 50, in_force_only: bool = False) -> list[Hit]:
    """Articles containing every term, best first; each with a highlighted snippet."""
    terms = terms_of(query)
    if not terms:
        return []
    stmt = select(Article, Law).join(Law).where(and_(*(term_clause(t) for t in terms)))
    if in_force_only:
        stmt = stmt.where(Law.is_in_force.is_(True))
    phrase = "".join(terms)
    hits = [Hit(law, article, score_of(article, law, terms, phrase), Markup(""))
            for article, law in db.session.execute(stmt).all()]
    hits.sort(key=lambda h: (-h.score, level_rank(h.law.level), h.law.title, -h.law.version_date.toordinal(),
                             h.article.ordinal))
    for hit in hits[:limit]:  # snippets only for what is shown
        hit.snippet = snippet(hit.article.text, terms)
    return hits[:limit]


def count_matches(query: str) -> int:
    terms = terms_of(query)
    if not terms:
        return 0
    return db.session.scalar(select(func.count(Article.id)).where(and_(*(term_clause(t) for t in terms)))) or 0


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape text, then wrap every occurrence of a term in <mark> (longest term first)."""
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> Markup:
    """A window of the text around the first match, with the matches marked."""
    flat = re.sub(r"\s+", " ", text)
    lowered = flat.lower()
    positions = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    first = min(positions) if positions else 0
    start = max(0, first - width // 3)
    end = min(len(flat), start + width)
    piece = flat[start:end]
    body = highlight(piece, terms)
    return (Markup("…") if start else Markup("")) + body + (Markup("…") if end < len(flat) else Markup(""))


def citation_target(query: str):
    """If the whole query is a citation of an existing article (行政处罚法 33), return it, else None."""
    return citation_lookup(query)[0]


def citation_lookup(query: str):
    """Return (citation or None, message): the message says why a query that cites a law found no article."""
    from ..errors import Invalid
    from .citations import find_citations

    text = (query or "").strip()
    try:
        found = find_citations(text, check=True)
    except Invalid as exc:
        return None, exc.message if exc.code == "unknown_article" else ""
    if found and found[0].start == 0 and found[0].end >= len(text.rstrip("。.，, ")):
        return found[0], ""
    return None, ""
