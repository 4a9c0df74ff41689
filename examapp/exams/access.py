"""Who may see or act on exams and attempts (role AND unit scope)."""

from ..org.models import User
from ..permissions import ADMIN, EXAMINER, HR, UNIT_ADMIN, in_scope
from .models import Attempt


def can_manage_exams(user: User) -> bool:
    return user.is_authenticated and user.role in (ADMIN, EXAMINER)


def can_read_attempt(user: User, attempt: Attempt) -> bool:
    """The owner; HR and administrators (system, or unit admins) with the person's unit in scope."""
    if not user.is_authenticated:
        return False
    if user.id == attempt.user_id:
        return True
    return user.role in (HR, ADMIN, UNIT_ADMIN) and in_scope(user, attempt.user.unit)


def can_write_attempt(user: User, attempt: Attempt) -> bool:
    """Only the owner answers, submits and reports page leaves."""
    return user.is_authenticated and user.id == attempt.user_id
