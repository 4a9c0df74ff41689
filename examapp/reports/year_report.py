"""A year's figures: one line per exam, and all exams combined per unit."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..exams.models import Exam
from ..org.models import Unit, User
from . import queries
from .exam_report import RANK_WIDTHS, rank_header, rank_rows, report_root
from .queries import ResultRow
from .summary import Summary, summarise
from .writers import SheetSpec


def year_summaries(year: int, viewer: User, unit: Unit | None) -> tuple[list[tuple[Exam, Summary]], Summary]:
    """Summaries of each exam of the year (that counts toward the record), and the year per person."""
    root = report_root(viewer, unit)
    ranked_units = queries.units_under(root)
    people: dict[int, PersonYear] = {}
    rows = []
    for exam in queries.exams_of_year(year):
        rows.append((exam, summarise(noting(queries.exam_rows(exam, viewer, unit), people), root, ranked_units)))
    combined = summarise((p.as_row() for p in people.values()), root, ranked_units)
    return rows, combined


def noting(lines: Iterable[ResultRow], people: dict) -> Iterator[ResultRow]:
    """Pass an exam's lines on (one query feeds both figures) while adding each to its person's year."""
    for line in lines:
        people.setdefault(line.user_id, PersonYear(line.unit_path)).add(line)
        yield line


@dataclass
class PersonYear:
    """One person across the year's exams: counted once, whatever the number of exams.

    Required when any exam is for them; took part when they finished any; passed (or excellent) when
    they passed (or were excellent in) every exam they took and missed none they were required to take.
    """

    unit_path: str
    required: bool = False
    missed: bool = False
    passed: bool = True
    excellent: bool = True
    attempts: int = 0
    scores: list = field(default_factory=list)

    def add(self, line: ResultRow) -> None:
        self.required |= line.required
        self.attempts += line.attempts
        if line.score is None:
            self.missed |= line.required
            return
        self.scores.append(line.score / line.max_score * 100 if line.max_score else line.score)
        self.passed &= line.passed
        self.excellent &= line.excellent

    def as_row(self) -> ResultRow:
        took = bool(self.scores)
        return ResultRow(user_id=0, username="", name="", position="", unit_id=0, unit_path=self.unit_path,
                         unit_name="", required=self.required, attempts=self.attempts,
                         score=sum(self.scores) / len(self.scores) if took else None, max_score=100.0,
                         passed=took and self.passed and not self.missed,
                         excellent=took and self.excellent and not self.missed, finished_at=None, serial=None)


def year_definition() -> str:
    return _("The year counts people, not exam sittings: required = required by at least one of the year's "
             "exams; took part = took at least one; passed (excellent) = passed (excellent in) every exam taken "
             "and missed none required; average = mean score as a percentage of each paper.")


def exam_line_header() -> list[str]:
    return [_("Exam"), _("Required"), _("Took part"), _("Absent"), _("Participation rate"), _("Passed (people)"),
            _("Pass rate"), _("Excellent"), _("Excellence rate"), _("Average"), _("Attempts taken")]


def exam_lines(rows: list[tuple[Exam, Summary]]) -> Iterator[list]:
    for exam, summary in rows:
        t = summary.total
        yield [exam.title, t.required, t.participants, t.absent, t.participation_rate, t.passed, t.pass_rate,
               t.excellent, t.excellence_rate, round(t.average, 2) if t.average is not None else None, t.attempts]


def year_sheets(rows, combined: Summary) -> Iterator[SheetSpec]:
    yield SheetSpec(_("Exams"), exam_line_header(), exam_lines(rows), [40, 8, 8, 8, 9, 8, 9, 8, 9, 8, 8],
                    percent_columns=[4, 6, 8])
    yield SheetSpec(_("Units ranked"), rank_header(), rank_rows(combined), RANK_WIDTHS, percent_columns=[5, 7, 9])
