"""Who an exam is for: one rule, as a Python predicate and as SQL (reports count 100,000 people).

Units (with subtrees) AND people. When the exam names roles, a person with one of them or any
named category (leading cadre, grid worker, law-enforcement officer) is in. When it names no
roles, the exam is for learners only: administrators, examiners, HR and unit administrators run
the exam and are never counted as 应考; categories then narrow the learners.
"""

import functools

from sqlalchemy import and_, bindparam, false, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from ..extensions import db
from ..org.models import Unit, User
from ..permissions import LEARNER

CATEGORIES = (("leaders", "is_leader"), ("grid_workers", "is_grid_worker"), ("enforcement", "is_enforcement"))


def audience_units(exam) -> list[Unit]:
    ids = [int(u) for u in (exam.audience or {}).get("unit_ids") or []]
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)))) if ids else []


def audience_units_of(exams) -> dict[int, list[Unit]]:
    """Each exam's audience units, loaded in one query (for in_audience over several exams)."""
    wanted = {e.id: [int(u) for u in (e.audience or {}).get("unit_ids") or []] for e in exams}
    ids = {u for exam_ids in wanted.values() for u in exam_ids}
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}
    return {exam_id: [found[u] for u in exam_ids if u in found] for exam_id, exam_ids in wanted.items()}


def in_audience(exam, user: User, units: list[Unit] | None = None) -> bool:
    """True when the exam is meant for this person (units: the exam's audience units, when already loaded)."""
    if user.status != "active":
        return False
    aud = exam.audience or {}
    if aud.get("unit_ids") and not (unit_within([int(u) for u in aud["unit_ids"]], user.unit_id) if units is None
                                    else any(u.contains(user.unit) for u in units)):
        return False
    wanted = [attr for key, attr in CATEGORIES if aud.get(key)]
    in_category = any(getattr(user, attr) for attr in wanted)
    roles = aud.get("roles") or []
    if roles:
        return user.role in roles or in_category
    return user.role == LEARNER and (not wanted or in_category)


def unit_within(unit_ids: list[int], unit_id: int | None) -> bool:
    """True when the unit is one of these units or lies in a subtree of one (Unit.contains), in one statement:
    neither the audience's units nor the person's own need loading (starting an exam asks this)."""
    if unit_id is None:
        return False
    return db.session.scalar(unit_within_statement(), {"unit_ids": unit_ids, "unit_id": unit_id}) is not None


@functools.cache
def unit_within_statement():
    """unit_within's statement, built once (an aliased entity costs more to build than the query to run)."""
    mine = aliased(Unit)
    return (select(literal(1)).select_from(Unit).join(mine, mine.id == bindparam("unit_id"))
            .where(Unit.id.in_(bindparam("unit_ids", expanding=True)),
                   func.substr(mine.path, 1, func.length(Unit.path)) == Unit.path).limit(1))


def audience_clause(exam):
    """The same rule as SQL over User joined to Unit."""
    return and_(audience_person_clause(exam), audience_unit_clause(exam))


def audience_unit_clause(exam):
    """The rule's part about the unit, as SQL over Unit (a report evaluates it once per unit)."""
    if not (exam.audience or {}).get("unit_ids"):
        return true()
    paths = [u.path for u in audience_units(exam)]
    return or_(*[Unit.path.startswith(p) for p in paths]) if paths else false()


def audience_person_clause(exam):
    """The rule's part about the person (status, role, categories), as SQL over User."""
    aud = exam.audience or {}
    clause = User.status == "active"
    categories = [getattr(User, attr).is_(True) for key, attr in CATEGORIES if aud.get(key)]
    roles = aud.get("roles") or []
    if roles:
        return and_(clause, or_(User.role.in_(roles), *categories))
    clause = and_(clause, User.role == LEARNER)
    return and_(clause, or_(*categories)) if categories else clause


def audience_size(exam) -> int:
    """How many people the exam is for."""
    stmt = select(func.count(User.id)).join(Unit, User.unit_id == Unit.id).where(audience_clause(exam))
    return db.session.scalar(stmt) or 0
