"""An exam's report as sheets and CSV rows: summary, ranking, details, absentees, distribution."""

from collections.abc import Iterator
from itertools import groupby

from flask_babel import gettext as _

from ..exams.models import Exam
from ..org.models import Unit, User
from ..permissions import scope_unit
from . import queries
from .figures import exam_figures
from .queries import ResultRow
from .stats import percent
from .summary import Summary, group_of
from .writers import SheetSpec

DETAIL_WIDTHS = [30, 14, 10, 14, 6, 6, 8, 8, 8, 8, 8, 17, 24]
RANK_WIDTHS = [6, 30, 8, 8, 8, 9, 8, 9, 8, 9, 8, 9]


def detail_header() -> list[str]:
    return [_("Unit"), _("Account"), _("Name"), _("Position"), _("Required"), _("Took part"), _("Attempts taken"),
            _("Score"), _("Maximum"), _("Pass"), _("Excellent"), _("Finished at"), _("Certificate serial")]


def detail_maker():
    """Return a row formatter; the labels are translated once, not per row (100,000 rows)."""
    labels = {True: _("Yes"), False: _("No")}

    def cells(row: ResultRow) -> list:
        took = row.took_part
        return [row.unit_name, row.username, row.name, row.position, labels[row.required], labels[took],
                row.attempts, row.score, row.max_score, labels[row.passed] if took else "",
                labels[row.excellent] if took else "", row.finished_at, row.serial or ""]

    return cells


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


def sheets(exam: Exam, viewer: User, unit: Unit | None, *, per_unit: bool = False) -> Iterator[SheetSpec]:
    """Yield the workbook's sheets; each sheet's rows stream from the database when written."""
    summary = build_summary(exam, viewer, unit)
    root = report_root(viewer, unit)
    scope = root.full_name if root else _("All units")
    yield SheetSpec(_("Summary"), [_("Figure"), _("Value")], figure_rows(exam.title, scope, summary), [40, 50])
    yield SheetSpec(_("Units ranked"), rank_header(), rank_rows(summary), RANK_WIDTHS, percent_columns=[5, 7, 9])
    yield SheetSpec(_("Score distribution"), [_("From"), _("Below"), _("Number of people")],
                    ([b["low"], b["high"], b["count"]] for b in summary.bands), [10, 10, 10])
    detail_cells = detail_maker()
    yield SheetSpec(_("Absent"), detail_header(),
                    (detail_cells(r) for r in queries.exam_rows(exam, viewer, unit, only_absent=True)), DETAIL_WIDTHS)
    rows = queries.exam_rows(exam, viewer, unit)
    if not per_unit:
        yield SheetSpec(_("Detail rows"), detail_header(), (detail_cells(r) for r in rows), DETAIL_WIDTHS)
        return
    names = summary.units
    for uid, group in groupby(rows, key=lambda r: group_of(r.unit_path, root, names)):
        title = names[uid].name if uid in names else (root.name if root else _("Detail rows"))
        yield SheetSpec(title, detail_header(), (detail_cells(r) for r in group), DETAIL_WIDTHS)


def csv_rows(exam: Exam, viewer: User, unit: Unit | None, *, only_absent: bool = False) -> Iterator[list]:
    detail_cells = detail_maker()
    return (detail_cells(r) for r in queries.exam_rows(exam, viewer, unit, only_absent=only_absent))
