"""Who may read which reports (role AND unit scope)."""

from flask import abort, request
from flask_login import current_user

from ..extensions import db
from ..org.models import Unit, User
from ..permissions import ADMIN, EXAMINER, can_read_reports, scope_unit


def can_see_item_analysis(user: User) -> bool:
    """Examiners and admins; HR and unit admins see people, not questions."""
    return user.role in (ADMIN, EXAMINER)


def require_reports() -> None:
    if not current_user.is_authenticated:
        abort(401)
    if not can_read_reports(current_user):
        abort(403)


def unit_in_scope(unit_id: int | None) -> Unit | None:
    """Return the requested unit filter, or 403 when it is outside the viewer's subtree."""
    if not unit_id:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    root = scope_unit(current_user)
    if root is not None and not root.contains(unit):
        abort(403)
    return unit


def requested_unit() -> Unit | None:
    return unit_in_scope(request.args.get("unit_id", type=int))
