"""Practice endpoints: the next question (never its key), answering it, the review queue and mastery."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..auth.tokens import personal, token_request
from ..db import utcnow
from ..errors import Conflict, DomainError, Forbidden, Invalid
from ..extensions import db
from ..permissions import ADMIN, EXAMINER, UNIT_ADMIN
from ..practice import book, groups, mastery
from ..practice.answering import answer_by_token, answer_question
from ..practice.models import MODES
from ..practice.pool import Filters
from ..practice.present import feedback_json, iso, question_json
from ..practice.serving import next_question
from ..practice.summary import summary
from . import bp
from .spec import ANY, BOOL, COUNTS, INT, NUM, STR, TIME, array, doc, nullable, obj, request_body

NEXT_QUERY = {"mode": {"type": "string", "enum": list(MODES)}, "set": "integer", "law": "string",
              "chapter": "string", "article": "string",
              "tag": "string", "type": "string", "difficulty": "integer"}
ANSWER_BODY = {"type": "object", "required": ["question_id", "answer"], "additionalProperties": False, "properties": {
    "question_id": {"type": "integer", "description": "the id /practice/next served"},
    "answer": {"description": 'single "B"; multiple ["A","C"]; true_false true/false; blank ["..", ".."] '
                              '(one string per blank); case {"1": "B", "2": true}'}}}
OPTIONS = array(obj({"key": STR, "text": STR}))
QUESTION = obj({"id": INT, "type": STR, "stem": STR, "law": STR, "law_title": STR, "chapter": STR,
                "difficulty": INT},
               {"options": OPTIONS, "blanks": INT,
                "subquestions": array(obj({"n": INT, "type": STR, "stem": STR}, {"options": OPTIONS}))})
ARTICLES = array(obj({"law": STR, "law_title": STR, "article": INT, "label": STR, "text": STR, "url": STR}))
FEEDBACK = obj({"question_id": INT, "correct": BOOL, "key": ANY, "key_text": STR, "explanation": STR,
                "articles": ARTICLES, "next_due": nullable(TIME), "next_due_text": nullable(STR), "rating": STR,
                "in_book": BOOL, "left_book": BOOL, "credited": BOOL, "repeated": BOOL},
               {"parts": array(obj({"n": INT, "type": STR, "correct": BOOL, "key": ANY, "key_text": STR,
                                    "explanation": STR, "articles": ARTICLES}))})
FIGURES = {"bank": INT, "practised": INT, "answers": INT, "accuracy": nullable(NUM), "retrievability": nullable(NUM)}
CHAPTER = obj({"law": STR, "law_title": STR, "chapter": STR, "people": INT, "correct": INT, "weak": BOOL, **FIGURES})


@bp.route("/practice/next")
@login_required
@doc("The next practice question, never with its key or explanation. mode: filter (default; law, chapter, "
     "article=slug:number, tag, type, difficulty), daily (每日一练, the same set all day), random (随机 10 题; pass "
     "the returned set to continue), review (due cards, 今日复习) or book (错题本). Reloading returns the same "
     "question until it is answered", roles="any user", query=NEXT_QUERY,
     responses={200: "{mode, set_id, position, total, served_at, question: {id, type, stem, law, law_title, "
                     "chapter, difficulty, options [{key, text}] (choice types), blanks (blank), subquestions "
                     "[{n, type, stem, options}] (case)} or null when nothing is left, due_count}",
                404: "no such set", 422: "unknown mode"},
     reply=obj({"mode": STR, "set_id": nullable(INT), "position": nullable(INT), "total": nullable(INT),
                "served_at": nullable(TIME), "question": nullable(QUESTION)}))
def practice_next():
    mode = request.args.get("mode", "filter")
    if mode not in MODES:
        raise Invalid(_("Unknown practice mode."), code="invalid_mode")
    now = utcnow()
    served, practice_set = next_question(current_user, now, mode, Filters.from_args(request.args),
                                         request.args.get("set", type=int))
    reply = {"mode": mode, "set_id": practice_set.id if practice_set else None,
             "position": served.position if served else None, "total": served.total if served else None,
             "served_at": iso(served.serve.served_at) if served else None,
             "question": question_json(served.question, served.version) if served else None}
    db.session.commit()
    return jsonify(reply)


@bp.route("/practice/answers", methods=["POST"])
@login_required
@doc("Answer the question last served to you: right or not, the key, the explanation, the cited articles' text "
     "and the card's next due date. A repeat returns the first answer's result and changes nothing",
     roles="any user", body=ANSWER_BODY,
     responses={200: "{question_id, correct, key, key_text, explanation, articles [{law, law_title, article, label, "
                     "text, url}], next_due, rating (again|hard|good), in_book, left_book, credited, repeated, "
                     "parts [..] (case)}",
                404: "the question was not served to you (or may no longer be practised)",
                409: "a concurrent answer for the same question", 422: "the answer does not fit the question"},
     reply=FEEDBACK)
def practice_answer():
    body = request_body()
    if not valid_answer_body(body):
        raise Invalid(_('Send a JSON body with "question_id" and "answer".'), code="invalid_body")
    try:
        outcome = answer_question(current_user, body["question_id"], body["answer"], utcnow())
        reply = feedback_json(outcome)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Another answer to this question arrived at the same moment. Try again.")) from None
    return jsonify(reply)


def valid_answer_body(body) -> bool:
    return (isinstance(body, dict) and "answer" in body and isinstance(body.get("question_id"), int)
            and not isinstance(body.get("question_id"), bool))


@bp.before_app_request
def practice_answer_by_token_first():
    """A cookie-less bearer-token practice answer, recorded before the request hooks load the person: the token's
    checks (auth.tokens.token_owner, the request loader's) are made in the answer's context read.

    Runs after CSRFProtect's and the rate limiter's hooks, before force_password_change. Anything not plain — a
    cookie, a body the view would refuse or question, an answer that does not fit, a repeat, a question no
    longer practised, an open "keep out of practice" exam, a token or person not accepted, anything raising —
    is rolled back and goes on through the hooks and the view exactly as before.
    """
    found = token_request("api.practice_answer", "POST")
    if found is None:
        return None
    token_hash, body = found
    if not (valid_answer_body(body) and set(body) == {"question_id", "answer"} and 0 < body["question_id"] < 2**31):
        return None
    try:
        outcome = answer_by_token(token_hash, body["question_id"], body["answer"], utcnow())
        reply = feedback_json(outcome) if outcome is not None else None
        if reply is None:
            db.session.rollback()
            return None
        db.session.commit()
    except (DomainError, SQLAlchemyError):
        db.session.rollback()
        return None
    return personal(jsonify(reply))


@bp.route("/practice/review")
@login_required
@doc("Your review queue: cards due now (今日复习), streak, today's set and the wrong-answer book's counts",
     roles="any user",
     responses={200: "{due_count, streak_days, practised_today, daily: {done, total}, book: {total, by_law}}"},
     reply=obj({"due_count": INT, "streak_days": INT, "practised_today": BOOL,
                "daily": obj({"done": INT, "total": INT}), "book": obj({"total": INT, "by_law": COUNTS})}))
def practice_review():
    now = utcnow()
    book.import_exam_wrongs(current_user, now)
    info = summary(current_user, now)
    reply = {"due_count": info.due, "streak_days": info.streak, "practised_today": info.practised_today,
             "daily": {"done": info.daily_done, "total": info.daily_total}, "book": book.counts(current_user)}
    db.session.commit()
    return jsonify(reply)


def mastery_scope(requested: str | None) -> str:
    """own for everyone; unit for unit admins and admins; all for examiners and admins. HR: own only."""
    default = {UNIT_ADMIN: "unit", EXAMINER: "all", ADMIN: "all"}.get(current_user.role, "own")
    scope = requested or default
    allowed = {"own"} | ({"unit"} if current_user.role in (UNIT_ADMIN, ADMIN) else set()) | (
        {"all"} if current_user.role in (EXAMINER, ADMIN) else set())
    if scope not in ("own", "unit", "all") or scope not in allowed:
        raise Forbidden(_("You do not have permission to do this."))
    return scope


@bp.route("/practice/mastery")
@login_required
@doc("Mastery per law and chapter: bank size, practised, recent answers and accuracy, mean chance of recall "
     "(FSRS retrievability), weak or not. scope: own (anyone), unit (unit admins: their subtree), all (examiners "
     "and admins); the default follows the role. HR sees no one else's practice (practice is for learning)",
     roles="any user (own); unit admin (unit); examiner, admin (all)",
     query={"scope": {"type": "string", "enum": ["own", "unit", "all"]}},
     responses={403: "scope not allowed for this role"},
     reply=obj({"scope": STR, "recent_days": INT, "totals": obj(FIGURES), "chapters": array(CHAPTER)},
               {"most_missed_articles": array(obj({"law": STR, "law_title": STR, "article": INT, "label": STR,
                                                   "answers": INT, "wrong": INT}))}))
def practice_mastery():
    scope = mastery_scope(request.args.get("scope"))
    now = utcnow()
    users = mastery.own(current_user.id) if scope == "own" else groups.people_in_scope(current_user)
    rows = mastery.chapter_rows(users, now)
    reply = {"scope": scope, "recent_days": mastery.RECENT_DAYS, "totals": mastery.totals(rows),
             "chapters": [chapter_json(r) for r in rows]}
    if scope == "all":
        reply["most_missed_articles"] = [
            {"law": a.law, "law_title": a.law_title, "article": a.number, "label": a.label, "answers": a.answers,
             "wrong": a.wrong} for a in groups.most_missed_articles(users, now)]
    return jsonify(reply)


def chapter_json(row: mastery.ChapterRow) -> dict:
    return {"law": row.law, "law_title": row.law_title, "chapter": row.chapter, "bank": row.bank,
            "practised": row.practised, "people": row.people, "answers": row.answers, "correct": row.correct,
            "accuracy": rounded(row.accuracy), "retrievability": rounded(row.retrievability), "weak": row.is_weak}


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
