"""A report's PDF summary: figures, charts (reportlab graphics) and the unit ranking."""

import io

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
MAX_UNITS_CHARTED = 20


def distribution_chart(summary: Summary, width: float = 170 * mm, height: float = 60 * mm) -> Drawing:
    font = register_fonts()
    drawing = Drawing(width, height, initialFontName=font)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, width - 18 * mm, height - 18 * mm
    chart.data = [[b["count"] for b in summary.bands] or [0]]
    chart.categoryAxis.categoryNames = [f"{b['low']:g}-" for b in summary.bands]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = BRAND
    drawing.add(chart)
    drawing.add(String(0, height - 5 * mm, _("Score distribution (people per band)"), fontName=font, fontSize=9))
    return drawing


def rates_chart(summary: Summary, width: float = 170 * mm) -> Drawing:
    """Participation and pass rates per ranked unit (top 20), as horizontal bars."""
    font = register_fonts()
    ranked = summary.ranked()[:MAX_UNITS_CHARTED]
    height = max(40 * mm, (len(ranked) * 9 + 20) * mm / 2.2)
    drawing = Drawing(width, height, initialFontName=font)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 45 * mm, 8 * mm, width - 50 * mm, height - 16 * mm
    chart.data = [[round((t.participation_rate or 0) * 100, 1) for _p, _u, t in reversed(ranked)] or [0],
                  [round((t.pass_rate or 0) * 100, 1) for _p, _u, t in reversed(ranked)] or [0]]
    chart.categoryAxis.categoryNames = [u.name[:14] for _p, u, _t in reversed(ranked)] or [""]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.bars[0].fillColor, chart.bars[1].fillColor = BRAND, colors.HexColor("#17672f")
    drawing.add(chart)
    label = _("Participation rate (red) and pass rate (green), %")
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
            flow += [Spacer(0, 4 * mm), rates_chart(summary), Paragraph(escape(_("Units ranked")), s["h2"]),
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
