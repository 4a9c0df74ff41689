"""A year's figures: one line per exam, and all exams combined per unit."""

from collections.abc import Iterator

from flask_babel import gettext as _

from ..exams.models import Exam
from ..org.models import Unit, User
from . import queries
from .exam_report import RANK_WIDTHS, rank_header, rank_rows, report_root
from .figures import year_figures
from .summary import Summary
from .writers import SheetSpec


def year_summaries(year: int, viewer: User, unit: Unit | None) -> tuple[list[tuple[Exam, Summary]], Summary]:
    """Summaries of each exam of the year (that counts toward the record), and the year per person.

    Counted in the database (figures.py) from exam_results: a province's dashboard in a second or two.
    """
    root = report_root(viewer, unit)
    return year_figures(queries.exams_of_year(year), viewer, unit, root, queries.units_under(root))


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
