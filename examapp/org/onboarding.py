"""First log-ins for a whole import: one-time passwords for the batch, each to be changed at first log-in."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..auth.services import generate_password
from ..auth.sessions import end_sessions, revoke_tokens
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..permissions import ADMIN, UNIT_ADMIN, can_manage_person
from .demo import is_demo_account
from .models import ImportBatch, User


@dataclass
class Slip:
    """What one person needs for a first log-in (the password exists only in the download)."""

    name: str
    username: str
    unit_name: str
    password: str


def may_issue_password(actor: User, person: User) -> bool:
    """Unit admins give first passwords to learners in their subtree; staff accounts only the system admin."""
    if is_demo_account(person) or person.status != "active" or person.id == actor.id:
        return False
    return can_manage_person(actor, person)  # the house rule: staff accounts are the system admin's alone


def load_batch(actor: User, batch_id: int) -> ImportBatch:
    """The import's own batch (or any, for the system admin); someone else's is not found."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or (actor.role != ADMIN and batch.actor_id != actor.id):
        raise NotFound(_("The page or item was not found."))
    return batch


def batch_people(batch: ImportBatch) -> list[User]:
    if not batch.user_ids:
        return []
    people = db.session.scalars(select(User).where(User.id.in_(batch.user_ids)))
    return sorted(people, key=lambda u: (u.unit.path, u.name, u.id))


def issue_batch_passwords(actor: User, batch: ImportBatch, now: datetime) -> tuple[list[Slip], list[User]]:
    """Give every person of the batch the actor may serve a new one-time password; return slips and skipped."""
    if actor.role not in (ADMIN, UNIT_ADMIN):
        raise Forbidden(_("You may not do this."))
    slips, skipped = [], []
    for person in batch_people(batch):
        if not may_issue_password(actor, person):
            skipped.append(person)
            continue
        password = generate_password()
        person.set_password(password)
        person.must_change_password, person.failed_logins, person.locked_until = True, 0, None
        end_sessions(person, now)
        revoke_tokens(person, now)  # a new password is a reset: no old way in survives it
        slips.append(Slip(person.name, person.username, person.unit.full_name, password))
    batch.passwords_issued_at, batch.passwords_issued_count = now, len(slips)
    audit.record("passwords_issued", actor=actor, target=f"import:{batch.id}", now=now, detail={
        "count": len(slips), "filename": batch.filename, "skipped": [p.username for p in skipped]})
    return slips, skipped
