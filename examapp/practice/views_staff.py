"""Mastery pages (a learner's own, a unit admin's subtree, the organisation for examiners) and settings."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..core.nav import register_nav
from ..db import utcnow
from ..extensions import db
from ..permissions import ADMIN, EXAMINER, UNIT_ADMIN, roles_required
from ..reports.charts import bars
from . import groups, mastery
from .forms import SettingsForm
from .schedule import desired_retention, save_retention
from .views import bp

register_nav("practice.mastery_unit", _l("Practice in my units"),
             _l("Which chapters your units get wrong and who has not practised this month"),
             allowed=lambda u: u.role in (UNIT_ADMIN, ADMIN), order=15)
register_nav("practice.mastery_org", _l("Practice across the organisation"),
             _l("The articles most often answered wrong: topics for the next organised study"),
             allowed=lambda u: u.role in (EXAMINER, ADMIN), order=36)
register_nav("practice.settings", _l("Practice settings"), _l("Set the desired retention of spaced review"),
             allowed=lambda u: u.role == ADMIN, order=17)


def chart(rows: list[mastery.ChapterRow], title: str):
    """Accuracy and recall per chapter that has answers or cards (the table lists them all)."""
    shown = [r for r in rows if r.answers or r.cards][:40]
    return bars(title, [(f"{r.law_title} {r.chapter}".strip(), r.accuracy, r.retrievability) for r in shown],
                (str(_("Recent accuracy")), str(_("Chance of recall"))))


def mastery_view(users, now, title: str) -> dict:
    """What every mastery page shows: the rows, their totals and the chart."""
    rows = mastery.chapter_rows(users, now)
    return {"rows": rows, "totals": mastery.totals(rows), "chart": chart(rows, title), "days": mastery.RECENT_DAYS}


@bp.route("/mastery")
@login_required
def mastery_page():
    shown = mastery_view(mastery.own(current_user.id), utcnow(), _("My mastery by chapter"))
    return render_template("practice/mastery.html", group=False, **shown)


@bp.route("/mastery/unit")
@roles_required(UNIT_ADMIN, ADMIN)
def mastery_unit():
    now = utcnow()
    since = groups.month_start(now)
    shown = mastery_view(groups.people_in_scope(current_user), now, _("Mastery in my units by chapter"))
    return render_template("practice/mastery_unit.html", group=True, since=since,
                           idle=groups.not_practised_since(current_user, since), **shown)


@bp.route("/mastery/org")
@roles_required(EXAMINER, ADMIN)
def mastery_org():
    now = utcnow()
    people = groups.people_in_scope(current_user)
    shown = mastery_view(people, now, _("Mastery across the organisation by chapter"))
    return render_template("practice/mastery_org.html", group=True, missed=groups.most_missed_articles(people, now),
                           article_days=groups.ARTICLE_DAYS, **shown)


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(ADMIN)
def settings():
    form = SettingsForm()
    if not form.is_submitted():
        form.desired_retention.data = desired_retention()
    if form.validate_on_submit():
        save_retention(round(float(form.desired_retention.data), 3), current_user, utcnow())
        db.session.commit()
        flash(_("Practice settings saved."), "success")
        return redirect(url_for("practice.settings"))
    return render_template("practice/settings.html", form=form)
