"""A year's figures in the database: one aggregate over people and exam_results, grouped by ranked unit.

The dashboard of a province (a million people, several exams) cannot walk every person's line in Python
within two seconds; the database counts them instead. The definitions are those of stats.py and of the
year (year_report.year_definition); tests check these figures against the line-by-line ones.
"""

from itertools import chain, repeat

from sqlalchemy import Float, and_, case, cast, func, or_, select, text
from sqlalchemy.orm import aliased

from ..exams.audience import audience_clause
from ..exams.models import Exam, ExamResult
from ..extensions import db
from ..org.models import Unit, User
from ..permissions import restrict_to_scope
from .stats import Tally, distribution
from .summary import Summary

TALLY_FIELDS = ("required", "participants", "required_participants", "passed", "excellent", "score_sum",
                "attempts")


def group_map(ranked_units: list[Unit]):
    """unit id → the ranked unit whose subtree holds it (units outside every ranked subtree are absent)."""
    group = aliased(Unit)
    return (select(Unit.id.label("unit_id"), group.id.label("group_id"))
            .join(group, Unit.path.startswith(group.path))
            .where(group.id.in_([u.id for u in ranked_units])).subquery())


def person_lines(exams: list[Exam], viewer: User, unit: Unit | None, ranked_units: list[Unit]):
    """One row per person in any exam's report: for each exam required, took part, marks and attempts."""
    groups = group_map(ranked_units)
    columns, present = [User.id, groups.c.group_id], []
    stmt = select(User.id).join(Unit, User.unit_id == Unit.id).outerjoin(groups, groups.c.unit_id == Unit.id)
    for i, exam in enumerate(exams):
        result = aliased(ExamResult)
        stmt = stmt.outerjoin(result, and_(result.exam_id == exam.id, result.user_id == User.id))
        required = audience_clause(exam)
        took = result.user_id.is_not(None)
        score, top = cast(result.score, Float), cast(result.max_score, Float)  # float sums: exact decimals are slow
        present.append(or_(required, took))
        columns += [case((required, 1), else_=0).label(f"req{i}"), case((took, 1), else_=0).label(f"took{i}"),
                    case((result.passed.is_(True), 1), else_=0).label(f"pass{i}"),
                    case((result.excellent.is_(True), 1), else_=0).label(f"exc{i}"),
                    score.label(f"score{i}"), top.label(f"max{i}"), func.coalesce(result.attempts, 0).label(f"att{i}"),
                    case((top > 0, score * 100 / top), else_=score).label(f"pct{i}")]
    stmt = stmt.with_only_columns(*columns).where(or_(*present))
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path))
    return restrict_to_scope(stmt, viewer).subquery()


def total_of(parts) -> object:
    out = parts[0]
    for part in parts[1:]:
        out = out + part
    return out


def aggregates(lines, n: int) -> list:
    """Per exam the tally's sums and the highest maximum; then the year per person (counted once)."""
    c = lines.c
    cols = []
    for i in range(n):
        req, took = c[f"req{i}"], c[f"took{i}"]
        cols += [func.sum(req), func.sum(took), func.sum(req * took), func.sum(c[f"pass{i}"] * took),
                 func.sum(c[f"exc{i}"] * took), func.sum(c[f"score{i}"]), func.sum(c[f"att{i}"]),
                 func.max(c[f"max{i}"])]
    required = case((total_of([c[f"req{i}"] for i in range(n)]) > 0, 1), else_=0)
    taken = total_of([c[f"took{i}"] for i in range(n)])
    missed = total_of([c[f"req{i}"] * (1 - c[f"took{i}"]) for i in range(n)])
    failed = total_of([c[f"took{i}"] * (1 - c[f"pass{i}"]) for i in range(n)])
    dull = total_of([c[f"took{i}"] * (1 - c[f"exc{i}"]) for i in range(n)])
    pct = total_of([func.coalesce(c[f"pct{i}"], 0) for i in range(n)])
    took_any = case((taken > 0, 1), else_=0)
    cols += [func.sum(required), func.sum(took_any), func.sum(required * took_any),
             func.sum(case((and_(taken > 0, missed == 0, failed == 0), 1), else_=0)),
             func.sum(case((and_(taken > 0, missed == 0, dull == 0), 1), else_=0)),
             func.sum(case((taken > 0, pct / taken))), func.sum(total_of([c[f"att{i}"] for i in range(n)]))]
    return cols


def tally(values) -> Tally:
    numbers = dict(zip(TALLY_FIELDS, values, strict=True))
    return Tally(**{k: (float(v or 0) if k == "score_sum" else int(v or 0)) for k, v in numbers.items()})


def year_figures(exams: list[Exam], viewer: User, unit: Unit | None, root: Unit | None,
                 ranked_units: list[Unit]) -> tuple[list[tuple[Exam, Summary]], Summary]:
    """Each exam's summary and the year per person, ranked by the root's children (no score bands)."""
    units = {u.id: u for u in ranked_units}

    def empty() -> Summary:
        return Summary(total=Tally(), groups={uid: Tally() for uid in units}, units=units, max_score=0.0)

    per_exam, combined = [empty() for _ in exams], empty()
    if exams:
        if db.engine.dialect.name == "postgresql":  # hash the people in memory rather than in temporary files
            db.session.execute(text("SET LOCAL work_mem = '64MB'"))
        lines = person_lines(exams, viewer, unit, ranked_units)
        stmt = select(lines.c.group_id, *aggregates(lines, len(exams))).group_by(lines.c.group_id)
        for row in db.session.execute(stmt):
            group_id, values = row[0], list(row[1:])
            for i, summary in enumerate(per_exam):
                chunk = values[i * 8:(i + 1) * 8]
                add_group(summary, group_id, tally(chunk[:7]))
                summary.max_score = max(summary.max_score, float(chunk[7] or 0))
            add_group(combined, group_id, tally(values[len(exams) * 8:]))
    for summary in [*per_exam, combined]:
        summary.max_score = summary.max_score or 100.0
    return list(zip(exams, per_exam, strict=True)), combined


def add_group(summary: Summary, group_id: int | None, part: Tally) -> None:
    summary.total.merge(part)
    if group_id in summary.groups:
        summary.groups[group_id].merge(part)


def exam_figures(exam: Exam, viewer: User, unit: Unit | None, root: Unit | None,
                 ranked_units: list[Unit]) -> Summary:
    """One exam's summary with its score bands (a histogram of the counted scores, counted in SQL)."""
    [(_exam, summary)], _year = year_figures([exam], viewer, unit, root, ranked_units)
    lines = person_lines([exam], viewer, unit, [])
    histogram = db.session.execute(select(lines.c.score0, func.count()).where(lines.c.took0 == 1)
                                   .group_by(lines.c.score0))
    scores = chain.from_iterable(repeat(float(score), n) for score, n in histogram)
    summary.bands = distribution(scores, summary.max_score)
    return summary
