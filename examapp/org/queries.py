"""Read-side helpers for the people pages and API (scoped)."""

from flask import abort
from sqlalchemy import or_, select

from ..extensions import db
from ..permissions import can_manage_person, can_view_person, restrict_to_scope, scope_unit
from .models import RosterChange, Unit, User


def units_in_scope(actor: User) -> list[Unit]:
    root = scope_unit(actor)
    stmt = select(Unit).order_by(Unit.path)
    if root is not None:
        stmt = stmt.where(Unit.path.startswith(root.path))
    return list(db.session.scalars(stmt))


def people_query(actor: User, *, q: str = "", unit_id: int | None = None, role: str = "",
                 status: str = "", flag: str = ""):
    """Return a select() of people in scope, filtered."""
    stmt = restrict_to_scope(select(User), actor).join(User.unit)
    if q:
        text = q.strip()  # % and _ are letters here, not wildcards
        stmt = stmt.where(or_(User.name.contains(text, autoescape=True),
                              User.username.contains(text, autoescape=True)))
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is not None:
            stmt = stmt.where(Unit.path.startswith(unit.path))
    if role:
        stmt = stmt.where(User.role == role)
    if status:
        stmt = stmt.where(User.status == status)
    if flag in ("is_leader", "is_grid_worker", "is_enforcement"):
        stmt = stmt.where(getattr(User, flag).is_(True))
    return stmt.order_by(Unit.path, User.username)


def roster_history(user: User) -> list[RosterChange]:
    stmt = select(RosterChange).where(RosterChange.user_id == user.id).order_by(RosterChange.at.desc(),
                                                                               RosterChange.id.desc())
    return list(db.session.scalars(stmt))


def person_for(actor: User, user_id: int, *, manage: bool = False) -> User:
    """Load a person for actor: 404 unless actor may see them (so ids reveal nothing), 403 to manage."""
    person = db.session.get(User, user_id)
    if person is None or not can_view_person(actor, person):
        abort(404)
    if manage and not can_manage_person(actor, person):
        abort(403)
    return person
