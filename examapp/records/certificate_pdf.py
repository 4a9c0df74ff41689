"""The certificate PDF: A4, embedded CJK font, signed serial and a QR code to /verify."""

import io

import qrcode
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from .models import Certificate
from .pdfkit import new_canvas

QR_BOX, QR_BORDER = 4, 4
# Every verify address has the same shape, and for it mask 2 is the one the penalty rules pick three times
# in four. Fixing it skips trying all eight masks (eight more matrices in pure Python, most of a
# certificate's time); a reader decodes any mask, since the code says which one it uses.
QR_MASK = 2
GOLD = colors.HexColor("#9a7b2f")
RED = colors.HexColor("#b22222")


def verify_url(serial: str) -> str:
    """Return the absolute public URL that verifies a certificate."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return f"{base.rstrip('/')}/verify/{serial}"
    return url_for("records.verify", serial=serial, _external=True)


def qr_code(data: str) -> qrcode.QRCode:
    """Return the QR code (the matrix the PDF draws) for some text."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=QR_BOX, border=QR_BORDER, mask_pattern=QR_MASK)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_image(data: str) -> Image.Image:
    """The QR code as a black-on-white picture, QR_BOX pixels per module.

    Built from the module matrix in one step (qrcode's own image factory draws every module as a PIL
    rectangle from Python, which was a fifth of a certificate's time).
    """
    matrix = qr_code(data).get_matrix()
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    return Image.frombytes("L", (size, size), pixels).resize((size * QR_BOX, size * QR_BOX), Image.NEAREST)


def grade_label(grade: str) -> str:
    return _("Excellent") if grade == "excellent" else _("Pass")


def certificate_pdf(cert: Certificate) -> bytes:
    """Render one certificate as a one-page A4 PDF (always in Chinese, it is a document)."""
    buffer = io.BytesIO()
    with force_locale("zh_Hans_CN"):
        pdf = new_canvas(buffer, title=f"{_('Certificate')} {cert.serial}")
        draw_frame(pdf)
        draw_body(pdf, cert)
        draw_qr(pdf, cert.serial)
        if cert.is_revoked:
            draw_revoked(pdf, cert)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()


def draw_frame(pdf) -> None:
    width, height = A4
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)


def draw_body(pdf, cert: Certificate) -> None:
    width, height = A4
    pdf.setFillColor(RED)
    pdf.setFont(pdf._fontname, 34)
    pdf.drawCentredString(width / 2, height - 55 * mm, _("Certificate of passing"))
    pdf.setFillColor(colors.black)
    pdf.setFont(pdf._fontname, 13)
    pdf.drawCentredString(width / 2, height - 67 * mm, _("Law study examination"))
    score, max_score = f"{cert.score:g}", f"{cert.max_score:g}"
    rows = [
        (_("Name"), cert.holder_name),
        (_("Unit"), cert.unit_name),
        (_("Exam"), cert.exam_title),
        (_("Score"), _("%(score)s of %(max)s", score=score, max=max_score)),
        (_("Grade"), grade_label(cert.grade)),
        (_("Date passed"), cert.passed_on.isoformat()),
    ]
    if cert.valid_until:
        rows.append((_("Valid until"), cert.valid_until.isoformat()))
    rows.append((_("Serial number"), cert.serial))
    y = height - 95 * mm
    for label, value in rows:
        pdf.setFont(pdf._fontname, 13)
        pdf.drawRightString(70 * mm, y, f"{label}：")
        pdf.setFont(pdf._fontname, 14)
        for line in wrap(value, 26):
            pdf.drawString(73 * mm, y, line)
            y -= 8 * mm
        y -= 4 * mm
    pdf.setFont(pdf._fontname, 12)
    pdf.drawCentredString(width / 2, y - 6 * mm, _("This certificate is issued for passing the above exam."))


def draw_qr(pdf, serial: str) -> None:
    width, _height = A4
    url = verify_url(serial)
    size = 38 * mm
    x, y = width - 25 * mm - size, 28 * mm
    pdf.drawImage(ImageReader(qr_image(url)), x, y, size, size)
    pdf.setFont(pdf._fontname, 8)
    pdf.drawCentredString(x + size / 2, y - 4 * mm, _("Scan to verify"))
    pdf.drawString(25 * mm, 32 * mm, _("Verify at: %(url)s", url=url))
    pdf.drawString(25 * mm, 27 * mm, _("Serial number") + f"：{serial}")


def draw_revoked(pdf, cert: Certificate) -> None:
    """Stamp a revoked certificate across the page and say when, so a re-download cannot pass for valid."""
    from ..localtime import local_date

    width, height = A4
    pdf.saveState()
    pdf.setFillColor(RED)
    pdf.setStrokeColor(RED)
    pdf.setFont(pdf._fontname, 14)
    pdf.drawCentredString(width / 2, height - 30 * mm, _("This certificate was revoked on %(date)s and is no longer "
                                                         "valid.", date=local_date(cert.revoked_at).isoformat()))
    pdf.translate(width / 2, height / 2)
    pdf.rotate(30)
    pdf.setLineWidth(4)
    pdf.rect(-70 * mm, -18 * mm, 140 * mm, 36 * mm)
    pdf.setFont(pdf._fontname, 72)
    pdf.drawCentredString(0, -10 * mm, _("REVOKED"))
    pdf.restoreState()


def wrap(text: str, width: int) -> list[str]:
    """Split long CJK text into lines of at most `width` characters."""
    text = text or ""
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]
