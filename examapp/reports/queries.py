"""Report queries: who was required, who took part, the counted result. Streamed (yield_per).

The counted result of each person comes from exam_results (kept by the exams domain on every finish and
regrade), so a report joins three tables instead of looking up every person's attempts.

Who is required (应考) is the exams domain's own audience rule as SQL (examapp.exams.audience), so
a 100,000-person report never loads people one by one and counts exactly who the exam is for.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Float, Row, and_, cast, func, or_, select, text, type_coerce
from sqlalchemy.orm import aliased

from ..exams.audience import audience_clause
from ..exams.models import FINISHED, Attempt, Exam, ExamResult
from ..extensions import db
from ..org.models import Unit, User
from ..permissions import restrict_to_scope
from ..records.models import Certificate

YIELD_PER = 1000
LINES_PER_FETCH = 5000


@dataclass
class ResultRow:
    """One person's line in an exam report."""

    user_id: int
    username: str
    name: str
    position: str
    unit_id: int
    unit_path: str
    unit_name: str
    required: bool
    attempts: int
    score: float | None
    max_score: float | None
    passed: bool
    excellent: bool
    finished_at: datetime | None
    serial: str | None

    @property
    def took_part(self) -> bool:
        return self.score is not None


def first_serial(exam: Exam):
    """A person's first unrevoked certificate of the exam, looked up per line in the partial covering index
    (a county's report then never groups the whole province's certificates)."""
    return (select(Certificate.serial).where(Certificate.exam_id == exam.id, Certificate.user_id == User.id,
                                              Certificate.revoked_at.is_(None))
            .order_by(Certificate.id).limit(1).correlate(User).scalar_subquery())


def path_order():
    """Order by unit path byte-wise, so every subtree's rows are contiguous."""
    return Unit.path.collate("C") if db.engine.dialect.name == "postgresql" else Unit.path


def exam_rows_stmt(exam: Exam, viewer: User, unit: Unit | None = None, *, only_absent: bool = False,
                   lean: bool = False):
    """Who was required or took part, with the counted result from exam_results (exams.results keeps it).

    `lean` selects a download's line (exam_lines): the unit by id only, the marks as floats.
    """
    result = aliased(ExamResult)
    required = audience_clause(exam)
    if lean:  # a million lines: no unit texts per line, no Decimal per mark
        columns = (User.username, User.name, User.position, User.unit_id, required.label("required"),
                   result.attempts, cast(result.score, Float), cast(result.max_score, Float), result.passed,
                   result.excellent, type_coerce(result.finished_at, DateTime(timezone=True)), first_serial(exam))
    else:
        columns = (User.id, User.username, User.name, User.position, Unit.id, Unit.path, Unit.full_name,
                   required.label("required"), result.attempts, result.score, result.max_score, result.passed,
                   result.excellent, result.finished_at, first_serial(exam))
    stmt = (select(*columns).select_from(User)
            .join(Unit, User.unit_id == Unit.id)
            .outerjoin(result, and_(result.exam_id == exam.id, result.user_id == User.id))
            .where(or_(required, result.user_id.is_not(None))))
    if only_absent:
        stmt = stmt.where(required, result.user_id.is_(None))
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path))
    return restrict_to_scope(stmt, viewer).order_by(path_order(), User.name, User.id)


def exam_rows(exam: Exam, viewer: User, unit: Unit | None = None, *, only_absent: bool = False
              ) -> Iterator[ResultRow]:
    """Yield the report lines, fetched a thousand at a time."""
    stmt = exam_rows_stmt(exam, viewer, unit, only_absent=only_absent).execution_options(yield_per=YIELD_PER)
    for r in db.session.execute(stmt):
        yield ResultRow(
            user_id=r[0], username=r[1], name=r[2], position=r[3] or "", unit_id=r[4], unit_path=r[5],
            unit_name=r[6], required=bool(r[7]), attempts=int(r[8] or 0),
            score=float(r[9]) if r[9] is not None else None,
            max_score=float(r[10]) if r[10] is not None else None, passed=bool(r[11]),
            excellent=bool(r[12]), finished_at=r[13], serial=r[14])


def exam_lines(exam: Exam, viewer: User, unit: Unit | None = None, *, only_absent: bool = False) -> Iterator[Row]:
    """Yield the report lines as plain rows for a download (exam_report.line_maker formats them).

    (username, name, position, unit id, required, attempts, score, maximum, passed, excellent, finished at,
    serial); on PostgreSQL through a server-side cursor, LINES_PER_FETCH at a time.
    """
    stmt = exam_rows_stmt(exam, viewer, unit, only_absent=only_absent, lean=True)
    if db.engine.dialect.name == "postgresql":
        # Sort a province's lines in memory, and do not spend seconds compiling a plan that only streams.
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))
        db.session.execute(text("SET LOCAL jit = off"))
    # Core rows on the session's connection: no ORM loading step, and the time as the driver gives it
    # (local_texts reads naive times as UTC, as UTCDateTime does).
    yield from db.session.connection().execute(stmt.execution_options(yield_per=LINES_PER_FETCH))


def unit_texts(root: Unit | None) -> dict[int, tuple[str, str]]:
    """unit id → (full name, path) for every unit under root (all units without one): looked up, not joined."""
    stmt = select(Unit.id, Unit.full_name, Unit.path)
    if root is not None:
        stmt = stmt.where(Unit.path.startswith(root.path))
    return {uid: (name, path) for uid, name, path in db.session.execute(stmt)}


def exams_of_year(year: int) -> list[Exam]:
    return list(db.session.scalars(select(Exam).where(Exam.year == year, Exam.status == "published",
                                                      Exam.counts_toward_record.is_(True))
                                   .order_by(Exam.opens_at, Exam.id)))


def units_under(root: Unit | None) -> list[Unit]:
    """The units a report ranks: the root's children, or the top-level units."""
    stmt = select(Unit).where(Unit.is_archived.is_(False))
    stmt = stmt.where(Unit.parent_id == root.id) if root else stmt.where(Unit.parent_id.is_(None))
    return list(db.session.scalars(stmt.order_by(Unit.sort_order, Unit.id)))


def attempts_over_time(exam: Exam, viewer: User, unit: Unit | None = None) -> list[tuple[object, int]]:
    """(local day, first attempts finished that day) across the exam window, in scope."""
    first = (select(Attempt.user_id, func.min(Attempt.finished_at).label("at"))
             .where(Attempt.exam_id == exam.id, Attempt.state == FINISHED)
             .group_by(Attempt.user_id).subquery())
    stmt = select(first.c.at).join(User, User.id == first.c.user_id).join(Unit, User.unit_id == Unit.id)
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path))
    stmt = restrict_to_scope(stmt, viewer).execution_options(yield_per=YIELD_PER)
    from ..records.services import local_date

    days: dict = {}
    for (at,) in db.session.execute(stmt):
        day = local_date(at)
        days[day] = days.get(day, 0) + 1
    return sorted(days.items())

