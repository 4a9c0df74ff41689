"""Proposing and saving drafts for one article of the library (the rules live in drafting.py)."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..errors import Invalid
from ..extensions import db
from .drafting import Draft, propose
from .models import Question, QuestionVersion
from .services import create_question, validate_question
from .validation import fingerprint


def article_drafts(article) -> list[tuple[Draft, bool]]:
    """The drafts for a study Article, each with whether the same question is already in the bank."""
    law = article.law
    drafts = propose(article.text, law.slug, article.number, law.short_title, article.label)
    prints = {fingerprint(d.data) for d in drafts}
    known = set(db.session.scalars(select(QuestionVersion.fingerprint).join(
        Question, Question.current_version_id == QuestionVersion.id).where(QuestionVersion.fingerprint.in_(prints))))
    return [(d, fingerprint(d.data) in known) for d in drafts]


def saved_drafts(article) -> list[Question]:
    """Draft questions (not yet approved) whose basis cites this article."""
    stmt = select(Question).join(QuestionVersion, Question.current_version_id == QuestionVersion.id).where(
        Question.status == "draft", Question.law_slug == article.law.slug).order_by(Question.id)
    wanted = {"law": article.law.slug, "article": article.number}
    return [q for q in db.session.scalars(stmt) if wanted in (q.current.basis or [])]


def save_drafts(article, picks: list[int], actor, now: datetime) -> list[Question]:
    """Save the chosen proposals as draft, confidential questions (flushes); refuse bad or known picks."""
    offered = article_drafts(article)
    if not picks:
        raise Invalid(_("Choose at least one draft to save."))
    if any(not 0 <= i < len(offered) for i in picks):
        raise Invalid(_("The drafts changed since the page was shown; choose again."))
    if any(offered[i][1] for i in picks):
        raise Invalid(_("One of the chosen drafts is already in the bank."))
    created = []
    for index in sorted(set(picks)):
        data = offered[index][0].data
        problems = validate_question(data)
        if problems:  # the rules should never build an invalid question; refuse rather than save it
            raise Invalid("; ".join(problems))
        created.append(create_question(data, actor, now))
    audit.record("bank.drafts", actor=actor, target=f"{article.law.slug}:{article.number}", now=now,
                 detail={"codes": [q.code for q in created]})
    return created
