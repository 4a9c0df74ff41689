"""Exam endpoints: the learner's exams, starting, saving answers, submitting and reading attempts.

Question ids: a paper item's id is the bank question id. A case question (案例分析) carries
"subquestions", each with its own id "<question id>-<n>"; save one with PUT .../answers/<id>-<n>,
or the whole case with PUT .../answers/<id> and {"answer": {"1": "B", "2": true}}.
"""


from flask import jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from ..auth.tokens import personal, token_request
from ..db import commit_retrying, lock_for_writing, lost_race, retry_lost_races, utcnow
from ..errors import Invalid, NotFound
from ..exams import attempts as service
from ..exams import leaving, quicksave
from ..exams.access import can_read_attempt, can_write_attempt
from ..exams.models import Attempt, Exam
from ..exams.present import API_MESSAGES, attempt_json, iso, num, paper_items, paper_json, result_json, standing_message
from ..exams.queries import exams_for
from ..exams.validation import plain_number
from ..extensions import db
from . import bp
from .spec import ANY, BOOL, INT, NUM, STR, TIME, array, doc, nullable, obj, request_body

# Other fields are ignored, never refused: a save from an older or newer page must not fail (S-06: nothing else
# in the body is read, so no field can set a score, a state, a time or an owner).
IGNORED = {"description": "ignored: nothing else in the body is read"}
ANSWER_BODY = {"type": "object", "required": ["answer"], "additionalProperties": IGNORED, "properties": {
    "answer": {"description": 'single "B"; multiple ["A","C"]; true_false true/false; blank ["..", ".."] '
                              '(one string per blank); case {"1": "B", "2": ["A","C"]} or, at a sub-question '
                              'id "<id>-<n>", that sub-question\'s value; null clears'},
    "seq": {"type": "integer", "nullable": True, "minimum": 0, "maximum": 2**53 - 1,
            "description": "optional client sequence; a lower or equal seq is ignored"},
    "flagged": {"type": "boolean", "nullable": True, "description": "optional: mark for review in the navigator"},
    "client_at": {"type": "string", "nullable": True,
                  "description": "optional device time, kept as evidence if the answer is late"}}}
EVENT_BODY = {"type": "object", "required": ["kind"], "additionalProperties": IGNORED, "properties": {
    "kind": {"type": "string", "enum": list(leaving.EVENT_KINDS)}, "client_at": {"type": "string", "nullable": True},
    "away_ms": {"type": "integer", "description": "optional: how long the device says it was away"}}}
OPTIONS = array(obj({"key": STR, "text": STR}))
PAPER_ITEM = obj({"id": INT, "position": INT, "section": STR, "type": STR, "points": NUM, "stem": STR},
                 {"options": OPTIONS, "blanks": INT,
                  "subquestions": array(obj({"id": STR, "type": STR, "stem": STR}, {"options": OPTIONS}))})
STATE = {"attempt_id": INT, "exam_id": INT, "number": INT, "state": STR, "started_at": TIME, "deadline": TIME,
         "server_time": TIME, "remaining_seconds": INT, "answers": {"type": "object"}, "flagged": array(INT)}
RESULT = obj({"attempt_id": INT, "state": STR, "score": nullable(NUM), "max_score": nullable(NUM),
              "passed": nullable(BOOL), "excellent": nullable(BOOL), "finished_at": nullable(TIME),
              "finish_reason": nullable(STR), "certificate_serial": nullable(STR)})
EXAM_ROW = obj({"id": INT, "title": STR, "year": INT, "opens_at": nullable(TIME), "closes_at": nullable(TIME),
                "duration_minutes": INT, "pass_mark": nullable(NUM), "attempts_used": INT,
                "attempts_left": nullable(INT), "can_start": BOOL, "in_progress_attempt_id": nullable(INT),
                "status": STR, "message": STR,
                "leave_policy": obj({"kind": STR, "limit": nullable(INT), "text": STR})})


def client_time(body: dict) -> str:
    """The device's time as sent (evidence only, never trusted): text or nothing."""
    value = body.get("client_at")
    if value is not None and not isinstance(value, str):
        raise Invalid(str(API_MESSAGES["invalid"]))
    return value or ""


def load_attempt(attempt_id: int, write: bool = False, share_lock: bool = False) -> Attempt:
    """404 for missing and for not-yours alike (no existence oracle), 403 never leaks either.

    share_lock: the caller writes to the attempt; a concurrent submit must wait for it (FOR SHARE on
    PostgreSQL, the write lock on SQLite), so that its check of the state still holds when it writes.
    """
    if share_lock:
        lock_for_writing(db.session)
    stmt = select(Attempt).where(Attempt.id == attempt_id)
    attempt = db.session.scalar(stmt.with_for_update(read=True) if share_lock else stmt)
    allowed = attempt is not None and (can_write_attempt(current_user, attempt) if write
                                       else can_read_attempt(current_user, attempt))
    if not allowed:
        raise NotFound(str(API_MESSAGES["not_found"]))
    return attempt


@bp.route("/exams")
@login_required
@doc("Exams open to this account, with attempts left, why one cannot be started and what leaving the exam "
     "page does (leave_policy: kind record|warn|submit, limit, text)", roles="any user",
     reply=obj({"exams": array(EXAM_ROW)}))
def my_exams():
    now = utcnow()
    rows = []
    for exam in exams_for(current_user, now):
        situation = service.current_standing(exam, current_user, now)
        rows.append({"id": exam.id, "title": exam.title, "year": exam.year, "opens_at": iso(exam.opens_at),
                     "closes_at": iso(exam.closes_at), "duration_minutes": exam.duration_minutes,
                     "pass_mark": num(exam.pass_mark), "attempts_used": situation.attempts_used,
                     "attempts_left": situation.attempts_left, "can_start": situation.can_start,
                     "in_progress_attempt_id": situation.open_attempt.id if situation.open_attempt else None,
                     "status": situation.reason, "message": standing_message(situation),
                     "leave_policy": {"kind": exam.leave_policy, "limit": exam.leave_limit,
                                      "text": leaving.policy_text(exam)}})
    db.session.commit()
    return jsonify({"exams": rows})


@bp.route("/exams/<int:exam_id>/attempts", methods=["POST"])
@login_required
@doc("Start an attempt, or return the one in progress (paper without the answer key)", roles="learner in the audience",
     responses={201: "{attempt_id, exam_id, number, state, started_at, deadline (ISO 8601 UTC), server_time, "
                     "remaining_seconds, answers {question id: saved answer}, flagged [ids], questions: [{id, "
                     "position, "
                     "section, type (single|multiple|true_false|blank|case), points, stem, options [{key, text}] "
                     "(choice types), blanks (number of blanks), subquestions [{id \"<id>-<n>\", type, stem, "
                     "options}] (case)}]}; never the key",
                404: "no such exam, or not meant for this account (the same answer)",
                409: "cannot start now: error.code is not_open_yet, closed, not_eligible, no_attempts_left, "
                     "key_holder or bank_short"},
     reply=obj({**STATE, "questions": array(PAPER_ITEM)}), status=201)
def start_attempt(exam_id: int):
    exam = db.session.get(Exam, exam_id)
    if exam is None or not exam.is_published:
        raise NotFound(str(API_MESSAGES["not_found"]))
    now = utcnow()

    def start_or_resume():
        # A new paper is answered from the rows just inserted; a resumed one reads only what it shows, in the
        # transaction that found it (a second transaction would cost the double tap a BEGIN, a ROLLBACK and the
        # pool's ping).
        attempt, fresh = service.start_or_resume(exam, current_user, now)
        return attempt, fresh if fresh is not None else paper_items(attempt)

    try:
        attempt, items = commit_retrying(start_or_resume, keep_loaded=True)
    except service.KeptRefusal:
        db.session.commit()  # an attempt found overdue stays finished; still answer 409
        raise
    return jsonify(paper_json(attempt, now, items)), 201


@bp.route("/attempts/<int:attempt_id>/answers/<question_id>", methods=["PUT"])
@login_required
@doc("Save one answer (idempotent)", roles="owner", body=ANSWER_BODY,
     responses={404: "not your attempt or question", 409: "finished or past the deadline", 422: "invalid answer"},
     reply=obj({"question_id": STR, "saved": BOOL, "stored": BOOL, "seq": nullable(INT), "answer": ANY,
                "flagged": BOOL, "saved_at": TIME, "remaining_seconds": INT}))
@retry_lost_races  # two late answers finishing the attempt at once deadlock on PostgreSQL: the loser runs again
def save_answer(attempt_id: int, question_id: str):
    body = request_body()
    if valid_save_body(body):
        # The common case in two statements; anything else (or nothing stored) goes the full way below.
        now = utcnow()
        quick = quicksave.quick_save(current_user.id, attempt_id, question_id, body["answer"], now,
                                   seq=body.get("seq"), flagged=body.get("flagged"))
        if quick is not None:
            db.session.commit()
            return quick_reply(question_id, quick, now)
    attempt = load_attempt(attempt_id, write=True, share_lock=True)
    if body is None or "answer" not in body:
        raise Invalid(str(API_MESSAGES["body"]), code="invalid_body")
    if not valid_save_body(body):
        raise Invalid(str(API_MESSAGES["invalid"]))
    seq, flagged = body.get("seq"), body.get("flagged")
    now = utcnow()
    try:
        item, stored = service.save_answer(attempt, question_id, body["answer"], now, seq=seq, flagged=flagged,
                                           client_at=client_time(body), locked=True)
    except service.KeptRefusal:
        db.session.commit()  # keep the overdue finish and the late-answer evidence; still answer 409
        raise
    # Read everything before the commit expires it (saves a round trip per autosave).
    reply = {"question_id": question_id, "saved": True, "stored": stored, "seq": item.answer_seq,
             "answer": item.answer, "flagged": item.is_flagged, "saved_at": iso(now),
             "remaining_seconds": max(int((attempt.deadline_at - now).total_seconds()), 0)}
    db.session.commit()
    return jsonify(reply)


def quick_reply(question_id: str, quick: quicksave.QuickSave, now):
    return jsonify({"question_id": question_id, "saved": True, "stored": True, "seq": quick.seq,
                    "answer": quick.answer, "flagged": quick.flagged, "saved_at": iso(now),
                    "remaining_seconds": max(int((quick.deadline_at - now).total_seconds()), 0)})


@bp.before_app_request
def save_by_token_first():
    """A cookie-less bearer-token autosave, stored before the request hooks load the person (the exam day's
    hottest request: token, person, every check of the save and the write in one statement on PostgreSQL).

    Runs after CSRFProtect's and the rate limiter's hooks, before force_password_change. The token's checks
    (auth.tokens.token_owner) are the request loader's; anything else — a cookie (its session or remember-me user
    would win), a body or question the quick path does not take, a save it does not store, a token or person
    it does not accept, a lost race — goes on through the hooks and the view exactly as before.
    """
    found = token_request("api.save_answer", "PUT")
    if found is None:
        return None
    token_hash, body = found
    question_id = request.view_args["question_id"]
    if not (plain_number(question_id, 9) and request.view_args["attempt_id"] < 2**31 and valid_save_body(body)):
        return None
    now = utcnow()
    try:
        quick = quicksave.quick_save(None, request.view_args["attempt_id"], question_id, body["answer"], now,
                                     seq=body.get("seq"), flagged=body.get("flagged"), token_hash=token_hash)
        if quick is None:
            return None
        db.session.commit()
    except OperationalError as exc:
        if not lost_race(exc):
            raise
        db.session.rollback()  # the view runs it again with retry_lost_races
        return None
    return personal(quick_reply(question_id, quick, now))


def valid_save_body(body) -> bool:
    """A JSON object with an answer, and seq (0 ≤ integer < 2⁵³) and flagged (boolean) when given."""
    if not isinstance(body, dict) or "answer" not in body:
        return False
    seq, flagged = body.get("seq"), body.get("flagged")
    return (seq is None or (isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq < 2**53)) and \
        isinstance(flagged, bool | None)


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
@doc("Finish and score (idempotent: a repeat returns the same result)", roles="owner",
     responses={200: "{attempt_id, state, score, max_score, passed, excellent, finished_at, finish_reason "
                     "(submitted|overdue|left_page), certificate_serial or null}", 404: "not your attempt"},
     reply=RESULT)
def submit_attempt(attempt_id: int):
    load_attempt(attempt_id, write=True)
    attempt = commit_retrying(lambda: service.submit(db.session.get(Attempt, attempt_id), utcnow()))
    return jsonify(result_json(attempt))


@bp.route("/attempts/<int:attempt_id>")
@login_required
@doc("An attempt: state and saved answers; once finished, the result and the review as policy allows "
     "(review_level none|answers|full; full adds key, explanation and basis with the article text)",
     roles="owner; HR and administrators with the person in scope", responses={404: "not found or not yours"},
     reply=obj({**STATE, "user_id": INT}, {"questions": array(PAPER_ITEM), "result": RESULT, "review_level": STR,
                                          "review": array({"type": "object"}), "review_withheld": INT}))
def read_attempt(attempt_id: int):
    attempt = load_attempt(attempt_id)
    now = utcnow()
    service.settle(attempt, now)
    db.session.commit()
    return jsonify(attempt_json(attempt, current_user, now))


@bp.route("/attempts/<int:attempt_id>/events", methods=["POST"])
@login_required
@doc("Record leaving or returning to the exam page (evidence for the examiner). A return closes the open "
     "leave: it counts when it lasted at least a few seconds (server times) and the exam's leave policy applies "
     "(record, warn, or submit after too many leaves)", roles="owner",
     body=EVENT_BODY,
     responses={200: "{state, leaves (counted so far), counted (this return counted: true/false; null for a "
                     "leave), away_seconds, message (the warning to show, empty when there is none)}",
                404: "not your attempt"},
     reply=obj({"state": STR, "leaves": INT, "counted": nullable(BOOL), "away_seconds": nullable(NUM),
                "message": STR}))
@retry_lost_races  # racing returns both count a leave under the share lock: the deadlock loser runs again
def attempt_event(attempt_id: int):
    attempt = load_attempt(attempt_id, write=True, share_lock=True)
    body = request_body()
    if body is None or not isinstance(body.get("kind"), str) or body["kind"] not in leaving.EVENT_KINDS:
        raise Invalid(str(API_MESSAGES["invalid"]))
    away_ms = body.get("away_ms")
    away_ms = away_ms if isinstance(away_ms, int) and not isinstance(away_ms, bool) and away_ms >= 0 else None
    comeback = leaving.record_event(attempt, body["kind"], utcnow(), client_time(body), away_ms)
    db.session.commit()
    return jsonify({"state": attempt.state, "leaves": attempt.leave_count,
                    "counted": comeback.counted if comeback else None,
                    "away_seconds": comeback.away_seconds if comeback else None,
                    "message": comeback.message if comeback else ""})
