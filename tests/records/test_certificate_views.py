"""Certificate pages and downloads: who gets 200, 403, 401/redirect; public /verify; revoke; ZIP."""

import io
import zipfile

import pypdf
import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.extensions import db
from examapp.records import services

from .conftest import finish_attempt


def audit_actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.mark.parametrize("who, status", [("learner", 200), ("hr", 200), ("admin", 200), ("unitadmin", 404),
                                         ("villager", 404), ("examiner", 404), ("far", 404)])  # 404: as if missing
def test_certificate_pdf_access(org, cert, login, who, status):
    client = login(getattr(org, who))
    response = client.get(f"/records/certificates/{cert.serial}.pdf")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/pdf"
        assert cert.serial in pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
        assert "certificate.download" in audit_actions()


def test_certificate_pdf_needs_login(client, cert):
    response = client.get(f"/records/certificates/{cert.serial}.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_serial_is_404(org, login):
    assert login(org.admin).get("/records/certificates/XF2026-0000-0000-0000.pdf").status_code == 404


def test_verify_page_is_public_and_masks_the_name(client, cert):
    response = client.get(f"/verify/{cert.serial}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-status="valid"' in body and "李*华" in body and "李明华" not in body
    assert "2026年度学法考试（宪法）" in body


def test_verify_page_unknown_and_revoked(client, org, cert):
    response = client.get("/verify/XF2026-AAAA-BBBB-CCCC")
    assert response.status_code == 404 and 'data-status="unknown"' in response.get_data(as_text=True)
    services.revoke(cert, actor=org.admin, reason="补考作弊", now=cert.issued_at)
    db.session.commit()
    body = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert 'data-status="revoked"' in body


def test_verify_lookup_form_redirects(client, cert):
    response = client.get("/verify", query_string={"serial": cert.serial.lower()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{cert.serial}")
    assert client.get("/verify").status_code == 200


def test_admin_revokes_with_reason(org, cert, login):
    client = login(org.admin)
    response = client.post(f"/records/certificates/{cert.serial}/revoke", data={"reason": "成绩更正"})
    assert response.status_code == 302
    db.session.expire_all()
    assert cert.is_revoked and cert.revoke_reason == "成绩更正"
    assert "certificate.revoke" in audit_actions()


@pytest.mark.parametrize("who", ["hr", "learner", "unitadmin"])
def test_only_admin_revokes(org, cert, login, who):
    response = login(getattr(org, who)).post(f"/records/certificates/{cert.serial}/revoke", data={"reason": "x"})
    assert response.status_code == 403
    db.session.expire_all()
    assert not cert.is_revoked


def test_revoke_without_reason_changes_nothing(org, cert, login):
    login(org.admin).post(f"/records/certificates/{cert.serial}/revoke", data={"reason": ""})
    db.session.expire_all()
    assert not cert.is_revoked




def test_certificate_list_scoped(org, exam, login):
    finish_attempt(exam, org.learner, 80)
    finish_attempt(exam, org.villager, 85)
    finish_attempt(exam, org.far, 90)
    db.session.commit()
    body = login(org.learner).get("/records/certificates").get_data(as_text=True)
    assert body.count('class="serial"') == 1
    body = login(org.hr).get("/records/certificates").get_data(as_text=True)
    assert body.count('class="serial"') == 2  # the town's people, not the other town's
    body = login(org.admin).get("/records/certificates").get_data(as_text=True)
    assert body.count('class="serial"') == 3


def test_unit_zip(org, exam, login):
    finish_attempt(exam, org.learner, 80)
    finish_attempt(exam, org.villager, 85)
    finish_attempt(exam, org.far, 90)
    db.session.commit()
    response = login(org.hr).get(f"/records/units/{org.town.id}/certificates.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    assert "certificate.zip" in audit_actions()
    assert login(org.hr).get(f"/records/units/{org.other_town.id}/certificates.zip").status_code == 404
    assert login(org.unitadmin).get(f"/records/units/{org.town.id}/certificates.zip").status_code == 404
    response = login(org.unitadmin).get(f"/records/units/{org.village_a.id}/certificates.zip")
    assert len(zipfile.ZipFile(io.BytesIO(response.data)).namelist()) == 1
    assert login(org.learner).get(f"/records/units/{org.office.id}/certificates.zip").status_code == 403


@pytest.mark.parametrize("path", ["/records/certificates/{serial}.pdf", "/api/v1/certificates/{serial}.pdf"])
def test_a_revoked_certificate_downloaded_again_says_it_is_revoked(org, cert, login, path):
    """Issue 9 (should): the PDF of a revoked certificate carries a clear 已撤销 mark."""
    client = login(org.admin)
    before = pypdf.PdfReader(io.BytesIO(client.get(path.format(serial=cert.serial)).data)).pages[0].extract_text()
    assert "已撤销" not in before
    client.post(f"/records/certificates/{cert.serial}/revoke", data={"reason": "成绩更正"})
    response = client.get(path.format(serial=cert.serial))
    assert response.status_code == 200
    text = pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "已撤销" in text and "不再有效" in text and cert.serial in text
