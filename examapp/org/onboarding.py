"""First log-ins for a whole import: one-time passwords for the batch, each to be changed at first log-in."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import audit
from ..auth.services import generate_password
from ..auth.sessions import end_all_access_of
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..permissions import ADMIN, UNIT_ADMIN, can_manage_person
from .demo import is_demo_account
from .models import ImportBatch, User
from .services import CHUNK


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
    ids = batch.user_ids or []
    people = [person for start in range(0, len(ids), CHUNK)
              for person in db.session.scalars(select(User).options(joinedload(User.unit))
                                               .where(User.id.in_(ids[start:start + CHUNK])))]
    return sorted(people, key=lambda u: (u.unit.path, u.name, u.id))


def issue_batch_passwords(actor: User, batch: ImportBatch, now: datetime) -> tuple[list[Slip], list[User]]:
    """Give every person of the batch the actor may serve a new one-time password; return slips and skipped."""
    if actor.role not in (ADMIN, UNIT_ADMIN):
        raise Forbidden(_("You may not do this."))
    slips, skipped, served = [], [], []
    for person in batch_people(batch):
        if not may_issue_password(actor, person):
            skipped.append(person)
            continue
        password = generate_password()
        person.set_one_time_password(password)  # random, so a fast hash is safe: see set_one_time_password
        person.must_change_password, person.failed_logins, person.locked_until = True, 0, None
        slips.append(Slip(person.name, person.username, person.unit.full_name, password))
        served.append(person.id)
    # A new password is a reset: no old way in survives it (one statement per 5,000 people, not two each).
    end_all_access_of(served, now)
    batch.passwords_issued_at, batch.passwords_issued_count = now, len(slips)
    audit.record("passwords_issued", actor=actor, target=f"import:{batch.id}", now=now, detail={
        "count": len(slips), "filename": batch.filename, "skipped": [p.username for p in skipped]})
    return slips, skipped
