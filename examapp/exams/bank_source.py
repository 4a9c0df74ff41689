"""The exam side of the question bank: rule pools and current versions."""

from sqlalchemy import select

from ..bank.models import CONFIDENTIAL, Question, QuestionVersion
from ..bank.services import eligible_questions
from ..extensions import db
from .draw import RULE_FILTERS


def rule_filters(rule: dict) -> dict:
    """Return a rule's bank filters without the empty ones."""
    filters = {name: rule.get(name) for name in RULE_FILTERS if rule.get(name) not in (None, "", [])}
    if "difficulty" in filters:
        filters["difficulty"] = int(filters["difficulty"])
    return filters


def rule_pool(rule: dict, allow_public: bool = False) -> list[int]:
    """Return the ids of active, unreviewed questions that satisfy one blueprint rule.

    Only confidential (exam-only) questions, unless the exam explicitly allows public ones: the public
    bank and its keys are published for study, so anyone could learn them by heart.
    """
    stmt = eligible_questions(**rule_filters(rule)).with_only_columns(Question.id).order_by(Question.id)
    if not allow_public:
        stmt = stmt.where(Question.visibility == CONFIDENTIAL)
    return list(db.session.scalars(stmt))


def current_versions(question_ids: list[int]) -> dict[int, QuestionVersion]:
    """Return each question's current version, keyed by question id."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(Question.id, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.id.in_(question_ids)))
    return {qid: version for qid, version in rows}


def versions_by_id(version_ids: list[int]) -> dict[int, QuestionVersion]:
    if not version_ids:
        return {}
    return {v.id: v for v in db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(version_ids)))}
