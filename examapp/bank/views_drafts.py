"""从条文生成草稿: an examiner asks for draft questions built from one article's sentences."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import utcnow
from ..study.services import get_article
from . import library
from .drafts import article_drafts, save_drafts, saved_drafts
from .forms import ConfirmForm
from .views import bp, commit_or_flash, staff


@bp.route("/drafts/<slug>/<int:number>", methods=["GET", "POST"])
@staff
def drafts(slug: str, number: int):
    article = get_article(slug, number)
    form = ConfirmForm()
    status = 200
    if form.validate_on_submit():
        picks = [int(v) for v in request.form.getlist("pick") if v.isdigit()]
        with library.cached():
            created, failed = commit_or_flash(lambda: save_drafts(article, picks, current_user, utcnow()))
        status = failed or status
        if not failed:
            flash(_("%(n)s draft(s) saved. Edit each one and set it to active to use it.", n=len(created)), "success")
            return redirect(url_for("bank.drafts", slug=slug, number=number))
    elif form.is_submitted():
        status = 400
    return render_template("bank/drafts.html", article=article, law=article.law, form=form,
                           proposals=article_drafts(article), saved=saved_drafts(article)), status
