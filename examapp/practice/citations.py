"""Questions that cite an article (练一练本条)."""

from sqlalchemy import String, cast, select

from ..bank.models import Question, QuestionVersion
from ..extensions import db


def cited(basis: list | None, slug: str, number: int) -> bool:
    return any(b.get("law") == slug and int(b.get("article") or 0) == number for b in basis or [])


def questions_citing(slug: str, number: int) -> list[int]:
    """Ids of questions whose current version (or one of its sub-questions) cites this article."""
    # The basis is JSON; a text match on the slug narrows the rows before the exact check in Python.
    rows = db.session.execute(
        select(Question.id, QuestionVersion.basis, QuestionVersion.subquestions)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(cast(QuestionVersion.basis, String).contains(f'"{slug}"')))
    return [qid for qid, basis, subs in rows
            if cited(basis, slug, number) or any(cited(s.get("basis"), slug, number) for s in subs or [])]
