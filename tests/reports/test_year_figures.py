"""The dashboard's figures counted in the database (figures.py) equal the line-by-line figures: each
exam's summary equals summarise() over its report lines, and the year equals a per-person reference."""

from dataclasses import dataclass, field

import pytest

from examapp.extensions import db
from examapp.org.models import User
from examapp.reports import queries
from examapp.reports.exam_report import report_root
from examapp.reports.summary import summarise
from examapp.reports.year_report import year_summaries
from tests.factories import make_user
from tests.records.conftest import finish_attempt, make_exam

FIELDS = ("required", "participants", "required_participants", "passed", "excellent", "attempts")


@dataclass
class PersonYear:
    """Reference: one person across the year's exams, as year_definition() states it."""

    unit_path: str
    required: bool = False
    missed: bool = False
    passed: bool = True
    excellent: bool = True
    attempts: int = 0
    scores: list = field(default_factory=list)

    def add(self, line) -> None:
        self.required |= line.required
        self.attempts += line.attempts
        if line.score is None:
            self.missed |= line.required
            return
        self.scores.append(line.score / line.max_score * 100 if line.max_score else line.score)
        self.passed &= line.passed
        self.excellent &= line.excellent


def figures(tally) -> tuple:
    return tuple(getattr(tally, f) for f in FIELDS) + (round(tally.score_sum, 6),)


def reference(year, viewer, unit):
    root = report_root(viewer, unit)
    ranked = queries.units_under(root)
    people: dict[int, PersonYear] = {}
    per_exam = []
    for exam in queries.exams_of_year(year):
        lines = list(queries.exam_rows(exam, viewer, unit))
        for line in lines:
            people.setdefault(line.user_id, PersonYear(line.unit_path)).add(line)
        per_exam.append(summarise(lines, root, ranked))
    combined = root, ranked, people
    return per_exam, combined


def combined_figures(root, ranked, people) -> dict:
    from examapp.reports.queries import ResultRow

    rows = [ResultRow(user_id=0, username="", name="", position="", unit_id=0, unit_path=p.unit_path,
                      unit_name="", required=p.required, attempts=p.attempts,
                      score=sum(p.scores) / len(p.scores) if p.scores else None, max_score=100.0,
                      passed=bool(p.scores) and p.passed and not p.missed,
                      excellent=bool(p.scores) and p.excellent and not p.missed, finished_at=None, serial=None)
            for p in people.values()]
    summary = summarise(rows, root, ranked)
    return {"total": figures(summary.total), **{uid: figures(t) for uid, t in summary.groups.items()}}


@pytest.fixture
def year(org):
    """Three exams with different audiences, retakes, a staff member who sat one, an exam of another year;
    people who share a unit and a result pattern (the database counts them as one group), a paper of 0
    points."""
    extra = make_user("grid3", org.village_b, "learner", is_leader=True)
    twins = [make_user(f"twin{i}", org.village_a, "learner") for i in range(3)]
    make_user("retired1", org.village_a, "learner", status="retired")
    first = make_exam(title="宪法考试", audience={"unit_ids": [org.town.id]})
    second = make_exam(title="民法典考试", audience={"unit_ids": [org.town.id, org.other_town.id], "leaders": True})
    third = make_exam(title="行政法考试", audience={"roles": ["learner", "hr"]})
    make_exam(title="去年的考试", year=2025, audience={})
    finish_attempt(first, org.learner, 95)
    finish_attempt(first, org.villager, 50)
    finish_attempt(first, org.villager, 72, number=2)
    finish_attempt(first, org.far, 88)  # not required: took part anyway
    finish_attempt(second, extra, 91)
    finish_attempt(second, org.learner, 59)
    finish_attempt(third, org.hr, 90)
    finish_attempt(third, org.outsider, 40, max_score=50)
    finish_attempt(third, org.learner, 77)
    for i, twin in enumerate(twins):
        finish_attempt(first, twin, 61 + i)  # passed, not excellent, absent from the third exam
        finish_attempt(second, twin, 93 + i / 4)
    finish_attempt(third, twins[2], 0, max_score=0)
    db.session.commit()
    return org


@pytest.mark.parametrize("who, where", [("admin", None), ("admin", "town"), ("hr", None), ("unitadmin", None),
                                        ("admin", "village_a")])
def test_database_figures_equal_the_line_by_line_ones(year, who, where):
    viewer, unit = getattr(year, who), getattr(year, where) if where else None
    assert len(year_summaries(2026, viewer, unit)[0]) == 3
    assert_figures_equal_reference(viewer, unit)


def test_the_year_follows_a_regrade(year):
    from examapp.exams.models import Attempt

    attempt = db.session.scalar(db.select(Attempt).where(Attempt.user_id == year.learner.id,
                                                         Attempt.score == 59))
    _rows, before = year_summaries(2026, year.admin, None)
    attempt.record_result(score=attempt.score + 10, max_score=attempt.max_score, passed=True, excellent=False)
    db.session.commit()
    _rows, after = year_summaries(2026, year.admin, None)
    assert after.total.passed == before.total.passed + 1


@pytest.mark.parametrize("who, where", [("admin", None), ("hr", None), ("admin", "village_a")])
def test_an_exam_summary_with_its_bands_equals_the_line_by_line_one(year, who, where):
    from examapp.reports.exam_report import build_summary

    viewer, unit = getattr(year, who), getattr(year, where) if where else None
    root = report_root(viewer, unit)
    for exam in queries.exams_of_year(2026):
        got = build_summary(exam, viewer, unit)
        want = summarise(queries.exam_rows(exam, viewer, unit), root, queries.units_under(root))
        assert figures(got.total) == figures(want.total)
        assert {u: figures(t) for u, t in got.groups.items()} == {u: figures(t) for u, t in want.groups.items()}
        assert (got.max_score, got.bands) == (want.max_score, want.bands)


def assert_figures_equal_reference(viewer, unit) -> None:
    rows, combined = year_summaries(2026, viewer, unit)
    per_exam, (root, ranked, people) = reference(2026, viewer, unit)
    for (_exam, got), want in zip(rows, per_exam, strict=True):
        assert figures(got.total) == figures(want.total)
        assert {u: figures(t) for u, t in got.groups.items()} == {u: figures(t) for u, t in want.groups.items()}
    got = {"total": figures(combined.total), **{uid: figures(t) for uid, t in combined.groups.items()}}
    assert got == combined_figures(root, ranked, people)


@pytest.mark.parametrize("who, where", [("admin", None), ("hr", None), ("admin", "town")])
def test_the_figures_follow_moves_departures_rule_changes_and_regrades(year, who, where):
    """Nothing is kept between requests: after each change the figures equal the line-by-line ones again."""
    from examapp.exams.models import Attempt, Exam

    viewer, unit = getattr(year, who), getattr(year, where) if where else None
    twin = db.session.scalar(db.select(User).where(User.username == "twin1"))
    twin.unit = year.other_town  # moves to another town: another ranked unit, outside the first exam's audience
    db.session.commit()
    assert_figures_equal_reference(viewer, unit)
    year.villager.status = "retired"  # leaves: no longer required, results still counted
    db.session.commit()
    assert_figures_equal_reference(viewer, unit)
    second = db.session.scalar(db.select(Exam).where(Exam.title == "民法典考试"))
    second.audience = {"unit_ids": [year.village_a.id, 10**6], "grid_workers": True, "roles": ["learner"]}
    db.session.commit()
    assert_figures_equal_reference(viewer, unit)
    attempt = db.session.scalar(db.select(Attempt).where(Attempt.user_id == year.learner.id, Attempt.score == 95))
    attempt.record_result(score=attempt.score - 40, max_score=attempt.max_score, passed=False, excellent=False)
    db.session.commit()
    assert_figures_equal_reference(viewer, unit)


@pytest.mark.parametrize("audience", [{}, {"unit_ids": ["town"]}, {"unit_ids": ["town"], "grid_workers": True},
                                      {"leaders": True, "enforcement": True}, {"roles": ["hr", "learner"]},
                                      {"roles": ["examiner"], "leaders": True}, {"unit_ids": ["missing"]}])
def test_the_audience_in_two_parts_is_the_same_rule(year, audience):
    """The unit part (once per unit) and the person part (once per person) select whom in_audience selects."""
    from examapp.exams.audience import audience_clause, audience_person_clause, audience_unit_clause, in_audience
    from examapp.org.models import Unit

    ids = [getattr(year, u).id if u != "missing" else 10**6 for u in audience.get("unit_ids", [])]
    exam = make_exam(title="受众", audience={**audience, "unit_ids": ids})
    everyone = db.session.scalars(db.select(User)).all()
    want = {u.id for u in everyone if in_audience(exam, u)}
    base = db.select(User.id).join(Unit, User.unit_id == Unit.id)
    assert set(db.session.scalars(base.where(audience_clause(exam)))) == want
    split = base.where(audience_person_clause(exam), audience_unit_clause(exam))
    assert set(db.session.scalars(split)) == want
