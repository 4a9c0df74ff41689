"""Reading the statute library: laws by slug, articles, neighbours, levels and versions."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import NotFound
from ..extensions import db
from .models import LEVELS, Article, Law


def find_law(slug: str) -> Law | None:
    """Return the law version with this MANIFEST slug, or None."""
    return db.session.scalar(select(Law).where(Law.slug == slug))


def get_law(slug: str) -> Law:
    """Return the law version with this slug or raise NotFound."""
    law = find_law(slug)
    if law is None:
        raise NotFound(_("No law %(slug)s in the library.", slug=slug))
    return law


def find_article(slug: str, number: int) -> Article | None:
    """Return article `number` (not an inserted 之N article) of the law version `slug`, or None."""
    return db.session.scalar(
        select(Article).join(Law).where(Law.slug == slug, Article.number == number, Article.suffix == 0))


def get_article(slug: str, number: int) -> Article:
    article = find_article(slug, number)
    if article is None:
        raise NotFound(_("No article %(number)s in %(slug)s.", number=number, slug=slug))
    return article


def all_laws() -> list[Law]:
    """Every law version, in force first within a title, by level then title."""
    laws = db.session.scalars(select(Law).order_by(Law.title, Law.version_date.desc())).all()
    return sorted(laws, key=lambda law: (level_rank(law.level), law.title, -law.version_date.toordinal()))


def level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def laws_by_level() -> list[tuple[str, list[Law]]]:
    """Group the library by level (宪法 / 法律 / 行政法规)."""
    groups: dict[str, list[Law]] = {}
    for law in all_laws():
        groups.setdefault(law.level, []).append(law)
    return sorted(groups.items(), key=lambda item: level_rank(item[0]))


def other_versions(law: Law) -> list[Law]:
    """Other versions of the same statute, newest first."""
    return list(db.session.scalars(
        select(Law).where(Law.title == law.title, Law.id != law.id).order_by(Law.version_date.desc())))


def law_in_force(title: str) -> Law | None:
    """Return the version in force of the statute with this full title."""
    return db.session.scalar(select(Law).where(Law.title == title).order_by(
        Law.is_in_force.desc(), Law.version_date.desc()).limit(1))


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """Return the previous and next article in the law's order."""
    prev = db.session.scalar(select(Article).where(
        Article.law_id == article.law_id, Article.ordinal < article.ordinal).order_by(Article.ordinal.desc()).limit(1))
    nxt = db.session.scalar(select(Article).where(
        Article.law_id == article.law_id, Article.ordinal > article.ordinal).order_by(Article.ordinal).limit(1))
    return prev, nxt


def table_of_contents(law: Law) -> list[dict]:
    """Chapters, each with its sections and article numbers, in order."""
    toc: list[dict] = []
    rows = db.session.execute(select(Article.chapter, Article.section, Article.number, Article.suffix, Article.label)
                              .where(Article.law_id == law.id).order_by(Article.ordinal)).all()
    for chapter, section, number, suffix, label in rows:
        if not toc or toc[-1]["title"] != chapter:
            toc.append({"title": chapter, "sections": [], "articles": []})
        entry = {"number": number, "suffix": suffix, "label": label}
        if section:
            sections = toc[-1]["sections"]
            if not sections or sections[-1]["title"] != section:
                sections.append({"title": section, "articles": []})
            sections[-1]["articles"].append(entry)
        else:
            toc[-1]["articles"].append(entry)
    return toc


def refresh_in_force() -> None:
    """Mark the newest version of each statute as in force and the older ones as not."""
    newest = dict(db.session.execute(select(Law.title, func.max(Law.version_date)).group_by(Law.title)).all())
    for law in db.session.scalars(select(Law)):
        law.is_in_force = law.version_date == newest[law.title]
    db.session.flush()


def short_title(title: str) -> str:
    """中华人民共和国行政处罚法 -> 行政处罚法 (the name people cite)."""
    return title.removeprefix("中华人民共和国") or title


def laws_by_id() -> dict[int, Law]:
    return {law.id: law for law in db.session.scalars(select(Law))}
