"""The unit ZIP streams: its PDFs are the single downloads byte for byte, it has no cap, it never holds them all."""

import io
import zipfile
from datetime import date

import pypdf
import pytest
from reportlab import rl_config
from sqlalchemy import insert, select

from examapp.db import utcnow
from examapp.extensions import db
from examapp.org.models import User
from examapp.records import bundle, services
from examapp.records.models import Certificate

from .conftest import finish_attempt


def streamed(response) -> list[bytes]:
    """The body's chunks as the server hands them over (never joined by the test client)."""
    assert response.is_streamed
    return list(response.response)


def test_the_streamed_zip_holds_exactly_the_single_pdfs(org, exam, login, monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)  # no time stamp or random id: equal content, equal bytes
    finish_attempt(exam, org.learner, 80)
    finish_attempt(exam, org.villager, 95)
    db.session.commit()
    revoked = services.active_certificate(org.villager.id, exam.id)
    services.revoke(revoked, actor=org.admin, reason="成绩更正", now=utcnow())
    db.session.commit()
    client = login(org.hr)
    response = client.get(f"/records/units/{org.town.id}/certificates.zip", buffered=False)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "certificates-" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(streamed(response))))
    certs = db.session.scalars(select(Certificate).order_by(Certificate.serial)).all()
    assert sorted(archive.namelist()) == sorted(bundle.entry_name(c) for c in certs)
    for cert in certs:
        single = client.get(f"/records/certificates/{cert.serial}.pdf").data
        assert archive.read(bundle.entry_name(cert)) == single
    assert archive.testzip() is None
    stamped = pypdf.PdfReader(io.BytesIO(archive.read(bundle.entry_name(revoked)))).pages[0].extract_text()
    assert "已撤销" in stamped


def add_certificates(unit, exam, count: int) -> None:
    """Many people with a certificate each, inserted in one statement per table (no PDFs rendered)."""
    now = utcnow()
    db.session.execute(insert(User), [{"username": f"z{i:05d}", "name": f"学员{i}", "unit_id": unit.id,
                                       "role": "learner", "password_hash": "!"} for i in range(count)])
    ids = db.session.scalars(select(User.id).where(User.username.like("z%")).order_by(User.id)).all()
    db.session.execute(insert(Certificate), [
        {"serial": f"2026-{i:08d}-ZZZZ", "user_id": uid, "exam_id": exam.id, "holder_name": f"学员{i}",
         "unit_name": unit.full_name, "exam_title": exam.title, "exam_year": 2026, "score": 80, "max_score": 100,
         "grade": "pass", "passed_on": date(2026, 11, 20), "signature": "0" * 64, "issued_at": now}
        for i, uid in enumerate(ids)])
    db.session.commit()


@pytest.fixture
def cheap_pdfs(monkeypatch):
    """Count the PDFs rendered and make each a few bytes, so thousands cost nothing."""
    calls = []

    def fake(cert):
        calls.append(cert.serial)
        return f"%PDF {cert.serial}".encode()

    monkeypatch.setattr(bundle, "certificate_pdf", fake)
    return calls


def test_a_unit_of_more_than_5000_gets_every_certificate(org, exam, login, cheap_pdfs):
    """Issue 13: the ZIP was cut at 5,000 without a word; a unit's certificates are all in it now."""
    add_certificates(org.village_a, exam, 5003)
    response = login(org.admin).get(f"/records/units/{org.village_a.id}/certificates.zip", buffered=False)
    names = zipfile.ZipFile(io.BytesIO(b"".join(streamed(response)))).namelist()
    assert len(names) == 5003 == len(cheap_pdfs)


def test_the_zip_renders_one_pdf_per_chunk_as_it_is_read(org, exam, login, cheap_pdfs):
    """Memory stays flat: the first bytes leave after one PDF was made, not after all of them."""
    add_certificates(org.village_a, exam, 50)
    response = login(org.admin).get(f"/records/units/{org.village_a.id}/certificates.zip", buffered=False)
    body = iter(response.response)
    first = next(body)
    assert first.startswith(b"PK\x03\x04") and len(cheap_pdfs) == 1
    second = next(body)
    assert len(cheap_pdfs) == 2
    rest = b"".join(body)
    assert len(cheap_pdfs) == 50
    assert len(zipfile.ZipFile(io.BytesIO(first + second + rest)).namelist()) == 50
