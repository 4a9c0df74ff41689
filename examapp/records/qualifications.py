"""持证上岗: law-enforcement officers without a valid qualification certificate, or about to lose it."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..org.models import Unit, User
from ..permissions import restrict_to_scope
from .models import Certificate


@dataclass
class Gap:
    person: User
    valid_until: date | None
    status: str  # none | expired | expiring
    days_left: int | None


def qualification_gaps(viewer: User, *, today: date, days: int, unit: Unit | None = None,
                       exam_id: int | None = None) -> list[Gap]:
    """Active enforcement officers in scope whose best certificate is missing or ends within `days`."""
    best = (select(Certificate.user_id, func.max(Certificate.valid_until).label("valid_until"))
            .where(Certificate.is_qualification.is_(True), Certificate.revoked_at.is_(None)))
    if exam_id:
        best = best.where(Certificate.exam_id == exam_id)
    best = best.group_by(Certificate.user_id).subquery()
    horizon = today + timedelta(days=max(days, 0))
    stmt = (select(User, best.c.valid_until).join(Unit, User.unit_id == Unit.id)
            .outerjoin(best, best.c.user_id == User.id)
            .where(User.is_enforcement.is_(True), User.status == "active")
            .where((best.c.valid_until.is_(None)) | (best.c.valid_until <= horizon)))
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path))
    stmt = restrict_to_scope(stmt, viewer).order_by(best.c.valid_until.is_not(None), best.c.valid_until,
                                                    Unit.path, User.name)
    return [gap(person, valid_until, today) for person, valid_until in db.session.execute(stmt)]


def gap(person: User, valid_until: date | None, today: date) -> Gap:
    if valid_until is None:
        return Gap(person, None, "none", None)
    left = (valid_until - today).days
    return Gap(person, valid_until, "expired" if left < 0 else "expiring", left)
