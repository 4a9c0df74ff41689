"""HR and unit-admin dashboards, exam reports and their downloads, item analysis."""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..core.nav import register_nav
from ..db import utcnow
from ..exams.models import Exam
from ..extensions import db
from ..permissions import can_read_reports, scope_unit
from ..records.services import local_date
from . import charts, queries
from .access import can_see_item_analysis, requested_unit, require_reports
from .exam_report import build_summary, report_root
from .item_queries import exam_item_analysis
from .stats import RANK_KEYS, percent
from .year_report import year_definition, year_summaries

bp = Blueprint("reports", __name__, url_prefix="/reports")


def this_year() -> int:
    return local_date(utcnow()).year


def rank_by() -> str:
    by = request.args.get("by", "participation")
    return by if by in RANK_KEYS else "participation"


def unit_choices():
    from ..records.record_views import scoped_units

    return scoped_units()


@bp.route("/")
@login_required
def dashboard():
    require_reports()
    year = min(max(request.args.get("year", this_year(), type=int), 2000), 2100)
    unit = requested_unit()
    rows, combined = year_summaries(year, current_user, unit)
    ranking = combined.ranked(rank_by())
    rate_chart = charts.bars(_("Rates per unit"), [(u.name, t.participation_rate, t.pass_rate)
                                                   for _p, u, t in ranking],
                             (_("Participation rate"), _("Pass rate")))
    return render_template("reports/dashboard.html", year=year, unit=unit, units=unit_choices(), rows=rows,
                           combined=combined, ranking=ranking, rate_chart=rate_chart, percent=percent,
                           root=report_root(current_user, unit), by=rank_by(), year_definition=year_definition())


@bp.route("/exams/<int:exam_id>")
@login_required
def exam_report(exam_id: int):
    require_reports()
    exam = db.get_or_404(Exam, exam_id)
    unit = requested_unit()
    summary = build_summary(exam, current_user, unit)
    absent = list(queries.exam_rows(exam, current_user, unit, only_absent=True) if summary.total.absent else [])
    bands = summary.bands
    figures = {
        "distribution": charts.columns(_("Score distribution"), [f"{b['low']:g}" for b in bands],
                                       [b["count"] for b in bands]),
        "rates": charts.bars(_("Rates per unit"), [(u.name, t.participation_rate, t.pass_rate)
                                                   for _p, u, t in summary.ranked(rank_by())],
                             (_("Participation rate"), _("Pass rate"))),
        "window": charts.cumulative(_("Participation over the exam window"),
                                    queries.attempts_over_time(exam, current_user, unit), summary.total.required),
    }
    return render_template("reports/exam.html", exam=exam, unit=unit, units=unit_choices(), summary=summary,
                           absent=absent[:200], absent_total=len(absent), figures=figures, percent=percent,
                           root=report_root(current_user, unit), by=rank_by(),
                           can_items=can_see_item_analysis(current_user))


@bp.route("/exams/<int:exam_id>/items")
@login_required
def item_analysis(exam_id: int):
    if not can_see_item_analysis(current_user):
        abort(403)
    exam = db.get_or_404(Exam, exam_id)
    result, info = exam_item_analysis(exam)
    return render_template("reports/items.html", exam=exam, result=result, info=info)


@bp.route("/exams")
@login_required
def exams():
    if not (can_read_reports(current_user) or can_see_item_analysis(current_user)):
        abort(403)
    year = min(max(request.args.get("year", this_year(), type=int), 2000), 2100)
    from sqlalchemy import select

    items = db.session.scalars(select(Exam).where(Exam.year == year, Exam.status == "published")
                               .order_by(Exam.opens_at.desc())).all()
    return render_template("reports/exams.html", exams=items, year=year,
                           can_reports=can_read_reports(current_user),
                           can_items=can_see_item_analysis(current_user))


register_nav("reports.dashboard", _l("Reports"), _l("Participation, pass and excellence rates by unit"),
             allowed=can_read_reports, order=70)
register_nav("reports.exams", _l("Exam statistics"), _l("Results per exam and item analysis"),
             allowed=lambda u: can_read_reports(u) or can_see_item_analysis(u), order=71)

__all__ = ["bp", "scope_unit"]

from . import exports  # noqa: E402,F401  (download routes on the same blueprint)
