"""A year's figures in the database: people grouped by ranked unit and result pattern, folded in Python.

The dashboard of a province (a million people, several exams) cannot walk every person's line in Python
within two seconds; the database counts them instead. Each person is reduced to one small code per exam
(required, took part, passed, excellent) and the database groups people by ranked unit, codes and paper
maximum, summing scores and attempts: a few hundred groups, which fold into the per-exam tallies and the
year per person (every person of a group has the same codes, so the year's rule applies to the group).
Few simple expressions per person keep the grouping close to the cost of the joins themselves. The
definitions are those of stats.py and of the year (year_report.year_definition); tests check these figures
against the line-by-line ones.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import chain, repeat

from sqlalchemy import Float, and_, case, cast, func, select, text
from sqlalchemy.orm import aliased

from ..exams.audience import audience_person_clause, audience_unit_clause
from ..exams.models import Exam, ExamResult
from ..extensions import db
from ..org.models import Unit, User
from ..permissions import restrict_to_scope
from .stats import Tally, distribution
from .summary import Summary

REQUIRED, TOOK, PASSED, EXCELLENT = 1, 2, 4, 8  # the bits of a person's code for one exam
PARTS = 2  # PostgreSQL: the people are grouped in this many id ranges at once (see planned)


def group_map(ranked_units: list[Unit]):
    """unit id → the ranked unit whose subtree holds it (units outside every ranked subtree are absent)."""
    group = aliased(Unit)
    return (select(Unit.id.label("unit_id"), group.id.label("group_id"))
            .join(group, Unit.path.startswith(group.path))
            .where(group.id.in_([u.id for u in ranked_units])).subquery())


def unit_lines(exams: list[Exam], viewer: User, unit: Unit | None, ranked_units: list[Unit]):
    """One row per unit in scope: its ranked unit and, per exam, REQUIRED when the audience covers the unit.

    OFFSET 0 keeps PostgreSQL from merging it into the outer query: the paths are compared once per unit
    rather than once per person, and each person needs one lookup of their unit instead of three (the unit,
    its ranked unit, the scope).
    """
    groups = group_map(ranked_units)
    stmt = (select(Unit.id.label("unit_id"), groups.c.group_id,
                   *(case((audience_unit_clause(exam), REQUIRED), else_=0).label(f"unit{i}")
                     for i, exam in enumerate(exams)))
            .outerjoin(groups, groups.c.unit_id == Unit.id))
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path))
    return restrict_to_scope(stmt, viewer, unit_column=Unit.id).offset(0).subquery("scoped_units")


def result_code(result):
    """TOOK | PASSED | EXCELLENT of a counted result (0 when there is none), as one CASE per person."""
    return case((result.attempts.is_(None), 0),
                (and_(result.passed, result.excellent), TOOK | PASSED | EXCELLENT),
                (result.passed, TOOK | PASSED), (result.excellent, TOOK | EXCELLENT), else_=TOOK)


def person_codes(exams: list[Exam], viewer: User, unit: Unit | None, ranked_units: list[Unit],
                 people: tuple[int, int] | None = None):
    """One row per person in scope (with an id in [low, high) when people is given): per exam a code
    (REQUIRED | TOOK | PASSED | EXCELLENT) and the counted marks."""
    units = unit_lines(exams, viewer, unit, ranked_units)
    columns = [units.c.group_id]
    stmt = select(User.id).join(units, units.c.unit_id == User.unit_id)
    if people is not None:
        stmt = stmt.where(User.id >= people[0], User.id < people[1])
    for i, exam in enumerate(exams):
        result = aliased(ExamResult)
        joined = [result.exam_id == exam.id, result.user_id == User.id]
        if people is not None:  # the same range on the results, so that only their part of the index is read
            joined += [result.user_id >= people[0], result.user_id < people[1]]
        stmt = stmt.outerjoin(result, and_(*joined))
        code = case((audience_person_clause(exam), units.c[f"unit{i}"]), else_=0) + result_code(result)
        columns += [code.label(f"code{i}"), result.max_score.label(f"max{i}"), result.score.label(f"score{i}"),
                    result.attempts.label(f"att{i}")]
    return stmt.with_only_columns(*columns).subquery()


def grouped(exams: list[Exam], viewer: User, unit: Unit | None, ranked_units: list[Unit],
            people: tuple[int, int] | None = None):
    """People counted by (ranked unit, each exam's code and paper maximum), with summed scores and attempts."""
    lines = person_codes(exams, viewer, unit, ranked_units, people)
    c, n = lines.c, len(exams)
    keys = [c.group_id, *(c[f"code{i}"] for i in range(n)), *(c[f"max{i}"] for i in range(n))]
    sums = chain.from_iterable((cast(func.sum(c[f"score{i}"]), Float), func.sum(c[f"att{i}"])) for i in range(n))
    return select(*keys, func.count(), *sums).group_by(*keys)


@dataclass
class Group:
    """One row of grouped(): how many people share these codes, and their sums per exam."""

    group_id: int | None
    codes: list[int]
    tops: list[float | None]
    people: int
    scores: list[float]
    attempts: list[int]

    @classmethod
    def of(cls, row, n: int) -> "Group":
        sums = row[2 + 2 * n:]
        return cls(row[0], list(row[1:1 + n]), [None if t is None else float(t) for t in row[1 + n:1 + 2 * n]],
                   row[1 + 2 * n], [float(s or 0) for s in sums[0::2]], [int(a or 0) for a in sums[1::2]])

    def exam(self, i: int) -> Tally:
        code, k = self.codes[i], self.people
        took = k if code & TOOK else 0
        return Tally(required=k if code & REQUIRED else 0, participants=took,
                     required_participants=took if code & REQUIRED else 0, passed=took if code & PASSED else 0,
                     excellent=took if code & EXCELLENT else 0, score_sum=self.scores[i], attempts=self.attempts[i])

    def year(self) -> Tally:
        """The year per person: required by any exam, took any; passed (excellent) every exam taken, none missed."""
        k, codes = self.people, self.codes
        taken = [i for i, code in enumerate(codes) if code & TOOK]
        missed = any(code & REQUIRED and not code & TOOK for code in codes)
        required = k if any(code & REQUIRED for code in codes) else 0
        took = k if taken else 0
        percents = sum(self.percent_sum(i) for i in taken)
        return Tally(required=required, participants=took, required_participants=took if required else 0,
                     passed=took if not missed and all(codes[i] & PASSED for i in taken) else 0,
                     excellent=took if not missed and all(codes[i] & EXCELLENT for i in taken) else 0,
                     score_sum=percents / len(taken) if taken else 0.0, attempts=sum(self.attempts))

    def percent_sum(self, i: int) -> float:
        """The group's scores in exam i as percentages of the paper (the raw score when the paper has no maximum)."""
        top = self.tops[i]
        return self.scores[i] * 100 / top if top and top > 0 else self.scores[i]


def id_ranges(parts: int) -> list[tuple[int, int] | None]:
    """The people's ids cut into this many [low, high) ranges (None: everyone)."""
    low, high = db.session.execute(select(func.min(User.id), func.max(User.id))).one()
    if low is None or parts < 2:
        return [None]
    step = (high - low) // parts + 1
    return [(low + k * step, low + (k + 1) * step) for k in range(parts)]


def hashed(execute, stmt) -> list:
    """Run the grouping with PostgreSQL hashing the people in memory.

    The planner cannot tell that the codes take few values, expects a group per person, and would sort a
    million rows (on disk) instead of hashing them into a few hundred groups; sorting is switched off for
    this one statement.
    """
    execute(text("SET LOCAL work_mem = '64MB'"))
    execute(text("SET LOCAL enable_sort = off"))
    rows = execute(stmt).all()
    execute(text("RESET enable_sort"))  # a failed statement rolls back, and SET LOCAL with it
    return rows


def apart(engine, stmt) -> list:
    with engine.connect() as connection:  # closed without a commit: its SET LOCALs end with it
        return hashed(connection.execute, stmt)


def planned(statement_for) -> list:
    """The grouping's rows; on PostgreSQL counted in PARTS id ranges at once, each on its own connection.

    What PostgreSQL's parallel query would do if the planner knew the groups are few: each range is
    grouped by one server process, and the rows of all ranges fold alike (a group may come once per
    range). A person is in exactly one range, so each is counted once; the ranges read committed data.
    """
    if db.engine.dialect.name != "postgresql":
        return db.session.execute(statement_for(None)).all()
    first, *others = id_ranges(PARTS)
    with ThreadPoolExecutor(max_workers=max(1, len(others))) as pool:
        futures = [pool.submit(apart, db.engine, statement_for(people)) for people in others]
        rows = hashed(db.session.execute, statement_for(first))
        return rows + [row for future in futures for row in future.result()]


def year_figures(exams: list[Exam], viewer: User, unit: Unit | None, root: Unit | None,
                 ranked_units: list[Unit]) -> tuple[list[tuple[Exam, Summary]], Summary]:
    """Each exam's summary and the year per person, ranked by the root's children (no score bands)."""
    units = {u.id: u for u in ranked_units}

    def empty() -> Summary:
        return Summary(total=Tally(), groups={uid: Tally() for uid in units}, units=units, max_score=0.0)

    per_exam, combined = [empty() for _ in exams], empty()
    if exams:
        for row in planned(partial(grouped, exams, viewer, unit, ranked_units)):
            group = Group.of(row, len(exams))
            for i, summary in enumerate(per_exam):
                add_group(summary, group.group_id, group.exam(i))
                if group.tops[i] is not None:
                    summary.max_score = max(summary.max_score, group.tops[i])
            add_group(combined, group.group_id, group.year())
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
    lines = person_codes([exam], viewer, unit, [])
    histogram = db.session.execute(select(lines.c.score0, func.count()).where(lines.c.score0.is_not(None))
                                   .group_by(lines.c.score0))
    scores = chain.from_iterable(repeat(float(score), n) for score, n in histogram)
    summary.bands = distribution(scores, summary.max_score)
    return summary
