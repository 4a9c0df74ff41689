"""Roster work: add, edit, transfer, exempt and change status, each change recorded."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..auth.sessions import end_all_access
from ..db import insert_many
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..permissions import HR, UNIT_ADMIN, can_assign_role, can_manage_person, can_set_scope, in_scope
from .models import ROLES, STATUSES, RosterChange, Unit, User
from .validation import check_person

CHUNK = 5000  # ids or names per IN (…): SQLite allows 32,766 parameters, psycopg 65,535
TRACKED_FIELDS = ("name", "role", "unit_id", "scope_unit_id", "position", "rank", "phone", "is_leader",
                  "is_grid_worker", "is_enforcement", "status", "exempt_reason")


def snapshot(user: User) -> dict:
    return {field: getattr(user, field) for field in TRACKED_FIELDS}


def add_unit(name: str, parent: Unit | None, kind: str = "office", sort_order: int = 0) -> Unit:
    """Create a unit under parent (flushes to get the id its path needs)."""
    unit = Unit(name=name, kind=kind, sort_order=sort_order, path="", full_name=name)
    db.session.add(unit)
    db.session.flush()
    unit.place_under(parent)
    return unit


def find_unit(reference: str) -> Unit | None:
    """Find a unit by its full path (乌塘镇/某村委会), or by a name that is unique."""
    reference = reference.strip().strip("/")
    unit = db.session.scalar(select(Unit).where(Unit.full_name == reference))
    if unit is not None:
        return unit
    matches = db.session.scalars(select(Unit).where(Unit.name == reference)).all()
    return matches[0] if len(matches) == 1 else None


def unit_finder():
    """find_unit that asks the database once per distinct reference (an import names the same units again and again)."""
    found: dict[str, Unit | None] = {}

    def find(reference: str) -> Unit | None:
        if reference not in found:
            found[reference] = find_unit(reference)
        return found[reference]

    return find


def record_change(actor: User | None, user: User, kind: str, before: dict, now: datetime,
                  reason: str = "") -> RosterChange:
    after = snapshot(user)
    change = RosterChange(user=user, actor=actor, kind=kind, reason=reason, at=now, **differences(before, after))
    db.session.add(change)
    audit.record(f"roster_{kind}", actor=actor, target=user.username,
                 detail={"before": change.before, "after": change.after, "reason": reason}, now=now)
    return change


def differences(before: dict, after: dict) -> dict:
    """The fields that changed, as the roster and the audit log keep them."""
    return {"before": {k: v for k, v in before.items() if after.get(k) != v},
            "after": {k: v for k, v in after.items() if before.get(k) != v}}


def record_joined(actor: User | None, joined: list[tuple[int, str, dict]], now: datetime) -> None:
    """record_change(…, "joined", …) for many new people (id, account, snapshot): one INSERT each for the
    roster and the audit log."""
    changes = [differences({}, after) for _id, _username, after in joined]
    insert_many(db.session, RosterChange, [
        {"user_id": user_id, "actor_id": getattr(actor, "id", None), "kind": "joined", "reason": "", "at": now,
         **change} for (user_id, _username, _after), change in zip(joined, changes, strict=True)])
    audit.record_many("roster_joined", [(username, {**change, "reason": ""})
                                        for (_id, username, _after), change in zip(joined, changes, strict=True)],
                      actor=actor, now=now)


def check_assignment(actor: User, role: str, unit: Unit) -> None:
    if role not in ROLES:
        raise Invalid(_("Unknown role."))
    if not can_assign_role(actor, role):
        raise Forbidden(_("You may not give this role."))
    if not in_scope(actor, unit):
        raise Forbidden(_("This unit is outside your scope."))


def settle_scope(actor: User | None, user: User, scope: Unit | None) -> None:
    """Give HR a scope (default: its own unit and subtree); only HR and unit admins keep one."""
    if scope is not None and scope != user.scope_unit:
        if actor is not None and not can_set_scope(actor):
            raise Forbidden(_("Only a system administrator may set how far an account sees."))
        if user.role not in (HR, UNIT_ADMIN):
            raise Invalid(_("Only HR and unit administrator accounts have a scope."))
        user.scope_unit = scope
    if user.role == HR and user.scope_unit is None:
        user.scope_unit = user.unit
    elif user.role not in (HR, UNIT_ADMIN):
        user.scope_unit = None


def new_person(actor: User | None, *, username: str, name: str, unit: Unit, role: str = "learner",
               scope_unit: Unit | None = None, **fields) -> User:
    """Check one person's details and assignment and return the (not yet added) account."""
    fields = check_person({"name": name, "role": role, **fields})
    name, role = fields.pop("name"), fields.pop("role")
    if actor is not None:
        check_assignment(actor, role, unit)
    user = User(username=username, name=name, unit=unit, role=role, **fields)
    settle_scope(actor, user, scope_unit)
    return user


def taken_usernames(usernames: list[str]) -> set[str]:
    """The accounts among these that exist already (asked in chunks: databases cap a statement's parameters)."""
    taken: set[str] = set()
    for start in range(0, len(usernames), CHUNK):
        taken.update(db.session.scalars(select(User.username).where(
            User.username.in_(usernames[start:start + CHUNK]))))
    return taken


def create_person(actor: User | None, now: datetime, *, username: str, name: str, unit: Unit,
                  role: str = "learner", password: str | None = None, scope_unit: Unit | None = None,
                  **fields) -> User:
    """Add one person (actor None means the system itself, e.g. the CLI)."""
    user = new_person(actor, username=username, name=name, unit=unit, role=role, scope_unit=scope_unit, **fields)
    if taken_usernames([username]):
        raise Invalid(_("The account %(name)s already exists.", name=username))
    if password:
        user.set_password(password)
    else:
        user.must_change_password = True
    db.session.add(user)
    db.session.flush()
    record_change(actor, user, "joined", {}, now)
    return user


def create_people(actor: User | None, now: datetime, people: list[dict]) -> list[int]:
    """Add many people at once (an import) and return their ids: create_person's rules for each, one INSERT for all.

    Nobody gets a password here: each must set one at first log-in, after a one-time password is issued.
    """
    users = [new_person(actor, **values) for values in people]
    taken = taken_usernames([u.username for u in users])
    if taken:
        raise Invalid(_("The account %(name)s already exists.", name=sorted(taken)[0]))
    # The ORM inserts one row per statement when it must learn each new id (SQLite cannot say in which
    # order a multi-row INSERT … RETURNING answers): one executemany, then the ids read back by account.
    insert_many(db.session, User, [new_row(user) for user in users])
    joined = read_back([u.username for u in users])
    record_joined(actor, joined, now)
    return [user_id for user_id, _username, _after in joined]


def new_row(user: User) -> dict:
    """The columns new_person set on a (never added) account; the table's defaults fill the rest."""
    values = {key: value for key, value in vars(user).items() if key in User.__table__.columns}
    return {**values, "unit_id": user.unit.id, "scope_unit_id": user.scope_unit.id if user.scope_unit else None,
            "must_change_password": True}


def read_back(usernames: list[str]) -> list[tuple[int, str, dict]]:
    """(id, account, snapshot) of accounts just written, in the order given."""
    columns = [User.id, User.username, *(getattr(User, field) for field in TRACKED_FIELDS)]
    found = {}
    for start in range(0, len(usernames), CHUNK):
        for row in db.session.execute(select(*columns).where(User.username.in_(usernames[start:start + CHUNK]))):
            found[row.username] = (row.id, row.username, {field: getattr(row, field) for field in TRACKED_FIELDS})
    return [found[name] for name in usernames]


def update_person(actor: User, user: User, now: datetime, *, scope_unit: Unit | None = None,
                  **changes) -> User:
    """Edit a person's details; role and unit changes are checked against scope."""
    if not can_manage_person(actor, user):
        raise Forbidden(_("This person is outside your scope."))
    changes = check_person(changes)
    before = snapshot(user)
    role = changes.get("role", user.role)
    unit = changes.pop("unit", user.unit)
    check_assignment(actor, role, unit)
    for field, value in changes.items():
        if field not in TRACKED_FIELDS or field == "scope_unit_id":
            raise Invalid(_("This field cannot be changed here."))
        setattr(user, field, value)
    user.unit = unit
    settle_scope(actor, user, scope_unit)
    db.session.flush()
    kind = "transferred" if before["unit_id"] != user.unit_id else "edited"
    if before["role"] != user.role:
        audit.record("role_changed", actor=actor, target=user.username,
                     detail={"from": before["role"], "to": user.role}, now=now)
    return record_change(actor, user, kind, before, now) and user


def set_status(actor: User, user: User, status: str, now: datetime, *, reason: str = "",
               approver: str = "") -> User:
    """Move a person to active, transferred out, retired or exempt (never delete)."""
    if not can_manage_person(actor, user):
        raise Forbidden(_("This person is outside your scope."))
    if status not in STATUSES:
        raise Invalid(_("Unknown status."))
    if status == "exempt" and not (reason.strip() and approver.strip()):
        raise Invalid(_("An exemption needs a reason and an approver."))
    before = snapshot(user)
    user.status = status
    if status == "exempt":
        user.exempt_reason, user.exempt_approved_by, user.exempt_at = reason.strip(), approver.strip(), now
    db.session.flush()
    record_change(actor, user, status, before, now, reason=reason)
    if not user.can_log_in:
        end_all_access(actor, user, now, status=status)
    return user


def people_in_scope(actor: User):
    """Return a select() of the people an actor may see."""
    from ..permissions import restrict_to_scope

    return restrict_to_scope(select(User), actor)
