"""The exam side of the question bank: rule pools and current versions."""

from sqlalchemy import literal, select, union_all

from ..bank.models import CONFIDENTIAL, Question, QuestionVersion
from ..bank.services import eligible_questions, filter_bank
from ..extensions import db
from .draw import RULE_FILTERS


def rule_filters(rule: dict) -> dict:
    """Return a rule's bank filters without the empty ones."""
    filters = {name: rule.get(name) for name in RULE_FILTERS if rule.get(name) not in (None, "", [])}
    if "difficulty" in filters:
        filters["difficulty"] = int(filters["difficulty"])
    return filters


def rule_pool(rule: dict, allow_public: bool = False) -> list[int]:
    """Return the ids of active, unreviewed questions that satisfy one blueprint rule (see pool_select)."""
    stmt = pool_select(rule, allow_public).with_only_columns(Question.id).order_by(Question.id)
    return list(db.session.scalars(stmt))


QUESTION_FILTERS = {"law", "type"}  # the rest are columns of the version


def pool_select(rule: dict, allow_public: bool = False):
    """The eligible questions of one rule; without a version filter the questions table alone answers
    (the foreign key guarantees the current version exists), which spares reading every version row.

    Only confidential (exam-only) questions, unless the exam explicitly allows public ones: the public
    bank and its keys are published for study, so anyone could learn them by heart.
    """
    filters = rule_filters(rule)
    if set(filters) <= QUESTION_FILTERS:
        stmt = filter_bank(select(Question).where(Question.status == "active", Question.needs_review.is_(False),
                                                  Question.current_version_id.is_not(None)), **filters)
    else:
        stmt = eligible_questions(**filters)
    return stmt if allow_public else stmt.where(Question.visibility == CONFIDENTIAL)


def rule_pools(rules: list[dict], allow_public: bool = False) -> list[list[int]]:
    """Return every rule's pool (sorted question ids) from one statement, read without ORM objects."""
    if not rules:
        return []
    parts = [pool_select(rule, allow_public).with_only_columns(literal(index).label("rule"), Question.id)
             for index, rule in enumerate(rules)]
    pools: list[list[int]] = [[] for _ in rules]
    for index, question_id in db.session.connection().execute(union_all(*parts) if len(parts) > 1 else parts[0]):
        pools[index].append(question_id)
    return [sorted(pool) for pool in pools]


def frozen_sources(question_ids: list[int]) -> dict[int, dict]:
    """Return what freezing needs of each question's current version (plain rows), keyed by question id."""
    if not question_ids:
        return {}
    rows = db.session.connection().execute(
        select(Question.id, QuestionVersion.id.label("version_id"), QuestionVersion.type, QuestionVersion.stem,
               QuestionVersion.options, QuestionVersion.answer, QuestionVersion.subquestions)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.id.in_(question_ids)))
    return {row.id: row._asdict() for row in rows}


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
