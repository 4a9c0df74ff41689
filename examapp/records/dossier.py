"""学法档案: one person's study record for one year, gathered from every domain."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, select

from ..extensions import db
from ..localtime import site_zone
from ..org.models import RosterChange, User
from .models import Certificate
from .services import local_date


@dataclass
class LawCredit:
    law_title: str
    hours: float
    cases: int


@dataclass
class ExamLine:
    exam_id: int
    title: str
    required: bool
    attempts: int
    score: float | None
    max_score: float | None
    passed: bool
    excellent: bool
    finished_on: date | None
    serial: str | None


@dataclass
class Exemption:
    reason: str
    approved_by: str
    at: datetime | None


@dataclass
class Dossier:
    person: User
    year: int
    progress: object | None = None  # study.credits.Progress
    leader: object | None = None  # study.credits.LeaderProgress
    credits: list[LawCredit] = field(default_factory=list)
    sessions: list = field(default_factory=list)  # study.models.StudySession
    exams: list[ExamLine] = field(default_factory=list)
    exemptions: list[Exemption] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)


def build(person: User, year: int) -> Dossier:
    """Gather one person's record for a year."""
    dossier = Dossier(person=person, year=year)
    add_study(dossier)
    dossier.exams = exam_lines(person, year)
    dossier.exemptions = exemptions(person, year)
    dossier.certificates = list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == person.id, Certificate.exam_year == year)
        .order_by(Certificate.passed_on, Certificate.id)))
    return dossier


def add_study(dossier: Dossier) -> None:
    from ..study import credits as study
    from ..study.models import Law

    person, year = dossier.person, dossier.year
    rule = study.requirement(year)
    dossier.sessions = study.sessions_of(person, year)
    dossier.progress = study.yearly_progress(person, year, rule, dossier.sessions)
    dossier.leader = study.leader_sessions(person, year, dossier.progress, rule)
    rows = study.credits_by_law(person, year)
    titles = dict(db.session.execute(select(Law.id, Law.title).where(Law.id.in_([r[0] for r in rows]))).all()
                  ) if rows else {}
    dossier.credits = sorted((LawCredit(titles.get(law_id, str(law_id)), round(seconds / 3600, 2), cases)
                              for law_id, seconds, cases in rows), key=lambda c: -c.hours)


def exam_lines(person: User, year: int) -> list[ExamLine]:
    """Exams of the year the person was required to take or attempted, with the counted result.

    A page a person opens often: the exams with the person's counted results in one query, every exam's
    audience units in one more, rather than a query per exam.
    """
    from ..exams.audience import audience_units_of, in_audience
    from ..exams.models import Exam, ExamResult

    rows = db.session.execute(
        select(Exam, ExamResult).outerjoin(ExamResult, and_(ExamResult.exam_id == Exam.id,
                                                            ExamResult.user_id == person.id))
        .where(Exam.year == year, Exam.status == "published", Exam.counts_toward_record.is_(True))
        .order_by(Exam.opens_at)).all()
    serials = dict(db.session.execute(select(Certificate.exam_id, Certificate.serial).where(
        Certificate.user_id == person.id, Certificate.revoked_at.is_(None))).all())
    units = audience_units_of([exam for exam, _counted in rows])
    lines = []
    for exam, counted in rows:  # counted: the counted attempt's marks, kept by the exams domain
        required = in_audience(exam, person, units[exam.id])
        if counted is None and not required:
            continue
        lines.append(ExamLine(
            exam_id=exam.id, title=exam.title, required=required, attempts=counted.attempts if counted else 0,
            score=float(counted.score) if counted else None, max_score=float(counted.max_score) if counted else None,
            passed=bool(counted and counted.passed), excellent=bool(counted and counted.excellent),
            finished_on=local_date(counted.finished_at) if counted else None, serial=serials.get(exam.id)))
    return lines


def exemptions(person: User, year: int) -> list[Exemption]:
    """Exemptions recorded for the person during the year, and the current one."""
    zone = site_zone()
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    changes = db.session.scalars(select(RosterChange).where(
        RosterChange.user_id == person.id, RosterChange.kind == "exempt",
        RosterChange.at >= start, RosterChange.at < end).order_by(RosterChange.at))
    found = [Exemption(c.reason, person.exempt_approved_by if c.reason == person.exempt_reason else "", c.at)
             for c in changes]
    if person.status == "exempt" and not any(e.reason == person.exempt_reason for e in found):
        found.append(Exemption(person.exempt_reason, person.exempt_approved_by, person.exempt_at))
    return found
