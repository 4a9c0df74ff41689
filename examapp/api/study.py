"""Statute library, search and the reading heartbeat (study credits)."""

from flask import jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from ..db import utcnow
from ..extensions import db
from ..study import services
from ..study.citations import law_named
from ..study.credits import check_heartbeat, local_day, record_heartbeat, seconds_today
from ..study.offline import credit_offline, parse_batch
from ..study.search import check_query, citation_target, count_matches, search
from . import bp
from .spec import BOOL, COUNTS, DATE, INT, NUM, STR, array, doc, nullable, obj, request_body

LAW = obj({"slug": STR, "title": STR, "short_title": nullable(STR), "version_date": DATE, "level": nullable(STR),
           "in_force": BOOL, "article_count": INT})
HEARTBEAT = {"type": "object", "required": ["slug"], "additionalProperties": False, "properties": {
    "slug": {"type": "string"}, "number": {"type": "integer"}, "visible": {"type": "boolean"},
    "active": {"type": "boolean"}}}
OFFLINE_BATCH = {"type": "object", "required": ["batch", "segments"], "additionalProperties": False, "properties": {
    "batch": {"type": "string"}, "segments": {"type": "array", "items": {"type": "object", "properties": {
        "slug": {"type": "string"}, "started_at": {"type": "string", "format": "date-time"},
        "seconds": {"type": "integer"}}}}}}


def law_json(law) -> dict:
    return {"slug": law.slug, "title": law.title, "short_title": law.short_title,
            "version_date": law.version_date.isoformat(), "level": law.level, "in_force": law.is_in_force,
            "article_count": law.article_count}


@bp.route("/laws")
@login_required
@doc("Every law version in the library: slug, title, version date, level, in force, article count",
     reply=obj({"laws": array(LAW)}))
def laws():
    return jsonify({"laws": [law_json(law) for law in services.all_laws()]})


@bp.route("/laws/<slug>/articles/<int:number>")
@login_required
@doc("One article: number, chapter, section, text and the previous/next article numbers",
     responses={404: "No such law or article"},
     reply=obj({"law": LAW, "number": INT, "label": STR, "chapter": nullable(STR), "section": nullable(STR),
                "text": STR, "previous": nullable(INT), "next": nullable(INT)}))
def article(slug: str, number: int):
    found = services.get_article(slug, number)
    prev, nxt = services.neighbours(found)
    return jsonify({"law": law_json(found.law), "number": found.number, "label": found.label,
                    "chapter": found.chapter, "section": found.section, "text": found.text,
                    "previous": prev.number if prev else None, "next": nxt.number if nxt else None})


@bp.route("/search")
@login_required
@doc("Search all statutes (two-character queries work); ranked, with <mark>-highlighted snippets; "
     "a citation such as 行政处罚法第三十三条 is also returned as `citation`, a statute's name or common "
     "short name (复议法) as `law`",
     query={"q": "string", "limit": "integer"}, responses={422: "Empty query"},
     reply=obj({"query": STR, "total": INT, "citation": nullable(obj({"slug": STR, "number": INT})),
                "law": nullable(obj({"slug": STR})),
                "results": array(obj({"slug": STR, "title": STR, "in_force": BOOL, "number": INT, "label": STR,
                                      "score": NUM, "snippet": STR}))}))
def search_laws():
    query = (request.args.get("q") or "").strip()
    check_query(query)
    limit = min(max(request.args.get("limit", 50, type=int) or 50, 1), 200)
    target = citation_target(query)
    hits = search(query, limit=limit)
    return jsonify({
        "query": query, "total": count_matches(query),
        "citation": {"slug": target.slug, "number": target.number} if target else None,
        "law": {"slug": named} if (named := law_named(query)) else None,
        "results": [{"slug": h.law.slug, "title": h.law.title, "in_force": h.law.is_in_force,
                     "number": h.article.number, "label": h.article.label, "score": h.score,
                     "snippet": str(h.snippet)} for h in hits]})


@bp.route("/study/heartbeat", methods=["POST"])
@login_required
@doc("Reading heartbeat from an article page: credits the time since the last visible, active beat "
     "(gaps over a minute, hidden or idle pages earn nothing; capped per day)",
     body=HEARTBEAT, responses={404: "No such law", 422: "Malformed body"},
     reply=obj({"credited_seconds": INT, "today_seconds": INT}))
def heartbeat():
    data = check_heartbeat(request_body())
    law = services.get_law(data["slug"])
    now = utcnow()
    try:
        earned = record_heartbeat(current_user, law.id, visible=data.get("visible") is True,
                                  active=data.get("active", True) is True, now=now)
        db.session.commit()
    except IntegrityError:  # two tabs' first beats raced to create the same row: this beat just earns nothing
        db.session.rollback()
        earned = 0
    return jsonify({"credited_seconds": earned, "today_seconds": seconds_today(current_user.id, local_day(now))})


@bp.route("/study/offline-time", methods=["POST"])
@login_required
@doc("Reading time earned offline, queued on the phone and sent when the connection returns: credited once "
     "per batch key, within each day's cap; time in the future, overlapping stretches and days older than "
     "a week earn nothing",
     body=OFFLINE_BATCH, responses={422: "Malformed batch, an unknown law, or a reading that starts in the future"},
     reply=obj({"batch": STR, "duplicate": BOOL, "claimed_seconds": INT, "credited_seconds": INT,
                "too_old_seconds": INT, "credited_by_day": COUNTS, "today_seconds": INT}))
def offline_time():
    now = utcnow()
    key, segments = parse_batch(request_body(), now)
    try:
        result = credit_offline(current_user, key, segments, now)
        db.session.commit()
    except IntegrityError:  # the same batch sent twice at once: the other request credited it
        db.session.rollback()
        result = credit_offline(current_user, key, segments, now)
    return jsonify({"batch": key, "duplicate": result.duplicate, "claimed_seconds": result.claimed,
                    "credited_seconds": result.credited, "too_old_seconds": result.too_old,
                    "credited_by_day": result.days,
                    "today_seconds": seconds_today(current_user.id, local_day(now))})
