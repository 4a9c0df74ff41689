"""Question bank endpoints (examiners and admins): list, read, stats, create, edit, retire."""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit
from .. import permissions as perm
from ..bank import library
from ..bank.cli import bank_stats
from ..bank.coverage import bank_coverage
from ..bank.models import AUDIENCES, STATUSES, Question
from ..bank.services import (
    create_question,
    current_versions,
    filter_bank,
    question_dict,
    retire_question,
    update_question,
    validate_question,
)
from ..bank.validation import json_expected
from ..db import utcnow
from ..errors import Invalid
from ..extensions import db
from . import bp
from .spec import ANY, BOOL, COUNTS, INT, STR, array, doc, nullable, obj, request_body

STAFF = (perm.EXAMINER, perm.ADMIN)
CONTENT = {"type": {"type": "string", "enum": ["single", "multiple", "true_false", "blank", "case"]},
           "stem": STR, "options": array(obj({"key": STR, "text": STR})), "answer": ANY, "explanation": STR,
           "basis": array(obj({"law": STR, "article": INT}))}
QUESTION_BODY = {**obj({"type": CONTENT["type"], "stem": STR}, {
    **CONTENT, "difficulty": {"type": "integer", "minimum": 1, "maximum": 5}, "tags": array(STR),
    "audience": {"type": "string", "enum": list(AUDIENCES)}, "status": {"type": "string", "enum": list(STATUSES)},
    "subquestions": nullable(array({"type": "object", "description": "case only: type, stem, options, answer, "
                                                                     "explanation, basis"}))})}
QUESTION = obj({"id": INT, "version": INT, "version_id": INT, "needs_review": BOOL, "chapter": nullable(STR),
                "code": STR, "law": STR, "status": STR, "type": STR, "stem": STR, "options": array({"type": "object"}),
                "answer": ANY, "explanation": STR, "basis": array({"type": "object"}), "difficulty": INT,
                "tags": array(STR), "audience": STR, "subquestions": nullable(array({"type": "object"}))})
PER_LAW = {"type": "object", "additionalProperties": obj({"articles": INT, "articles_cited": INT,
                                                          "uncited": array(INT)})}
FILTER_QUERY = {"law": "string", "chapter": "string", "type": "string", "difficulty": "integer",
                "status": "string", "tag": "string", "audience": "string", "q": "string", "page": "integer"}


def question_json(question: Question) -> dict:
    data = question_dict(question)
    return {"id": question.id, "version": question.current.number, "version_id": question.current_version_id,
            "needs_review": question.needs_review, "chapter": question.current.chapter, **data}


def load(question_id: int) -> Question:
    return db.session.get(Question, question_id) or abort(404)


def payload_question(code: str = "") -> dict:
    payload = request_body()
    if payload is None:
        raise Invalid(json_expected())
    data = {"code": code, "options": [], "explanation": "", "basis": [], "difficulty": 3, "tags": [],
            "audience": "all", "status": "active", "subquestions": None, **payload}
    if code:
        data["code"] = code
    with library.cached():
        problems = validate_question(data)
    if problems:
        raise Invalid("; ".join(problems), details=problems)
    return data


@bp.route("/bank/questions")
@perm.roles_required(*STAFF)
@doc("Questions of the bank, filtered", roles="examiner, admin", query=FILTER_QUERY,
     reply=obj({"total": INT, "page": INT, "items": array(QUESTION)}))
def bank_list():
    args = request.args
    stmt = filter_bank(current_versions(), law=args.get("law") or None, chapter=args.get("chapter") or None,
                       type=args.get("type") or None, difficulty=args.get("difficulty", type=int),
                       status=args.get("status") or None, tag=args.get("tag") or None,
                       audience=args.get("audience") or None, search=args.get("q") or None)
    page = db.paginate(stmt.order_by(Question.id), page=args.get("page", 1, type=int), per_page=100,
                       error_out=False)
    return jsonify({"total": page.total, "page": page.page, "items": [question_json(q) for q in page.items]})


@bp.route("/bank/questions/<int:question_id>")
@perm.roles_required(*STAFF)
@doc("One question with its current version", roles="examiner, admin", responses={404: "no such question"},
     reply=QUESTION)
def bank_get(question_id: int):
    return jsonify(question_json(load(question_id)))


@bp.route("/bank/questions", methods=["POST"])
@perm.roles_required(*STAFF)
@doc("Create a question", roles="examiner, admin", body=QUESTION_BODY, responses={422: "invalid question"},
     reply=QUESTION, status=201)
def bank_create():
    question = create_question(payload_question(), current_user, utcnow())
    db.session.commit()
    return jsonify(question_json(question)), 201


@bp.route("/bank/questions/<int:question_id>", methods=["PUT"])
@perm.roles_required(*STAFF)
@doc("Replace a question's content (a new version when it changed)", roles="examiner, admin",
     body=QUESTION_BODY, responses={404: "no such question", 422: "invalid question"}, reply=QUESTION)
def bank_update(question_id: int):
    question = load(question_id)
    update_question(question, payload_question(question.code), current_user, utcnow(), note="api")
    db.session.commit()
    return jsonify(question_json(question))


@bp.route("/bank/questions/<int:question_id>/retire", methods=["POST"])
@perm.roles_required(*STAFF)
@doc("Retire a question (past exams keep their versions)", roles="examiner, admin",
     responses={404: "no such question"}, reply=QUESTION)
def bank_retire(question_id: int):
    question = load(question_id)
    now = utcnow()
    retire_question(question, now)
    audit.record("bank.retire", actor=current_user, target=question.code, now=now)
    db.session.commit()
    return jsonify(question_json(question))


@bp.route("/bank/stats")
@perm.roles_required(*STAFF)
@doc("Totals by law, type, status, difficulty and visibility, and coverage per law", roles="examiner, admin",
     reply=obj({"total": INT, "by_law": COUNTS, "by_type": COUNTS, "by_status": COUNTS, "by_difficulty": COUNTS,
                "by_visibility": COUNTS, "coverage": PER_LAW}))
def bank_stats_view():
    return jsonify(bank_stats())


@bp.route("/bank/coverage")
@perm.roles_required(*STAFF)
@doc("Coverage: active questions citing each law, chapter and article, by type and difficulty",
     roles="examiner, admin", query={"law": "string", "audience": "string"},
     responses={404: "no such law", 422: "unknown audience"},
     reply=obj({"audience": nullable(STR), "laws": {"type": "object", "additionalProperties": {"type": "object"}}}))
def bank_coverage_view():
    law = (request.args.get("law") or "").strip()
    audience = (request.args.get("audience") or "").strip()
    if audience and audience not in AUDIENCES:
        raise Invalid(_("Unknown audience: %(value)s", value=audience))
    if law and law not in library.law_slugs():
        abort(404)
    report = bank_coverage(law or None, audience or None)
    if not law:  # the whole library: totals per law and chapter; one law's articles with ?law=
        report = {slug: {k: v for k, v in row.items() if k != "items"} for slug, row in report.items()}
    return jsonify({"audience": audience or None, "laws": report})
