"""Case studies (以案释法): list, read, finish for credit; admins add and edit."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select

from .. import audit
from ..core.nav import register_nav
from ..db import utcnow
from ..errors import Conflict, Invalid
from ..extensions import db
from ..permissions import ADMIN, roles_required
from .cases import check_case, finish_case, save_case
from .citations import find_citations
from .forms import CaseForm
from .models import CaseCompletion, CaseStudy
from .services import find_article
from .views import bp

register_nav("study.cases", _l("Case studies"), _l("以案释法: real cases from town and village work"),
             allowed=lambda u: True, order=11)


@bp.app_template_filter("link_citations")
def link_citations(text: str) -> Markup:
    """Escape text and turn each statute citation in it into a link to the article."""
    try:
        found = find_citations(text or "", check=True)
    except Invalid:
        return escape(text)
    out, last = [], 0
    for citation in sorted({(c.start, c.end, c.slug, c.number) for c in found}):
        start, end, slug, number = citation
        if start < last:
            continue  # one link per citation span (第三十三条、第三十四条 links the first)
        out.append(escape(text[last:start]))
        url = url_for("study.article", slug=slug, number=number)
        out.append(Markup('<a href="%s">%s</a>') % (url, text[start:end]))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def visible_case(case_id: int) -> CaseStudy:
    case = db.get_or_404(CaseStudy, case_id)
    if not case.is_published and current_user.role != ADMIN:
        abort(404)
    return case


@bp.route("/cases")
@login_required
def cases():
    stmt = select(CaseStudy).order_by(CaseStudy.code)
    if current_user.role != ADMIN:
        stmt = stmt.where(CaseStudy.is_published.is_(True))
    done = set(db.session.scalars(select(CaseCompletion.case_id).where(CaseCompletion.user_id == current_user.id)))
    return render_template("study/cases.html", items=db.session.scalars(stmt).all(), done=done)


@bp.route("/cases/<int:case_id>")
@login_required
def case(case_id: int):
    item = visible_case(case_id)
    done = db.session.scalar(select(CaseCompletion).where(
        CaseCompletion.user_id == current_user.id, CaseCompletion.case_id == item.id))
    articles = [(link, find_article(link.law.slug, link.article_number)) for link in item.links]
    return render_template("study/case.html", item=item, done=done, articles=articles)


@bp.route("/cases/<int:case_id>/finish", methods=["POST"])
@login_required
def case_finish(case_id: int):
    item = visible_case(case_id)
    try:
        finish_case(current_user, item, utcnow())
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("study.case", case_id=item.id))
    db.session.commit()
    flash(_("Case study finished: it counts toward your study credits."), "success")
    return redirect(url_for("study.case", case_id=item.id))


def form_data(form: CaseForm) -> dict:
    links = []
    for line in (form.articles.data or "").splitlines():
        ref, _sep, quote = line.strip().partition(" ")
        if ref:
            links.append({"ref": ref, "quote": quote.strip()})
    return {"code": form.code.data.strip(), "title": form.title.data, "scenario": form.scenario.data,
            "analysis": form.analysis.data, "articles": links, "published": form.published.data,
            "tags": (form.tags.data or "").split()}


def edit_case(item: CaseStudy | None):
    form = CaseForm(obj=item)
    if item is not None and request.method == "GET":
        form.articles.data = "\n".join(f"{link.law.slug}:{link.article_number} {link.quote}".strip()
                                       for link in item.links)
        form.tags.data, form.published.data = " ".join(item.tags or []), item.is_published
    if form.validate_on_submit():
        data = form_data(form)
        clash = db.session.scalar(select(CaseStudy).where(CaseStudy.code == data["code"]))
        try:
            if clash is not None and clash is not item:
                raise Invalid(_("Another case already has the code %(code)s.", code=data["code"]))
            saved = save_case(item or CaseStudy(), data, check_case(data), source="app")
        except Invalid as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            saved.edited_by_id = current_user.id
            audit.record("case_study_saved", actor=current_user, target=f"case:{saved.code}", now=utcnow())
            db.session.commit()
            flash(_("The case study is saved."), "success")
            return redirect(url_for("study.case", case_id=saved.id))
    return render_template("study/case_form.html", form=form, item=item)


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
@roles_required(ADMIN)
def case_new():
    return edit_case(None)


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
@roles_required(ADMIN)
def case_edit(case_id: int):
    return edit_case(db.get_or_404(CaseStudy, case_id))
