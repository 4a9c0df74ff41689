"""The first-log-in slips: an A4 sheet to print and cut (eight per page, QR code to the log-in page), or .xlsx."""

import io

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from ..records.certificate_pdf import qr_image
from ..records.pdfkit import new_canvas
from ..uploads import neutralise
from .onboarding import Slip

COLUMNS, ROWS = 2, 4
MARGIN = 10 * mm


def login_address() -> str:
    """The address printed on each slip: the site's public address, else this request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for("auth.login")
    return url_for("auth.login", _external=True)


def slips_pdf(slips: list[Slip], title: str) -> bytes:
    """Render the slips, eight to an A4 page, with dashed cut lines (always in Chinese: it is a document)."""
    buffer = io.BytesIO()
    address = login_address()
    qr = ImageReader(qr_image(address))
    with force_locale("zh_Hans_CN"):
        pdf = new_canvas(buffer, title=title)
        width, height = A4
        cell_w, cell_h = (width - 2 * MARGIN) / COLUMNS, (height - 2 * MARGIN) / ROWS
        for index, slip in enumerate(slips):
            spot = index % (COLUMNS * ROWS)
            if index and spot == 0:
                pdf.showPage()
            x = MARGIN + (spot % COLUMNS) * cell_w
            y = height - MARGIN - (spot // COLUMNS + 1) * cell_h
            draw_slip(pdf, slip, x, y, cell_w, cell_h, address, qr)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()


def draw_slip(pdf, slip: Slip, x: float, y: float, w: float, h: float, address: str, qr) -> None:
    pdf.setDash(3, 3)
    pdf.setStrokeColor(colors.grey)
    pdf.rect(x, y, w, h)
    pdf.setDash()
    font = pdf._fontname
    left, top = x + 5 * mm, y + h - 9 * mm
    pdf.setFont(font, 12)
    pdf.drawString(left, top, _("Law study and exam system: first log-in"))
    lines = [(_("Name"), slip.name), (_("Unit"), slip.unit_name[-18:]), (_("Account"), slip.username)]
    pdf.setFont(font, 9.5)
    for n, (label, value) in enumerate(lines):
        pdf.drawString(left, top - (8 + 6 * n) * mm, f"{label}：{value}")
    pdf.setFont(font, 9.5)
    pdf.drawString(left, top - 28 * mm, _("One-time password") + "：")
    pdf.setFont("Courier-Bold", 14)
    pdf.drawString(left, top - 35 * mm, slip.password)
    pdf.setFont(font, 8)
    pdf.drawString(left, top - 42 * mm, _("Change it at your first log-in; it works only once."))
    pdf.drawString(left, y + 5 * mm, address[:60])
    size = 26 * mm
    pdf.drawImage(qr, x + w - size - 3 * mm, y + h - size - 12 * mm, size, size)


def slips_xlsx(slips: list[Slip]) -> bytes:
    """The same slips as a spreadsheet: one row per person."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("One-time passwords")[:31]
    address = login_address()
    sheet.append([_("Name"), _("Account"), _("Unit"), _("One-time password"), _("Log-in address")])
    for slip in slips:
        sheet.append([neutralise(slip.name), slip.username, neutralise(slip.unit_name), slip.password, address])
    for column, width in zip("ABCDE", (12, 16, 36, 18, 40), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
