"""An exam's report as sheets and CSV rows: summary, ranking, details, absentees, distribution."""

from collections.abc import Iterator
from itertools import groupby

from flask_babel import gettext as _

from ..exams.models import Exam
from ..localtime import local_texts
from ..org.models import Unit, User
from ..permissions import scope_unit
from ..uploads import neutralise
from . import queries
from .figures import exam_figures
from .stats import percent
from .summary import Summary, group_of
from .writers import SheetSpec

DETAIL_WIDTHS = [30, 14, 10, 14, 6, 6, 8, 8, 8, 8, 8, 17, 24]
RANK_WIDTHS = [6, 30, 8, 8, 8, 9, 8, 9, 8, 9, 8, 9]


def detail_header() -> list[str]:
    return [_("Unit"), _("Account"), _("Name"), _("Position"), _("Required"), _("Took part"), _("Attempts taken"),
            _("Score"), _("Maximum"), _("Pass"), _("Excellent"), _("Finished at"), _("Certificate serial")]


def line_maker(units: dict[int, tuple[str, str]]):
    """Return a formatter of queries.exam_lines rows into finished cells (what writers.safe would make of them:
    text neutralised, times in the site's zone, None as ""); labels translated once, unit names looked up."""
    yes, no = _("Yes"), _("No")
    names = {uid: neutralise(name) for uid, (name, _path) in units.items()}
    when = local_texts()

    def cells(row) -> tuple:
        username, name, position, unit_id, required, attempts, score, top, passed, excellent, finished, serial = row
        if score is None:
            took, passed, excellent = no, "", ""
        else:
            took, passed, excellent = yes, yes if passed else no, yes if excellent else no
        return (names[unit_id], neutralise(username), neutralise(name), neutralise(position) if position else "",
                yes if required else no, took, attempts or 0, "" if score is None else score,
                "" if top is None else top, passed, excellent, when(finished) if finished else "",
                neutralise(serial) if serial else "")

    return cells


def detail_lines(exam: Exam, viewer: User, unit: Unit | None, *, only_absent: bool = False,
                 units: dict | None = None) -> Iterator[tuple]:
    """The detail sheet's (and the CSV's) finished cells, streamed from the database."""
    cells = line_maker(units if units is not None else queries.unit_texts(report_root(viewer, unit)))
    return map(cells, queries.exam_lines(exam, viewer, unit, only_absent=only_absent))


def report_root(viewer: User, unit: Unit | None) -> Unit | None:
    return unit or scope_unit(viewer)


def build_summary(exam: Exam, viewer: User, unit: Unit | None) -> Summary:
    """Figures overall and per unit, counted in the database (figures.py), before any line is written."""
    root = report_root(viewer, unit)
    return exam_figures(exam, viewer, unit, root, queries.units_under(root))


def rank_header() -> list[str]:
    return [_("Ranking"), _("Unit"), _("Required"), _("Took part"), _("Absent"), _("Participation rate"),
            _("Passed (people)"), _("Pass rate"), _("Excellent"), _("Excellence rate"), _("Average"),
            _("Attempts taken")]


def rank_rows(summary: Summary, by: str = "participation") -> Iterator[list]:
    for position, unit, t in summary.ranked(by):
        yield [position, unit.full_name, t.required, t.participants, t.absent, t.participation_rate, t.passed,
               t.pass_rate, t.excellent, t.excellence_rate, round(t.average, 2) if t.average is not None else None,
               t.attempts]


def figure_rows(title: str, scope: str, summary: Summary) -> list[list]:
    t = summary.total
    return [
        [_("Exam"), title], [_("Scope"), scope],
        [_("Required"), t.required], [_("Took part"), t.participants], [_("Absent"), t.absent],
        [_("Participation rate"), percent(t.participation_rate)], [_("Passed (people)"), t.passed],
        [_("Pass rate"), percent(t.pass_rate)], [_("Excellent"), t.excellent],
        [_("Excellence rate"), percent(t.excellence_rate)],
        [_("Average"), round(t.average, 2) if t.average is not None else "—"], [_("Attempts taken"), t.attempts],
        [definition(), ""],
    ]


def definition() -> str:
    return _("Participation rate = took part / required; pass and excellence rates = passed or excellent / took part.")


def workbook_rows(summary: Summary) -> int:
    """How many rows sheets() writes below the headers (for progress): figures, ranking, bands, absent, details."""
    t = summary.total
    lines = t.required + t.participants - t.required_participants
    return len(figure_rows("", "", summary)) + len(summary.ranked()) + len(summary.bands) + t.absent + lines


def sheets(exam: Exam, viewer: User, unit: Unit | None, *, per_unit: bool = False,
           summary: Summary | None = None) -> Iterator[SheetSpec]:
    """Yield the workbook's sheets; each sheet's rows stream from the database when written."""
    summary = summary or build_summary(exam, viewer, unit)
    root = report_root(viewer, unit)
    scope = root.full_name if root else _("All units")
    yield SheetSpec(_("Summary"), [_("Figure"), _("Value")], figure_rows(exam.title, scope, summary), [40, 50])
    yield SheetSpec(_("Units ranked"), rank_header(), rank_rows(summary), RANK_WIDTHS, percent_columns=[5, 7, 9])
    yield SheetSpec(_("Score distribution"), [_("From"), _("Below"), _("Number of people")],
                    ([b["low"], b["high"], b["count"]] for b in summary.bands), [10, 10, 10])
    units = queries.unit_texts(root)
    yield SheetSpec(_("Absent"), detail_header(), detail_lines(exam, viewer, unit, only_absent=True, units=units),
                    DETAIL_WIDTHS, clean=True)
    if not per_unit:
        yield SheetSpec(_("Detail rows"), detail_header(), detail_lines(exam, viewer, unit, units=units),
                        DETAIL_WIDTHS, clean=True)
        return
    names, cells = summary.units, line_maker(units)
    rows = queries.exam_lines(exam, viewer, unit)
    for uid, group in groupby(rows, key=lambda r: group_of(units[r[3]][1], root, names)):
        title = names[uid].name if uid in names else (root.name if root else _("Detail rows"))
        yield SheetSpec(title, detail_header(), map(cells, group), DETAIL_WIDTHS, clean=True)


def csv_rows(exam: Exam, viewer: User, unit: Unit | None, *, only_absent: bool = False) -> Iterator[tuple]:
    return detail_lines(exam, viewer, unit, only_absent=only_absent)
