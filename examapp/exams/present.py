"""What leaves the server: paper, attempt state, result and review (the key only when allowed)."""

from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..localtime import iso  # noqa: F401  (the one ISO helper; re-exported for the API)
from .letters import item_explanations
from .models import IN_PROGRESS, Attempt, AttemptItem, Exam

REASONS = {
    "ok": _l("You can start this exam."),
    "not_published": _l("This exam is not published."),
    "not_in_audience": _l("This exam is not meant for you."),
    "not_open_yet": _l("The exam window has not opened yet."),
    "closed": _l("The exam window has closed."),
    "not_eligible": _l("You have not yet reached this year's required study credits."),
    "no_attempts_left": _l("You have used all your attempts."),
    "key_holder": _l("Examiners and system administrators can read the answer keys, so they cannot take an exam "
                     "as a candidate."),
}


# Messages the API module uses (kept here so they live in the exams catalogue).
API_MESSAGES = {
    "not_found": _l("The page or item was not found."),
    "invalid": _l("Some input is invalid."),
    "body": _l("Send a JSON body with an \"answer\"."),
}


def refusal_message(situation) -> str:
    return str(REASONS.get(situation.reason, situation.reason))


def num(value) -> int | float | None:
    """Render an exact Decimal for JSON: an integer when whole, else a number with cents."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)



def question_json(item: AttemptItem) -> dict:
    """One paper item as the learner sees it: never the key."""
    content = item.content or {}
    data = {"id": item.question_id, "position": item.position, "section": item.section, "type": item.type,
            "points": num(item.points), "stem": content.get("stem", "")}
    if item.type in ("single", "multiple"):
        data["options"] = [{"key": o["key"], "text": o["text"]} for o in content.get("options", [])]
    if item.type == "blank":
        data["blanks"] = content.get("blanks", 1)
    if item.type == "case":
        data["subquestions"] = [
            {"id": f"{item.question_id}-{s['n']}", "type": s["type"], "stem": s["stem"],
             **({"options": s["options"]} if s.get("options") else {})}
            for s in content.get("subquestions", [])]
    return data


def remaining_seconds(attempt: Attempt, now: datetime) -> int:
    if attempt.state != IN_PROGRESS:
        return 0
    return max(int((attempt.deadline_at - now).total_seconds()), 0)


def paper_json(attempt: Attempt, now: datetime, items=None) -> dict:
    """The start/resume response: the paper, saved answers and the server's clock.

    items: the paper's rows when the caller has them (paper_items), else attempt.items is loaded.
    """
    items = attempt.items if items is None else items
    return {**state_json(attempt, now, items), "questions": [question_json(i) for i in items]}


# What the paper shows of each item: the key and option order stay unread (and undecoded) on a resume.
PAPER_COLUMNS = (AttemptItem.question_id, AttemptItem.position, AttemptItem.section, AttemptItem.type,
                 AttemptItem.points, AttemptItem.content, AttemptItem.answer, AttemptItem.is_flagged)


def paper_items(attempt: Attempt) -> list:
    """The paper's items in order, as plain rows of PAPER_COLUMNS (for paper_json)."""
    from ..extensions import db

    return list(db.session.execute(select(*PAPER_COLUMNS).where(AttemptItem.attempt_id == attempt.id)
                                   .order_by(AttemptItem.position)))


def state_json(attempt: Attempt, now: datetime, items=None) -> dict:
    items = attempt.items if items is None else items
    return {
        "attempt_id": attempt.id, "exam_id": attempt.exam_id, "number": attempt.number, "state": attempt.state,
        "started_at": iso(attempt.started_at), "deadline": iso(attempt.deadline_at),
        "server_time": iso(now), "remaining_seconds": remaining_seconds(attempt, now),
        "answers": {str(i.question_id): i.answer for i in items if i.answer is not None},
        "flagged": [i.question_id for i in items if i.is_flagged],
    }


def certificate_serial(attempt: Attempt) -> str | None:
    try:
        from ..records.services import certificate_serial_for
    except ImportError:
        return None
    return certificate_serial_for(attempt)


def result_json(attempt: Attempt) -> dict:
    return {"attempt_id": attempt.id, "state": attempt.state, "score": num(attempt.score),
            "max_score": num(attempt.max_score), "passed": attempt.passed, "excellent": attempt.excellent,
            "finished_at": iso(attempt.finished_at), "finish_reason": attempt.finish_reason,
            "certificate_serial": certificate_serial(attempt) if attempt.passed else None}


def review_level(exam: Exam, attempt: Attempt, viewer, now: datetime) -> str:
    """Return "none", "answers" (marks without key) or "full" (key, explanation, articles).

    Keys and explanations are for examiners and administrators only (they never sit an exam); HR and unit
    admins get the marks and answers; the owner gets what the exam's review policy allows.
    """
    from .availability import KEY_HOLDERS, review_released

    if attempt.state == IN_PROGRESS:
        return "none"
    if viewer.id != attempt.user_id:
        return "full" if viewer.role in KEY_HOLDERS else "answers"
    if exam.review_policy == "never":
        return "none"
    if exam.review_policy == "after_close" and not review_released(exam, now):
        return "none"
    return "full" if exam.review_shows_key else "answers"


def withheld_questions(attempt: Attempt, viewer, now: datetime) -> set[int]:
    """Confidential questions of the paper to keep out of the review until no attempt can still answer them."""
    from ..bank.models import CONFIDENTIAL, Question
    from ..extensions import db
    from .availability import KEY_HOLDERS, review_released

    if viewer.role in KEY_HOLDERS and viewer.id != attempt.user_id:
        return set()
    ids = [item.question_id for item in attempt.items]
    confidential = set(db.session.scalars(select(Question.id).where(
        Question.id.in_(ids), Question.visibility == CONFIDENTIAL))) if ids else set()
    if not confidential or review_released(attempt.exam, now):
        return set()
    return confidential


def article_text(slug: str, number: int) -> str:
    from ..bank.library import find_article

    try:
        article = find_article(slug, int(number))
    except Exception:  # a missing law version must not break the review
        return ""
    return article.text if article else ""


def withheld_row(item: AttemptItem) -> dict:
    """A confidential item before release: its place and points only (its marks would tell the key)."""
    return {"id": item.question_id, "position": item.position, "section": item.section, "type": item.type,
            "points": num(item.points), "withheld": True}


def review_json(attempt: Attempt, level: str, versions: dict, withheld: frozenset | set = frozenset()) -> list[dict]:
    """Each item with the learner's answer and marks; with the key and explanation at level "full"."""
    if level == "none":
        return []
    texts: dict = {}

    def cached(law: str, number: int) -> str:
        if (law, number) not in texts:
            texts[law, number] = article_text(law, number)
        return texts[law, number]

    rows = []
    for item in attempt.items:
        if item.question_id in withheld:
            rows.append(withheld_row(item))
            continue
        row = {**question_json(item), "answer": item.answer, "is_correct": item.is_correct,
               "awarded": num(item.awarded)}
        if level == "full":
            version = versions.get(item.graded_version_id or item.question_version_id)
            row["key"] = item.key
            # Explanations name the bank's letters; show them in this learner's shuffled order.
            row["explanation"], subs = item_explanations(item.type, item.option_order,
                                                         version.explanation if version else "",
                                                         version.subquestions if version else None)
            for sub, text in zip(row.get("subquestions", []), subs, strict=False):
                sub["explanation"] = text
            row["basis"] = [{"law": b["law"], "article": b["article"], "text": cached(b["law"], b["article"])}
                            for b in (version.basis if version else []) or []]
        rows.append(row)
    return rows


def attempt_json(attempt: Attempt, viewer, now: datetime) -> dict:
    """GET /attempts/<id>: state and saved answers; after finishing, result and review per policy."""
    from .bank_source import versions_by_id

    data = {**state_json(attempt, now), "user_id": attempt.user_id}
    if attempt.state == IN_PROGRESS:
        if viewer.id == attempt.user_id:  # staff may be candidates too: the paper is for its owner only
            data["questions"] = [question_json(i) for i in attempt.items]
        return data
    level = review_level(attempt.exam, attempt, viewer, now)
    wanted = [i.graded_version_id or i.question_version_id for i in attempt.items]
    versions = versions_by_id(wanted) if level == "full" else {}
    data["result"] = result_json(attempt)
    data["review_level"] = level
    withheld = withheld_questions(attempt, viewer, now) if level != "none" else set()
    data["review"] = review_json(attempt, level, versions, withheld)
    data["review_withheld"] = len(withheld)
    return data


def standing_message(situation) -> str:
    if situation.open_attempt is not None:
        return _("You have an attempt in progress.")
    return refusal_message(situation)
