"""Certificates: issued on pass, PDF readable with embedded CJK font, QR, signature, verify, revoke."""

import io

import pypdf
import pytest
from sqlalchemy import select, update

from examapp.audit import AuditEvent
from examapp.extensions import db
from examapp.records import services, signing
from examapp.records.certificate_pdf import QR_BORDER, certificate_pdf, qr_code, verify_url
from examapp.records.models import Certificate

from .conftest import finish_attempt, make_exam


def fonts_of(reader: pypdf.PdfReader) -> list[tuple[str, bool]]:
    """Return (base font, embedded?) for every font the pages use."""
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font["/BaseFont"]), embedded))
    return found


def test_passed_attempt_earns_one_certificate(org, exam):
    attempt = finish_attempt(exam, org.learner, 95)
    again = finish_attempt(exam, org.learner, 97, number=2)
    certs = db.session.scalars(select(Certificate)).all()
    assert len(certs) == 1
    cert = certs[0]
    assert cert.grade == "excellent" and cert.score == 95 and cert.attempt_id == attempt.id
    assert services.certificate_serial_for(attempt) == cert.serial == services.certificate_serial_for(again)
    assert signing.serial_is_genuine(cert.serial)


def test_failed_attempt_earns_none(org, exam):
    attempt = finish_attempt(exam, org.villager, 59)
    assert services.certificate_serial_for(attempt) is None
    assert db.session.scalar(select(Certificate)) is None


def test_pass_grade_and_qualification_validity(org):
    exam = make_exam(title="行政执法资格考试", is_qualification=True, certificate_valid_months=24)
    finish_attempt(exam, org.villager, 70)
    cert = services.active_certificate(org.villager.id, exam.id)
    assert cert.grade == "pass" and cert.is_qualification
    assert cert.valid_until == services.add_months(cert.passed_on, 24)


def test_add_months_clamps_to_month_end():
    from datetime import date

    assert services.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_pdf_has_chinese_text_embedded_font_and_a4(app, org, cert):
    data = certificate_pdf(cert)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    assert "李明华" in text
    assert "2026年度学法考试（宪法）" in text
    assert cert.serial in text
    assert "合格证书" in text and "优秀" in text and "党政综合办公室" in text
    fonts = fonts_of(reader)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert len(data) < 200_000


def test_pdf_qr_code_encodes_the_verify_url(app, org, cert):
    """Read the QR image back out of the PDF and compare it module by module."""
    from PIL import Image

    reader = pypdf.PdfReader(io.BytesIO(certificate_pdf(cert)))
    images = reader.pages[0].images
    assert len(images) == 1
    picture = Image.open(io.BytesIO(images[0].data)).convert("L")
    url = verify_url(cert.serial)
    assert url == f"http://localhost/verify/{cert.serial}"
    expected = qr_code(url).get_matrix()  # includes the quiet-zone border
    modules = len(expected)
    assert picture.width == picture.height and picture.width % modules == 0
    box = picture.width // modules
    read = [[picture.getpixel((x * box + box // 2, y * box + box // 2)) < 128 for x in range(modules)]
            for y in range(modules)]
    assert read == expected
    # The quiet zone is white and the three finder patterns are where a reader looks for them.
    assert not any(read[0]) and all(read[QR_BORDER][QR_BORDER:QR_BORDER + 7])
    # A different URL would give a different matrix, so the comparison is a real check.
    assert qr_code(url + "X").get_matrix() != expected


def test_verify_valid_revoked_edited_invented(app, org, cert):
    today = services.local_date(cert.issued_at)
    assert services.verify(cert.serial, today=today).status == "valid"
    assert services.verify(cert.serial.lower(), today=today).status == "valid"
    # Invented: well formed, wrong check code; or a real-looking serial not in the database.
    body = cert.serial.rsplit("-", 1)[0]
    assert services.verify(body + "-0000", today=today).status == "unknown"
    invented = signing.new_serial(2026)
    assert signing.serial_is_genuine(invented)
    assert services.verify(invented, today=today).status == "unknown"
    assert services.verify("not-a-serial", today=today).status == "unknown"
    # Edited: a row changed behind the app's back no longer matches its signature.
    db.session.execute(update(Certificate).where(Certificate.id == cert.id).values(score=100))
    db.session.commit()
    db.session.expire_all()
    assert services.verify(cert.serial, today=today).status == "invalid"
    db.session.execute(update(Certificate).where(Certificate.id == cert.id).values(score=95))
    db.session.commit()
    db.session.expire_all()
    assert services.verify(cert.serial, today=today).status == "valid"
    # Revoked.
    services.revoke(cert, actor=org.admin, reason="成绩作废", now=cert.issued_at)
    db.session.commit()
    assert services.verify(cert.serial, today=today).status == "revoked"


def test_expired_qualification(app, org):
    from datetime import timedelta

    exam = make_exam(title="执法资格", is_qualification=True, certificate_valid_months=12)
    finish_attempt(exam, org.villager, 80)
    cert = services.active_certificate(org.villager.id, exam.id)
    assert services.verify(cert.serial, today=cert.valid_until).status == "valid"
    assert services.verify(cert.serial, today=cert.valid_until + timedelta(days=1)).status == "expired"


def test_another_key_does_not_verify(app, org, cert):
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough"
    assert services.verify(cert.serial, today=cert.passed_on).status == "unknown"


@pytest.mark.parametrize("name, masked", [
    ("张三", "张*"), ("欧阳娜娜", "欧**娜"), ("李小龙", "李*龙"), ("王", "王*"), ("", "")])
def test_mask_name(name, masked):
    assert services.mask_name(name) == masked


def test_revoke_needs_reason_and_is_logged(app, org, cert):
    from examapp.errors import Conflict, Invalid

    with app.test_request_context(), pytest.raises(Invalid):
        services.revoke(cert, actor=org.admin, reason="  ", now=cert.issued_at)
    services.revoke(cert, actor=org.admin, reason="违规", now=cert.issued_at)
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert event.target == cert.serial and event.detail["reason"] == "违规" and event.actor_id == org.admin.id
    with app.test_request_context(), pytest.raises(Conflict):
        services.revoke(cert, actor=org.admin, reason="again", now=cert.issued_at)
