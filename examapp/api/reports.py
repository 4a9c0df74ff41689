"""Exam reports over the API: the same scoped, audited, streamed files as the pages."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Forbidden, Invalid, NotFound
from ..exams.models import Exam
from ..extensions import db
from ..org.models import Unit
from ..permissions import can_read_reports, scope_unit
from ..reports.exam_report import build_summary
from ..reports.exports import exam_download
from . import bp
from .spec import INT, NUM, STR, array, doc, nullable, obj

TALLY = {"required": INT, "participants": INT, "absent": INT, "passed": INT, "excellent": INT, "attempts": INT,
         "participation_rate": nullable(NUM), "pass_rate": nullable(NUM), "excellence_rate": nullable(NUM),
         "average": nullable(NUM)}


def api_unit() -> Unit | None:
    unit_id = request.args.get("unit_id", type=int)
    if not unit_id:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_("This unit was not found."))
    root = scope_unit(current_user)
    if root is not None and not root.contains(unit):
        raise Forbidden(_("This unit is outside your scope."))
    return unit


def tally_json(t) -> dict:
    return {"required": t.required, "participants": t.participants, "absent": t.absent, "passed": t.passed,
            "excellent": t.excellent, "attempts": t.attempts, "participation_rate": t.participation_rate,
            "pass_rate": t.pass_rate, "excellence_rate": t.excellence_rate, "average": t.average}


@bp.route("/reports/exams/<int:exam_id>")
@login_required
@doc("An exam's report: .xlsx or .csv of every person in scope (format=), else JSON figures",
     roles="HR, unit admins, admins (rows limited to their unit subtree)",
     query={"format": "string", "unit_id": "integer", "per_unit": "integer", "only": "string"},
     responses={403: "Not HR or an admin, or unit outside scope", 404: "No such exam or unit",
                422: "format is not xlsx, csv, pdf or json"}, files=("xlsx", "csv", "pdf"),
     reply=obj({"exam": obj({"id": INT, "title": STR, "year": INT}), "total": obj(TALLY),
                "distribution": array({"type": "object"}),
                "units": array(obj({"rank": INT, "id": INT, "name": STR, **TALLY}))}))
def exam_report_api(exam_id: int):
    if not can_read_reports(current_user):
        raise Forbidden(_("Reports are for HR and administrators."))
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise NotFound(_("This exam was not found."))
    unit = api_unit()
    fmt = (request.args.get("format") or "json").lower()
    if fmt in ("xlsx", "csv", "pdf"):
        return exam_download(exam, fmt, unit, per_unit=request.args.get("per_unit") == "1",
                             only_absent=request.args.get("only") == "absent")
    if fmt != "json":
        raise Invalid(_("The format must be xlsx, csv, pdf or json."))
    summary = build_summary(exam, current_user, unit)
    return jsonify({
        "exam": {"id": exam.id, "title": exam.title, "year": exam.year},
        "total": tally_json(summary.total), "distribution": summary.bands,
        "units": [{"rank": pos, "id": u.id, "name": u.full_name, **tally_json(t)}
                  for pos, u, t in summary.ranked()],
    })
