"""Amendment review (待复核): flag questions whose cited articles changed in a new law version."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..study.signals import law_version_loaded
from . import library
from .models import REVIEW_CONFIRMED, REVIEW_EDITED, REVIEW_OPEN, Question, QuestionReview
from .services import question_dict, update_question


def cited(data: dict, slug: str) -> list[int]:
    """Article numbers of law `slug` cited by a question or any of its sub-questions."""
    entries = list(data.get("basis") or [])
    for sub in data.get("subquestions") or []:
        entries += sub.get("basis") or []
    numbers: list[int] = []
    for entry in entries:
        if entry["law"] == slug and entry["article"] not in numbers:
            numbers.append(entry["article"])
    return numbers


def flag_for_amendment(old_law, new_law, now: datetime) -> list[QuestionReview]:
    """Open a review for every live question citing an old article that changed, moved or went."""
    from ..study.versions import match_articles

    mapping = match_articles(old_law, new_law)
    flagged = []
    stmt = select(Question).where(Question.status != "retired")
    for question in db.session.scalars(stmt):
        numbers = cited(question.current.content(), old_law.slug) if question.current else []
        changes = [{"article": n, "new_article": mapping.get(n, (None, "removed"))[0],
                    "status": mapping.get(n, (None, "removed"))[1]} for n in numbers]
        changes = [c for c in changes if c["status"] != "same"]
        if not changes:
            continue
        question.needs_review = True
        review = QuestionReview(question=question, version_id=question.current_version_id, old_law=old_law.slug,
                                new_law=new_law.slug, changes=changes, created_at=now)
        db.session.add(review)
        flagged.append(review)
    db.session.flush()
    if flagged:
        audit.record("bank.review_flagged", target=new_law.slug, now=now,
                     detail={"old_law": old_law.slug, "questions": len(flagged)})
    return flagged


def on_law_version_loaded(new_law, old_law=None, now=None, **_extra) -> None:
    """Signal receiver: the study loader sends this when a newer version of a law is loaded."""
    if old_law is not None:
        flag_for_amendment(old_law, new_law, now)


law_version_loaded.connect(on_law_version_loaded)


def side_by_side(review: QuestionReview) -> list[dict]:
    """Old and new article text for each change of a review."""
    from ..study.versions import diff_html

    rows = []
    for change in review.changes:
        old = library.find_article(review.old_law, change["article"])
        new = library.find_article(review.new_law, change["new_article"]) if change["new_article"] else None
        rows.append({**change, "old_text": old.text if old else "", "new_text": new.text if new else "",
                     "diff": diff_html(old.text if old else "", new.text if new else "")})
    return rows


def rewritten(review: QuestionReview) -> dict:
    """The question with its basis moved to the new law version's article numbers."""
    data = question_dict(review.question)
    moves = {c["article"]: c["new_article"] for c in review.changes}
    if any(target is None for target in moves.values()):
        raise Invalid(_("A cited article no longer exists; edit the question instead of confirming it."))

    def move(basis: list) -> list:
        return [{"law": review.new_law, "article": moves.get(b["article"], b["article"])}
                if b["law"] == review.old_law else b for b in basis]

    data["basis"] = move(data["basis"])
    for sub in data.get("subquestions") or []:
        sub["basis"] = move(sub.get("basis") or [])
    if data.get("law") == review.old_law:
        data["law"] = review.new_law
    return data


def confirm_review(review: QuestionReview, actor, now: datetime) -> None:
    """The examiner checked the question: cite the new version and release it for exams."""
    if review.status != REVIEW_OPEN:
        raise Conflict(_("This review is already closed."))
    update_question(review.question, rewritten(review), actor, now, note="amendment confirmed")
    close_review(review, REVIEW_CONFIRMED, actor, now)


def close_review(review: QuestionReview, outcome: str, actor, now: datetime) -> None:
    review.status, review.resolved_at, review.resolved_by_id = outcome, now, getattr(actor, "id", None)
    db.session.flush()
    still_open = db.session.scalar(select(QuestionReview.id).where(
        QuestionReview.question_id == review.question_id, QuestionReview.status == REVIEW_OPEN).limit(1))
    review.question.needs_review = still_open is not None
    if review.question.law_slug == review.old_law:
        review.question.law_slug = review.new_law
    audit.record("bank.review_" + outcome, actor=actor, target=review.question.code, now=now,
                 detail={"review": review.id, "old_law": review.old_law, "new_law": review.new_law})


def edited_after_review(review: QuestionReview, data: dict, actor, now: datetime) -> None:
    """Save the examiner's edit made from the review page and close the review."""
    if review.status != REVIEW_OPEN:
        raise Conflict(_("This review is already closed."))
    update_question(review.question, data, actor, now, note="edited after amendment")
    close_review(review, REVIEW_EDITED, actor, now)
