"""A report's PDF summary: figures, charts (reportlab graphics) and the unit ranking."""

import io
import math

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ..records.dossier_pdf import escape, table
from ..records.pdfkit import canvas_maker, register_fonts, styles
from .exam_report import definition
from .stats import percent
from .summary import Summary

BRAND = colors.HexColor("#9b1c1c")
UNITS_PER_CHART = 25  # one A4 page of bars; more units get more charts, never dropped


def whole_people_axis(axis, top: int) -> None:
    """Ticks at whole numbers of people (never 0.5 of a person)."""
    axis.valueMin, axis.valueStep = 0, max(1, math.ceil(top / 6))
    axis.valueMax = max(axis.valueStep * math.ceil(top / axis.valueStep), axis.valueStep)
    axis.labelTextFormat = "%d"


def distribution_chart(summary: Summary, width: float = 170 * mm, height: float = 60 * mm) -> Drawing:
    font = register_fonts()
    drawing = Drawing(width, height, initialFontName=font)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, width - 18 * mm, height - 18 * mm
    chart.data = [[b["count"] for b in summary.bands] or [0]]
    chart.categoryAxis.categoryNames = [f"{b['low']:g}-" for b in summary.bands]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    whole_people_axis(chart.valueAxis, max(chart.data[0]))
    chart.bars[0].fillColor = BRAND
    drawing.add(chart)
    drawing.add(String(0, height - 5 * mm, _("Score distribution (people per band)"), fontName=font, fontSize=9))
    return drawing


def rates_charts(summary: Summary, width: float = 170 * mm) -> list[Drawing]:
    """Participation and pass rates of every ranked unit, as horizontal bars, a page-sized chart per block."""
    ranked = summary.ranked()
    blocks = [ranked[i:i + UNITS_PER_CHART] for i in range(0, len(ranked), UNITS_PER_CHART)]
    return [rates_chart(block, width, part=n, parts=len(blocks)) for n, block in enumerate(blocks, start=1)]


def rates_chart(ranked: list, width: float, *, part: int = 1, parts: int = 1) -> Drawing:
    font = register_fonts()
    height = max(40 * mm, (len(ranked) * 9 + 20) * mm / 2.2)
    drawing = Drawing(width, height, initialFontName=font)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 45 * mm, 8 * mm, width - 50 * mm, height - 16 * mm
    chart.data = [[round((t.participation_rate or 0) * 100, 1) for _p, _u, t in reversed(ranked)] or [0],
                  [round((t.pass_rate or 0) * 100, 1) for _p, _u, t in reversed(ranked)] or [0]]
    chart.categoryAxis.categoryNames = [f"{p}. {u.name[:12]}" for p, u, _t in reversed(ranked)] or [""]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.bars[0].fillColor, chart.bars[1].fillColor = BRAND, colors.HexColor("#17672f")
    drawing.add(chart)
    label = _("Participation rate (red) and pass rate (green), %")
    if parts > 1:
        label = _("%(chart)s (part %(n)s of %(parts)s)", chart=label, n=part, parts=parts)
    drawing.add(String(0, height - 5 * mm, label, fontName=font, fontSize=9))
    return drawing


def summary_pdf(title: str, scope: str, summary: Summary, generated_on: str) -> bytes:
    """Render the summary (in the site's language, Chinese by default)."""
    buffer = io.BytesIO()
    with force_locale("zh_Hans_CN"):
        s = styles()
        doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm,
                                topMargin=16 * mm, bottomMargin=16 * mm)
        t = summary.total
        flow = [Paragraph(escape(title), s["title"]),
                Paragraph(escape(_("Scope: %(scope)s · generated %(day)s", scope=scope, day=generated_on)), s["small"]),
                Spacer(0, 3 * mm),
                table([[_("Required"), _("Took part"), _("Absent"), _("Participation rate"), _("Pass rate"),
                        _("Excellence rate"), _("Average")],
                       [t.required, t.participants, t.absent, percent(t.participation_rate), percent(t.pass_rate),
                        percent(t.excellence_rate), "—" if t.average is None else f"{t.average:.1f}"]],
                      [24, 24, 22, 26, 26, 26, 26]),
                Paragraph(escape(definition()), s["small"]),
                Spacer(0, 4 * mm), distribution_chart(summary)]
        if summary.groups:
            flow += [Spacer(0, 4 * mm), *rates_charts(summary), Paragraph(escape(_("Units ranked")), s["h2"]),
                     ranking_table(summary)]
        doc.build(flow, canvasmaker=canvas_maker(title))
    return buffer.getvalue()


def ranking_table(summary: Summary):
    rows = [[_("Ranking"), _("Unit"), _("Required"), _("Took part"), _("Participation rate"), _("Pass rate"),
             _("Excellence rate"), _("Average")]]
    for position, unit, t in summary.ranked():
        rows.append([position, unit.full_name, t.required, t.participants, percent(t.participation_rate),
                     percent(t.pass_rate), percent(t.excellence_rate),
                     "—" if t.average is None else f"{t.average:.1f}"])
    return table(rows, [11, 52, 16, 16, 20, 20, 20, 19])
