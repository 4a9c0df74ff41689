"""Report downloads (.xlsx, .csv, .pdf): audited, scoped, streamed."""

import re
from functools import partial

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..bank.forms import TYPE_CHOICES
from ..db import utcnow
from ..exams.models import Exam
from ..extensions import db
from ..org.models import Unit
from ..progress import Step, streamed
from ..records.downloads import log_download, send_bytes, send_stream
from ..records.services import local_date
from . import exam_report
from .access import can_see_item_analysis, requested_unit, require_reports
from .item_queries import exam_item_analysis
from .pdf import summary_pdf
from .views import bp
from .writers import SheetSpec, csv_stream, xlsx_stream
from .year_report import exam_line_header, exam_lines, year_sheets, year_summaries

FORMATS = ("xlsx", "csv", "pdf")


def chosen_format(allowed=FORMATS) -> str:
    fmt = (request.args.get("format") or "xlsx").lower()
    if fmt not in allowed:
        abort(400)
    return fmt


def scope_label(unit: Unit | None) -> str:
    root = exam_report.report_root(current_user, unit)
    return root.full_name if root else _("All units")


def file_name(*parts: str, ext: str) -> str:
    """A download's name that says what is in it: 2026年度学法考试_乌塘镇_成绩明细（按单位分表）.xlsx."""
    text = "_".join(p for p in parts if p)
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text)[:150] + "." + ext


def exam_file_kind(fmt: str, per_unit: bool, only_absent: bool) -> tuple[str, str]:
    """What an exam download holds: (words for the name, ASCII stem for old clients)."""
    if only_absent:
        return _("Absent list"), "absent"
    if fmt == "pdf":
        return _("Summary"), "summary"
    if per_unit and fmt == "xlsx":
        return _("Scores, one sheet per unit"), "report-per-unit"
    return _("Scores"), "report"


def exam_download(exam: Exam, fmt: str, unit: Unit | None, *, per_unit: bool = False, only_absent: bool = False):
    """Audit, then stream one exam's report in the chosen format."""
    log_download("report.download", f"exam:{exam.id}", {
        "report": "exam", "exam_id": exam.id, "format": fmt, "unit_id": unit.id if unit else None,
        "per_unit": per_unit, "only_absent": only_absent})
    what, stem = exam_file_kind(fmt, per_unit, only_absent)
    name, fallback = file_name(exam.title, scope_label(unit), what, ext=fmt), f"exam-{exam.id}-{stem}.{fmt}"
    if fmt == "csv":
        rows = exam_report.csv_rows(exam, current_user, unit, only_absent=only_absent)
        return send_stream(csv_stream(exam_report.detail_header(), rows, clean=True), name, "csv", fallback)
    if fmt == "pdf":
        summary = exam_report.build_summary(exam, current_user, unit)
        data = summary_pdf(exam.title, scope_label(unit), summary, local_date(utcnow()).isoformat())
        return send_bytes(data, name, "pdf", fallback)
    # A county's workbook takes seconds before its first byte: the page polls the job (progress.js).
    work = partial(exam_workbook, exam, unit, per_unit)
    return send_stream(streamed(current_user.id, request.args.get("job"), work), name, "xlsx", fallback)


def exam_workbook(exam: Exam, unit: Unit | None, per_unit: bool, step: Step):
    """An exam's workbook in chunks, telling `step` how many of its lines are written."""
    step("export", 0, 0)
    summary = exam_report.build_summary(exam, current_user, unit)
    sheets = exam_report.sheets(exam, current_user, unit, per_unit=per_unit, summary=summary)
    yield from xlsx_stream(sheets, step, exam_report.workbook_rows(summary))


@bp.route("/exams/<int:exam_id>/download")
@login_required
def exam_export(exam_id: int):
    require_reports()
    exam = db.get_or_404(Exam, exam_id)
    return exam_download(exam, chosen_format(), requested_unit(), per_unit=request.args.get("per_unit") == "1",
                         only_absent=request.args.get("only") == "absent")


@bp.route("/years/<int:year>/download")
@login_required
def year_export(year: int):
    require_reports()
    fmt, unit = chosen_format(), requested_unit()
    log_download("report.download", f"year:{year}", {"report": "year", "year": year, "format": fmt,
                                                     "unit_id": unit.id if unit else None})
    rows, combined = year_summaries(year, current_user, unit)
    name = file_name(_("Law exams %(year)s", year=year), scope_label(unit), ext=fmt)
    fallback = f"year-{year}.{fmt}"
    if fmt == "csv":
        return send_stream(csv_stream(exam_line_header(), exam_lines(rows), percent_columns=[4, 6, 8]), name,
                           "csv", fallback)
    if fmt == "pdf":
        title = _("Law exams %(year)s", year=year)
        data = summary_pdf(title, scope_label(unit), combined, local_date(utcnow()).isoformat())
        return send_bytes(data, name, "pdf", fallback)
    return send_stream(xlsx_stream(year_sheets(rows, combined)), name, "xlsx", fallback)


def item_header() -> list[str]:
    return [_("Question"), _("Type"), _("Stem"), _("Answered"), _("Facility"), _("Discrimination"),
            _("Upper-lower index"), _("Options chosen"), _("Flag")]


def item_rows(result, info):
    types = dict(TYPE_CHOICES)
    answers = {"true": _("True"), "false": _("False")}
    for item in result.items:
        q = info.get(item.question_id)
        options = "；".join(f"{answers.get(k, k) if k else _('blank')}: {v}" for k, v in item.options.items())
        yield [q.code if q else item.question_id, str(types.get(q.type, q.type)) if q else "",
               q.stem[:200] if q else "", item.n,
               item.facility, item.discrimination, item.upper_lower, options,
               _("Review") if item.flagged else ""]


@bp.route("/exams/<int:exam_id>/items/download")
@login_required
def items_export(exam_id: int):
    if not can_see_item_analysis(current_user):
        abort(403)
    exam = db.get_or_404(Exam, exam_id)
    fmt = chosen_format(("xlsx", "csv"))
    log_download("report.download", f"exam:{exam.id}", {"report": "items", "exam_id": exam.id, "format": fmt})
    result, info = exam_item_analysis(exam)
    if fmt == "csv":
        return send_stream(csv_stream(item_header(), item_rows(result, info)),
                           file_name(exam.title, _("Item analysis"), ext="csv"), "csv", f"exam-{exam.id}-items.csv")
    alpha = [[_("Attempts taken"), result.attempts], [_("Cronbach's alpha (KR-20)"), result.alpha],
             [_("Items in alpha"), result.alpha_items], [_("Mean"), result.mean], [_("Standard deviation"), result.sd]]
    sheets = [SheetSpec(_("Items"), item_header(), item_rows(result, info), [14, 8, 50, 8, 8, 8, 8, 30, 8]),
              SheetSpec(_("Test"), [_("Figure"), _("Value")], alpha, [30, 12])]
    return send_stream(xlsx_stream(sheets), file_name(exam.title, _("Item analysis"), ext="xlsx"), "xlsx",
                       f"exam-{exam.id}-items.xlsx")
