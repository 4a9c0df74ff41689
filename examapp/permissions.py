"""Roles, unit scope and the can_* predicates every view and API call uses."""

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import Select

from .extensions import login_manager
from .org.models import Unit, User

LEARNER, UNIT_ADMIN, EXAMINER, HR, ADMIN = "learner", "unit_admin", "examiner", "hr", "admin"
STAFF_ROLES = (UNIT_ADMIN, EXAMINER, HR, ADMIN)


def scope_unit(user: User) -> Unit | None:
    """Return the root of the subtree a user may see, or None for the whole tree.

    Learners see only themselves (their scope is not a subtree), so callers
    check ownership separately; this answers for staff roles.
    """
    if user.role in (ADMIN, EXAMINER):
        return None
    if user.role in (HR, UNIT_ADMIN):
        # An HR account without a recorded scope sees its own unit, never the whole tree.
        return user.scope_unit or user.unit
    return user.unit


def in_scope(user: User, unit: Unit | None) -> bool:
    root = scope_unit(user)
    return root is None or root.contains(unit)


def restrict_to_scope(stmt: Select, user: User, unit_column=User.unit_id) -> Select:
    """Limit a query over people (or anything with a unit id) to the user's subtree."""
    root = scope_unit(user)
    if root is None:
        return stmt
    subtree = Unit.__table__.select().with_only_columns(Unit.id).where(
        Unit.path.startswith(root.path)
    )
    return stmt.where(unit_column.in_(subtree))


def can_manage_people(user: User) -> bool:
    return user.role in (ADMIN, UNIT_ADMIN)


def can_manage_person(user: User, person: User) -> bool:
    """System admins manage every account; unit admins only learners in their subtree.

    The one rule for every path that changes an account (pages, API, import): a staff account
    (unit admin, examiner, HR, admin) is managed by a system admin alone.
    """
    if user.role == ADMIN:
        return True
    return (user.role == UNIT_ADMIN and person.role == LEARNER and person.id != user.id
            and in_scope(user, person.unit))


def can_view_person(user: User, person: User) -> bool:
    """Yourself, or staff with the person's unit in scope (examiners excepted)."""
    if user.id == person.id:
        return True
    return user.role in (ADMIN, HR, UNIT_ADMIN) and in_scope(user, person.unit)


def can_assign_role(user: User, role: str) -> bool:
    if user.role == ADMIN:
        return True
    return user.role == UNIT_ADMIN and role == LEARNER


def can_set_scope(user: User) -> bool:
    """Only a system admin decides how far an HR or unit admin account sees."""
    return user.role == ADMIN


def can_read_audit(user: User) -> bool:
    return user.role == ADMIN


def can_read_reports(user: User) -> bool:
    return user.role in (ADMIN, HR, UNIT_ADMIN)


def can_manage_bank(user: User) -> bool:
    return user.role in (ADMIN, EXAMINER)


def can_manage_exams(user: User) -> bool:
    return user.role in (ADMIN, EXAMINER)


def can_manage_study_sessions(user: User) -> bool:
    return user.role in (ADMIN, UNIT_ADMIN)


def roles_required(*roles: str):
    """Allow a view only to logged-in users with one of these roles (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator
