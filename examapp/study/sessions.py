"""Organised study sessions (集中学法) and lectures: recording, attendance import, who is behind."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..org.models import Unit, User
from ..permissions import ADMIN, in_scope, restrict_to_scope
from ..uploads import Sheet
from .credits import requirement, year_bounds
from .models import Law, StudyAttendance, StudyCredit, StudySession

USERNAME_COLUMNS = ("账号", "用户名", "username")
NAME_COLUMNS = ("姓名", "name")
UNIT_COLUMNS = ("单位", "unit")


def people_in_scope(actor: User) -> list[User]:
    """Active and exempt people an admin may record (their subtree), by unit then name."""
    stmt = restrict_to_scope(select(User).join(User.unit).where(User.status.in_(("active", "exempt"))), actor)
    return list(db.session.scalars(stmt.order_by(Unit.path, User.name)))


def units_in_scope(actor: User) -> list[Unit]:
    stmt = restrict_to_scope(select(Unit).where(Unit.is_archived.is_(False)), actor, Unit.id)
    return list(db.session.scalars(stmt.order_by(Unit.path)))


def sessions_in_scope(actor: User, year: int) -> list[StudySession]:
    start, end = year_bounds(year)
    stmt = restrict_to_scope(select(StudySession).where(StudySession.held_on >= start, StudySession.held_on < end),
                             actor, StudySession.unit_id)
    return list(db.session.scalars(stmt.order_by(StudySession.held_on.desc(), StudySession.id.desc())))


def column(sheet: Sheet, names: tuple[str, ...]) -> str | None:
    return next((h for h in sheet.header if h in names), None)


def attendees_from_sheet(actor: User, sheet: Sheet) -> list[User]:
    """Resolve a sheet's rows (账号, or 姓名 with an optional 单位) to people in the actor's scope."""
    by_username, by_name = column(sheet, USERNAME_COLUMNS), column(sheet, NAME_COLUMNS)
    unit_col = column(sheet, UNIT_COLUMNS)
    if not by_username and not by_name:
        raise Invalid(_("The sheet needs a 账号 or a 姓名 column."))
    people = {p.id: p for p in people_in_scope(actor)}
    found, errors = [], []
    for row, record in sheet.records():
        key = (record.get(by_username) or "").strip() if by_username else ""
        if key:
            matches = [p for p in people.values() if p.username == key]
        else:
            name = (record.get(by_name) or "").strip() if by_name else ""
            unit = (record.get(unit_col) or "").strip() if unit_col else ""
            matches = [p for p in people.values() if p.name == name and (not unit or unit in p.unit.full_name)]
        if len(matches) == 1:
            found.append(matches[0])
        else:
            errors.append(_("Row %(row)s: no single person in your units matches.", row=row) if not matches
                          else _("Row %(row)s: several people match; add the 单位 or use 账号.", row=row))
    if errors:
        raise Invalid(" ".join(errors), details={"rows": errors})
    return found


@dataclass
class SessionInput:
    kind: str
    held_on: date
    topic: str
    speaker: str
    hours: float
    unit_id: int
    law_ids: list[int]
    attendee_ids: list[int]
    notes: str = ""


def record_session(actor: User, data: SessionInput, now: datetime, extra: list[User] = ()) -> StudySession:
    """Record a session and its attendance; every attendee and the unit must be in the actor's scope."""
    unit = db.session.get(Unit, data.unit_id)
    if unit is None or not in_scope(actor, unit):
        raise Forbidden(_("This unit is outside your scope."))
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(data.attendee_ids or [0])))}
    if len(people) != len(set(data.attendee_ids)):
        raise Invalid(_("An attendee was not found."))
    for person in list(people.values()) + list(extra):
        if actor.role != ADMIN and not in_scope(actor, person.unit):
            raise Forbidden(_("%(name)s is outside your scope.", name=person.name))
        people[person.id] = person
    if not people:
        raise Invalid(_("Pick at least one attendee or import them from a sheet."))
    session = StudySession(unit_id=unit.id, kind=data.kind, held_on=data.held_on, topic=data.topic.strip(),
                           speaker=data.speaker.strip(), hours=data.hours, notes=data.notes.strip(),
                           recorded_by_id=actor.id)
    session.laws = list(db.session.scalars(select(Law).where(Law.id.in_(data.law_ids or [0]))))
    session.attendances = [StudyAttendance(user_id=pid) for pid in sorted(people)]
    db.session.add(session)
    db.session.flush()
    audit.record("study_session_recorded", actor=actor, target=f"study_session:{session.id}",
                 detail={"topic": session.topic, "attendees": len(people), "held_on": data.held_on.isoformat()},
                 now=now)
    return session


@dataclass
class Standing:
    person: User
    credits: float
    sessions: int
    credits_behind: bool
    sessions_behind: bool


def who_is_behind(actor: User, year: int) -> list[Standing]:
    """People in the actor's scope short of the credit requirement, or leaders short of sessions."""
    rule = requirement(year)
    start, end = year_bounds(year)
    totals = dict((uid, (s, c)) for uid, s, c in db.session.execute(
        select(StudyCredit.user_id, func.sum(StudyCredit.seconds), func.sum(StudyCredit.cases))
        .where(StudyCredit.day >= start, StudyCredit.day < end).group_by(StudyCredit.user_id)).all())
    attended = dict(db.session.execute(
        select(StudyAttendance.user_id, func.count(StudyAttendance.id)).join(StudySession)
        .where(StudySession.held_on >= start, StudySession.held_on < end).group_by(StudyAttendance.user_id)).all())
    rows = []
    for person in people_in_scope(actor):
        if person.status != "active":
            continue
        seconds, cases = totals.get(person.id, (0, 0))
        credits = round((seconds or 0) / 60 / max(rule.minutes_per_credit, 1) + (cases or 0) * rule.case_credits, 2)
        sessions = attended.get(person.id, 0)
        credits_behind = credits + 1e-9 < rule.credits_required
        sessions_behind = person.is_leader and sessions < rule.leader_sessions_required
        if credits_behind or sessions_behind:
            rows.append(Standing(person, credits, sessions, credits_behind, sessions_behind))
    return rows
