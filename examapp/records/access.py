"""Who may see and act on certificates and study records (role AND unit scope)."""

from ..org.models import User
from ..permissions import ADMIN, HR, UNIT_ADMIN, in_scope
from .models import Certificate

STAFF_READERS = (ADMIN, HR, UNIT_ADMIN)


def can_view_certificate(user: User, cert: Certificate) -> bool:
    """The holder, or HR / admins with the holder's current unit in scope."""
    if user.id == cert.user_id:
        return True
    return user.role in STAFF_READERS and in_scope(user, cert.holder.unit)


def can_revoke_certificates(user: User) -> bool:
    return user.role == ADMIN


def can_list_certificates(user: User) -> bool:
    return user.role in STAFF_READERS


def can_view_record(user: User, person: User) -> bool:
    """A learner sees their own record; HR and admins in scope see anyone's."""
    if user.id == person.id:
        return True
    return user.role in STAFF_READERS and in_scope(user, person.unit)


def can_check_promotion(user: User) -> bool:
    return user.role in STAFF_READERS


def can_see_qualifications(user: User) -> bool:
    return user.role in STAFF_READERS
