"""Study credits: reading time from heartbeats, finished cases, yearly progress and the leader rule."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Date, Integer, bindparam, func, select

from ..db import UTCDateTime, insert_rows, upsert
from ..extensions import db
from ..localtime import local_date
from ..org.models import User
from .models import StudyAttendance, StudyCredit, StudyPresence, StudyRequirement, StudySession

BEAT_SECONDS = 30  # the page sends a heartbeat this often while visible and in use
MAX_GAP_SECONDS = 60  # longer silence means the tab was hidden, asleep or closed: that gap earns nothing


@dataclass
class Progress:
    """A person's study this year against the requirement."""

    year: int
    seconds: int
    cases: int
    sessions: int
    credits: float
    required: float
    hours: float
    hours_required: float
    practice_answers: int = 0
    practice_credits: float = 0.0

    @property
    def reached(self) -> bool:
        return self.credits + 1e-9 >= self.required

    @property
    def hours_reached(self) -> bool:
        return self.hours + 1e-9 >= self.hours_required

    @property
    def percent(self) -> int:
        return 100 if not self.required else min(100, int(self.credits * 100 / self.required))


@dataclass
class LeaderProgress:
    """Organised sessions a leading cadre attended this year against the rule (≥ 2 by default)."""

    applies: bool
    attended: int
    required: int

    @property
    def reached(self) -> bool:
        return not self.applies or self.attended >= self.required


def local_day(now: datetime) -> date:
    """The calendar day in the site's time zone (credits are counted per local day)."""
    return local_date(now)


def requirement(year: int) -> StudyRequirement:
    """The rule for a year: the row an admin set, else the latest earlier one, else the defaults."""
    rule = db.session.scalar(select(StudyRequirement).where(StudyRequirement.year <= year)
                             .order_by(StudyRequirement.year.desc()).limit(1))
    if rule is not None:
        return rule
    defaults = {c.name: c.default.arg for c in StudyRequirement.__table__.columns
                if c.default is not None and not callable(c.default.arg)}
    return StudyRequirement(**{**defaults, "year": year})


def credit_row(user_id: int, law_id: int, day: date) -> StudyCredit:
    row = db.session.scalar(select(StudyCredit).where(
        StudyCredit.user_id == user_id, StudyCredit.law_id == law_id, StudyCredit.day == day))
    if row is None:
        row = StudyCredit(user_id=user_id, law_id=law_id, day=day, seconds=0, cases=0, practice_answers=0)
        db.session.add(row)
    return row


def seconds_today(user_id: int, day: date) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(StudyCredit.seconds), 0)).where(
        StudyCredit.user_id == user_id, StudyCredit.day == day)) or 0


def check_heartbeat(data) -> dict:
    """Validate a heartbeat body: a JSON object with the law's slug."""
    from flask_babel import gettext as _

    from ..errors import Invalid

    if not isinstance(data, dict) or not isinstance(data.get("slug"), str):
        raise Invalid(_("Send a JSON object with the law's slug."))
    return data


def record_heartbeat(user: User, law_id: int, *, visible: bool, active: bool, now: datetime) -> int:
    """Credit the time since the last heartbeat if the page was visible and in use; return seconds credited.

    The first beat only starts the clock; a hidden or idle page earns nothing and restarts it; the gap is
    capped so a sleeping laptop cannot earn hours; the day's total is capped by the yearly rule.
    """
    presence = db.session.get(StudyPresence, user.id)
    earned = 0
    if presence is not None and presence.was_active and presence.law_id == law_id:
        gap = (now - presence.last_at).total_seconds()
        if 0 < gap <= MAX_GAP_SECONDS and visible and active:
            earned = int(gap)
    if presence is None:
        presence = StudyPresence(user_id=user.id)
        db.session.add(presence)
    presence.law_id, presence.last_at, presence.was_active = law_id, now, visible and active
    if earned:
        day = local_day(now)
        cap = requirement(day.year).daily_cap_minutes * 60
        earned = max(0, min(earned, cap - seconds_today(user.id, day)))
        if earned:
            credit_row(user.id, law_id, day).seconds += earned
    db.session.flush()
    return earned


def add_case_credit(user: User, law_id: int, now: datetime) -> None:
    """Count one finished case study for the person, on the case's first law, today."""
    credit_row(user.id, law_id, local_day(now)).cases += 1
    db.session.flush()


@dataclass
class PracticeRule:
    """What decides whether a practice answer counts: the year's rule and the answers already counted today."""

    answers_per_credit: int | None
    daily_cap: float | None
    counted_today: int

    @classmethod
    def columns(cls, user_id, day, year) -> tuple:
        """The three figures as scalar subqueries, for a caller that reads them with its own row (values or
        bound parameters: the person, the local day and its year)."""
        def latest(column):
            return (select(column).where(StudyRequirement.year <= year)
                    .order_by(StudyRequirement.year.desc()).limit(1).scalar_subquery())

        counted = select(func.coalesce(func.sum(StudyCredit.practice_answers), 0)).where(
            StudyCredit.user_id == user_id, StudyCredit.day == day).scalar_subquery()
        return (latest(StudyRequirement.practice_answers_per_credit), latest(StudyRequirement.practice_daily_cap),
                counted)

    def allows_one_more(self) -> bool:
        """The rule's figures (its defaults when no rule is set) allow one more counted answer today."""
        default_per_credit, default_cap = practice_rule_defaults()
        per_credit = self.answers_per_credit if self.answers_per_credit is not None else default_per_credit
        daily_cap = self.daily_cap if self.daily_cap is not None else default_cap
        return per_credit > 0 and (self.counted_today or 0) < int(daily_cap * per_credit + 1e-9)


@cache
def practice_rule_defaults() -> tuple:
    """The practice figures of the rule when no year's rule is set (the columns' defaults)."""
    columns = StudyRequirement.__table__.c
    return columns.practice_answers_per_credit.default.arg, columns.practice_daily_cap.default.arg


def add_practice_credit(user_id: int, law_id: int, day: date, rule: PracticeRule, now: datetime,
                        connection=None) -> bool:
    """Count one correct practice answer toward credits unless the day's cap is reached; return whether it counted.

    The caller decides which answers qualify (the first correct answer to a question on a day). One statement:
    the day's row for the law is inserted or its count raised (through `connection`, the session's by default).
    """
    if not rule.allows_one_more():
        return False
    connection = connection or db.session.connection()
    connection.execute(credit_upsert(connection.dialect.name),  # Core: none of the session's ORM work
                       {"learner": user_id, "law_id": law_id, "day": day, "now": now})
    return True


@cache
def credit_upsert(dialect: str, per_row_of=None):
    """add_practice_credit's statement, built once per process and database kind (bound parameters only);
    `per_row_of`: see db.insert_rows (the practice answer's single statement on PostgreSQL)."""
    column = StudyCredit.__table__.c
    stmt = insert_rows(upsert(StudyCredit.__table__, dialect), dict(
        user_id=bindparam("learner", type_=Integer()), law_id=bindparam("law_id", type_=Integer()),
        day=bindparam("day", type_=Date()), seconds=0, cases=0, practice_answers=1,
        updated_at=bindparam("now", type_=UTCDateTime())), per_row_of)
    return stmt.on_conflict_do_update(index_elements=["user_id", "law_id", "day"], set_={
        "practice_answers": column.practice_answers + 1, "updated_at": stmt.excluded.updated_at})


def practice_credits(answers: int, rule: StudyRequirement) -> float:
    """Credits earned by counted practice answers under the rule."""
    return answers / rule.practice_answers_per_credit if rule.practice_answers_per_credit > 0 else 0.0


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def sessions_attended(user: User, year: int) -> int:
    start, end = year_bounds(year)
    return db.session.scalar(select(func.count(StudyAttendance.id)).join(StudySession).where(
        StudyAttendance.user_id == user.id, StudySession.held_on >= start, StudySession.held_on < end)) or 0


def yearly_totals(user: User, year: int) -> tuple[int, int, int]:
    """Reading seconds, finished cases and counted practice answers of one person in a year."""
    start, end = year_bounds(year)
    seconds, cases, answers = db.session.execute(select(
        func.coalesce(func.sum(StudyCredit.seconds), 0), func.coalesce(func.sum(StudyCredit.cases), 0),
        func.coalesce(func.sum(StudyCredit.practice_answers), 0)).where(
        StudyCredit.user_id == user.id, StudyCredit.day >= start, StudyCredit.day < end)).one()
    return int(seconds or 0), int(cases or 0), int(answers or 0)


def yearly_progress(user: User, year: int, rule: StudyRequirement | None = None,
                    attended: list[StudySession] | None = None) -> Progress:
    """This year's credits (reading time and cases) and hours (reading and sessions) against the rule.

    A page that shows the sessions attended (sessions_of) passes them, and the rule, saving three queries.
    """
    rule = rule or requirement(year)
    seconds, cases, answers = yearly_totals(user, year)
    if attended is None:
        sessions, session_hours = sessions_attended(user, year), session_hours_attended(user, year)
    else:
        sessions, session_hours = len(attended), float(sum(s.hours for s in attended))
    credits = (seconds / 60 / max(rule.minutes_per_credit, 1) + cases * rule.case_credits
               + practice_credits(answers, rule))
    return Progress(year=year, seconds=seconds, cases=cases, sessions=sessions, credits=round(credits, 2),
                    required=rule.credits_required, hours=round(seconds / 3600 + session_hours, 2),
                    hours_required=rule.hours_required, practice_answers=answers,
                    practice_credits=round(practice_credits(answers, rule), 2))


def session_hours_attended(user: User, year: int) -> float:
    start, end = year_bounds(year)
    return float(db.session.scalar(select(func.coalesce(func.sum(StudySession.hours), 0)).join(
        StudyAttendance).where(StudyAttendance.user_id == user.id, StudySession.held_on >= start,
                               StudySession.held_on < end)) or 0)


def leader_sessions(user: User, year: int, progress: Progress | None = None,
                    rule: StudyRequirement | None = None) -> LeaderProgress:
    """How many organised sessions (集中学法, lectures) a leading cadre attended in the year, against the rule.

    A page that has the year's progress (and rule) passes them, saving the same two queries again.
    """
    attended = progress.sessions if progress is not None else sessions_attended(user, year)
    return LeaderProgress(applies=bool(user.is_leader), attended=attended,
                          required=(rule or requirement(year)).leader_sessions_required)


def credits_by_law(user: User, year: int) -> list[tuple[int, int, int]]:
    """(law id, seconds, cases) of one person in a year, for personal records."""
    start, end = year_bounds(year)
    rows = db.session.execute(select(StudyCredit.law_id, func.sum(StudyCredit.seconds), func.sum(StudyCredit.cases))
                              .where(StudyCredit.user_id == user.id, StudyCredit.day >= start,
                                     StudyCredit.day < end).group_by(StudyCredit.law_id)).all()
    return [(law_id, int(seconds or 0), int(cases or 0)) for law_id, seconds, cases in rows]


def sessions_of(user: User, year: int) -> list[StudySession]:
    """The organised sessions a person attended in a year, newest first."""
    start, end = year_bounds(year)
    return list(db.session.scalars(select(StudySession).join(StudyAttendance).where(
        StudyAttendance.user_id == user.id, StudySession.held_on >= start, StudySession.held_on < end)
        .order_by(StudySession.held_on.desc())))


