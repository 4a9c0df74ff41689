"""The study record as an A4 PDF for the personnel file (embedded CJK font)."""

import io

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..localtime import local_date
from .dossier import Dossier
from .pdfkit import canvas_maker, register_fonts, styles

GRID = colors.HexColor("#9aa0a6")


def table(rows: list[list], widths: list[float]) -> Table:
    """A grid table whose cells wrap CJK text."""
    font = register_fonts()
    cell = styles()["cell"]
    data = [[Paragraph(escape(str(v)), cell) for v in row] for row in rows]
    result = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    result.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return result


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def dossier_pdf(dossier: Dossier, generated_on: str) -> bytes:
    """Render the record (always in Chinese: it is filed with the personnel file)."""
    buffer = io.BytesIO()
    with force_locale("zh_Hans_CN"):
        title = _("Law study record %(year)s", year=dossier.year)
        doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm,
                                topMargin=18 * mm, bottomMargin=18 * mm)
        doc.build(story(dossier, title, generated_on), canvasmaker=canvas_maker(title))
    return buffer.getvalue()


def story(d: Dossier, title: str, generated_on: str) -> list:
    s = styles()
    person = d.person
    flow = [Paragraph(escape(title), s["title"]),
            table([[_("Name"), _("Account"), _("Unit"), _("Position")],
                   [person.name, person.username, person.unit.full_name, person.position or "—"]],
                  [30, 30, 80, 34]),
            Spacer(0, 4 * mm)]
    flow += study_section(d, s)
    flow += exam_section(d, s)
    flow += certificate_section(d, s)
    flow += exemption_section(d, s)
    flow.append(Spacer(0, 6 * mm))
    flow.append(Paragraph(escape(_("Generated on %(day)s by examapp.", day=generated_on)), s["small"]))
    return flow


def study_section(d: Dossier, s: dict) -> list:
    p, leader = d.progress, d.leader
    flow = [Paragraph(escape(_("Study credits")), s["h2"])]
    if p is not None:
        text = _("Credits %(got)s of %(need)s required; %(hours)s hours; %(n)s organised sessions.",
                 got=p.credits, need=p.required, hours=p.hours, n=p.sessions)
        flow.append(Paragraph(escape(text), s["body"]))
    if leader is not None and leader.applies:
        flow.append(Paragraph(escape(_("Leading cadre: %(got)s of %(need)s organised sessions attended.",
                                       got=leader.attended, need=leader.required)), s["body"]))
    if d.credits:
        rows = [[_("Law"), _("Reading hours"), _("Cases")]] + [[c.law_title, c.hours, c.cases] for c in d.credits]
        flow.append(table(rows, [110, 32, 32]))
    flow.append(Paragraph(escape(_("Organised study sessions")), s["h2"]))
    if d.sessions:
        rows = [[_("Date"), _("Topic"), _("Hours")]] + [[x.held_on.isoformat(), x.topic, x.hours] for x in d.sessions]
        flow.append(table(rows, [30, 114, 30]))
    else:
        flow.append(Paragraph(escape(_("None recorded.")), s["body"]))
    return flow


def exam_section(d: Dossier, s: dict) -> list:
    flow = [Paragraph(escape(_("Exams")), s["h2"])]
    if not d.exams:
        return flow + [Paragraph(escape(_("None recorded.")), s["body"])]
    rows = [[_("Exam"), _("Attempts taken"), _("Score"), _("Outcome"), _("Date"), _("Certificate")]]
    for e in d.exams:
        result = (_("Excellent") if e.excellent else _("Pass")) if e.passed else (
            _("Not passed") if e.attempts else _("Absent"))
        rows.append([e.title, e.attempts, "—" if e.score is None else f"{e.score:g}", result,
                     e.finished_on.isoformat() if e.finished_on else "—", e.serial or "—"])
    return flow + [table(rows, [58, 16, 16, 18, 24, 42])]


def exemption_section(d: Dossier, s: dict) -> list:
    flow = [Paragraph(escape(_("Exemptions")), s["h2"])]
    if not d.exemptions:
        return flow + [Paragraph(escape(_("None recorded.")), s["body"])]
    rows = [[_("Reason"), _("Approved by"), _("Date")]] + [
        [e.reason, e.approved_by or "—", local_date(e.at).isoformat() if e.at else "—"] for e in d.exemptions]
    return flow + [table(rows, [100, 40, 34])]


def certificate_section(d: Dossier, s: dict) -> list:
    flow = [Paragraph(escape(_("Certificates")), s["h2"])]
    if not d.certificates:
        return flow + [Paragraph(escape(_("None recorded.")), s["body"])]
    rows = [[_("Serial number"), _("Exam"), _("Grade"), _("Valid until"), _("Status")]]
    for c in d.certificates:
        rows.append([c.serial, c.exam_title, _("Excellent") if c.grade == "excellent" else _("Pass"),
                     c.valid_until.isoformat() if c.valid_until else "—",
                     _("Revoked") if c.is_revoked else _("Valid")])
    return flow + [table(rows, [44, 62, 18, 26, 24])]
