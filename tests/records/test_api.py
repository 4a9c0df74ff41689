"""Certificate API: public verification JSON, the PDF for the holder and staff in scope."""

import io

import pypdf
import pytest

from examapp.extensions import db
from examapp.records import services


def test_verify_api_is_public(client, cert):
    data = client.get(f"/api/v1/certificates/{cert.serial}").get_json()
    assert data["status"] == "valid" and data["holder"] == "李*华"
    assert data["exam"] == "2026年度学法考试（宪法）" and data["score"] == 95 and data["grade"] == "excellent"
    assert data["date"] == cert.passed_on.isoformat() and data["verify_url"].endswith(f"/verify/{cert.serial}")


def test_verify_api_unknown_and_revoked(client, org, cert):
    response = client.get("/api/v1/certificates/XF2026-AAAA-BBBB-CCCC")
    assert response.status_code == 404 and response.get_json()["status"] == "unknown"
    services.revoke(cert, actor=org.admin, reason="撤销测试", now=cert.issued_at)
    db.session.commit()
    data = client.get(f"/api/v1/certificates/{cert.serial}").get_json()
    assert data["status"] == "revoked" and data["revoked_at"]


def test_verify_api_edited_row_is_invalid_and_reveals_nothing(client, cert):
    cert.holder_name = "王五"  # changed behind the app's back, signature not renewed
    db.session.commit()
    data = client.get(f"/api/v1/certificates/{cert.serial}").get_json()
    assert data == {"serial": cert.serial, "status": "invalid"}


@pytest.mark.parametrize("who, status", [("learner", 200), ("hr", 200), ("admin", 200), ("unitadmin", 404),
                                         ("examiner", 404), ("far", 404)])
def test_certificate_pdf_api(org, cert, login, who, status):
    response = login(getattr(org, who)).get(f"/api/v1/certificates/{cert.serial}.pdf")
    assert response.status_code == status
    if status == 200:
        text = pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
        assert "李明华" in text and cert.serial in text


def test_certificate_pdf_api_needs_auth(client, cert):
    assert client.get(f"/api/v1/certificates/{cert.serial}.pdf").status_code == 401
    assert client.get("/api/v1/certificates/XF2026-AAAA-BBBB-CCCC.pdf").status_code == 401
