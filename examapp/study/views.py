"""Statute library pages: index by level, law with contents, article permalinks, comparison, search."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..core.nav import register_nav
from . import services
from .citations import law_named
from .search import citation_lookup, count_matches, search, terms_of
from .versions import added_articles, diff_html, match_articles

bp = Blueprint("study", __name__, url_prefix="/study")
PAGE_SIZE = 30

register_nav("study.library", _l("Statute library"), _l("Read and search the laws you must study"),
             allowed=lambda u: True, order=10)


@bp.route("/")
@login_required
def library():
    return render_template("study/library.html", groups=services.laws_by_level())


@bp.route("/laws/<slug>")
@login_required
def law(slug: str):
    found = services.get_law(slug)
    return render_template("study/law.html", law=found, toc=services.table_of_contents(found),
                           versions=services.other_versions(found))


@bp.route("/laws/<slug>/articles/<int:number>")
@login_required
def article(slug: str, number: int):
    found = services.get_article(slug, number)
    prev, nxt = services.neighbours(found)
    counterparts = [(other, counterpart(found, other)) for other in services.other_versions(found.law)]
    return render_template("study/article.html", law=found.law, article=found, prev=prev, next=nxt,
                           counterparts=counterparts)


def counterpart(article, other_law) -> tuple[int | None, str]:
    """The matching article number in another version, and how it changed."""
    law = article.law
    if other_law.version_date > law.version_date:
        return match_articles(law, other_law).get(article.number, (None, "removed"))
    for old_number, (new_number, status) in match_articles(other_law, law).items():
        if new_number == article.number:
            return old_number, status
    return None, "added"


@bp.route("/laws/<slug>/articles/<int:number>/compare/<other>")
@login_required
def compare(slug: str, number: int, other: str):
    found = services.get_article(slug, number)
    other_law = services.get_law(other)
    if other_law.title != found.law.title or other_law.id == found.law_id:
        abort(404)
    other_number, status = counterpart(found, other_law)
    other_article = services.find_article(other, other_number) if other_number else None
    older_first = other_law.version_date < found.law.version_date
    old, new = (other_article, found) if older_first else (found, other_article)
    old_law, new_law = (other_law, found.law) if older_first else (found.law, other_law)
    diff = diff_html(old.text, new.text) if old and new else None
    return render_template("study/compare.html", article=found, law=found.law, status=status, old=old, new=new,
                           old_law=old_law, new_law=new_law, diff=diff)


@bp.route("/laws/<slug>/changes/<other>")
@login_required
def changes(slug: str, other: str):
    """Every article of an older version against a newer one: same, changed, moved, removed, added."""
    law, other_law = services.get_law(slug), services.get_law(other)
    if other_law.title != law.title or other_law.id == law.id:
        abort(404)
    old, new = (law, other_law) if law.version_date < other_law.version_date else (other_law, law)
    mapping = match_articles(old, new)
    return render_template("study/changes.html", old=old, new=new, mapping=mapping,
                           added=added_articles(mapping, new))


@bp.route("/search")
@login_required
def search_page():
    query = (request.args.get("q") or "").strip()[:200]
    problem = ""
    if query:
        target, problem = citation_lookup(query)
        if target is not None:
            return redirect(url_for("study.article", slug=target.slug, number=target.number))
        if slug := law_named(query):  # 复议法, 《信访条例》: the statute itself
            return redirect(url_for("study.law", slug=slug))
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 40))
    hits = search(query, limit=page * PAGE_SIZE)[(page - 1) * PAGE_SIZE:] if query else []
    if problem:
        flash(problem, "error")
    elif query and not hits:
        flash(_("Nothing found for %(q)s.", q=query), "error")
    total = count_matches(query) if query else 0
    return render_template("study/search.html", query=query, hits=hits, terms=terms_of(query), total=total,
                           page=page, pages=max(1, -(-total // PAGE_SIZE)))


from . import views_cases, views_study  # noqa: E402,F401  (more routes on the same blueprint)
