"""Study record page and PDF, promotion check (page and .xlsx), qualification gaps."""

import io
from datetime import date, timedelta

import openpyxl
import pypdf
import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.extensions import db
from examapp.org.services import set_status
from examapp.records import services
from examapp.records.qualifications import qualification_gaps
from examapp.study.models import Law, StudyAttendance, StudyCredit, StudySession

from ..records.test_certificates import fonts_of
from .conftest import finish_attempt, make_exam


def a_law() -> Law:
    law = db.session.scalar(select(Law).where(Law.slug == "records-test-law"))
    if law is None:  # laws are reference data kept between tests: create once
        law = Law(slug="records-test-law", title="中华人民共和国测试法", short_title="测试法",
                  version_date=date(2020, 1, 1), level="law")
        db.session.add(law)
        db.session.flush()
    return law


@pytest.fixture
def studied(org, exam):
    """cadre1 passed with 95 and read 10 credits' worth; grid1 failed and read nothing."""
    org.learner.name = "李明华"
    org.learner.is_leader = True
    law = a_law()
    db.session.add(StudyCredit(user_id=org.learner.id, law_id=law.id, day=date(2026, 3, 1), seconds=10 * 30 * 60,
                               cases=0))
    session = StudySession(unit_id=org.office.id, held_on=date(2026, 4, 1), topic="宪法宣誓制度专题学习", hours=2)
    db.session.add(session)
    db.session.flush()
    db.session.add(StudyAttendance(session_id=session.id, user_id=org.learner.id))
    finish_attempt(exam, org.learner, 95)
    finish_attempt(exam, org.villager, 40)
    db.session.commit()
    return org


@pytest.mark.parametrize("who, status", [("learner", 200), ("hr", 200), ("admin", 200), ("unitadmin", 404),
                                         ("villager", 404), ("examiner", 404)])
def test_record_access(studied, login, who, status):
    client = login(getattr(studied, who))
    assert client.get(f"/records/people/{studied.learner.id}?year=2026").status_code == status
    assert client.get(f"/records/people/{studied.learner.id}/record.pdf?year=2026").status_code == status


def test_unit_admin_sees_own_subtree_record(studied, login):
    assert login(studied.unitadmin).get(f"/records/people/{studied.villager.id}").status_code == 200


def test_my_record_is_mine(studied, login):
    response = login(studied.villager).get("/records/?year=2026")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f"/records/people/{studied.villager.id}/record.pdf" in body
    assert "未合格" in body


def test_record_page_shows_everything(studied, login):
    body = login(studied.learner).get(f"/records/people/{studied.learner.id}?year=2026").get_data(as_text=True)
    assert "中华人民共和国测试法" in body and "宪法宣誓制度专题学习" in body
    assert "2026年度学法考试（宪法）" in body
    cert = db.session.scalar(select(services.Certificate).where(services.Certificate.user_id == studied.learner.id))
    assert cert.serial in body and "已达标" in body


def test_record_pdf_is_readable_with_embedded_font(studied, login):
    response = login(studied.hr).get(f"/records/people/{studied.learner.id}/record.pdf?year=2026")
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = "".join(p.extract_text() for p in reader.pages)
    cert = db.session.scalar(select(services.Certificate))
    assert "李明华" in text and "2026年度学法考试（宪法）" in text and cert.serial in text
    assert "学法档案" in text and "中华人民共和国测试法" in text and "宪法宣誓制度专题学习" in text
    assert all(embedded for _n, embedded in fonts_of(reader))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "record.download"))
    assert event.actor_id == studied.hr.id and event.detail["user_id"] == studied.learner.id


def test_record_shows_exemption(org, login):
    set_status(org.admin, org.villager, "exempt", org.now, reason="长期病假", approver="镇党委")
    db.session.commit()
    body = login(org.villager).get(f"/records/people/{org.villager.id}?year={org.now.year}").get_data(as_text=True)
    assert "长期病假" in body and "镇党委" in body


def test_promotion_check_page_and_xlsx(studied, login):
    client = login(studied.hr)
    data = {"people": "cadre1\ngrid1\n不存在的人", "year": "2026", "format": "page"}
    body = client.post("/records/promotion", data=data).get_data(as_text=True)
    assert body.count('data-met="no"') == 3  # cadre1 is a leader without the 2 sessions
    assert "1 of 2" in body or "参加 1 次，要求 2 次" in body
    response = client.post("/records/promotion", data={**data, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["cadre1", "grid1", "不存在的人"]
    cadre = rows[0]
    assert cadre[2] == "李明华" and cadre[4] == "不符合"
    assert cadre[6].startswith("✓") and cadre[7].startswith("✓") and cadre[8].startswith("✗")
    assert rows[1][6].startswith("✗") and rows[2][5]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "promotion.download"))


def test_promotion_met_when_everything_done(studied, login):
    studied.learner.is_leader = False
    db.session.commit()
    body = login(studied.hr).post("/records/promotion", data={"people": "李明华", "year": "2026"}).get_data(
        as_text=True)
    assert body.count('data-met="yes"') == 1


def test_promotion_upload(studied, login):
    from werkzeug.datastructures import FileStorage

    csv_bytes = "\ufeff账号\ncadre1\n".encode()
    upload = FileStorage(io.BytesIO(csv_bytes), filename="名单.csv", content_type="text/csv")
    body = login(studied.hr).post("/records/promotion", data={"upload": upload, "year": "2026"},
                                  content_type="multipart/form-data").get_data(as_text=True)
    assert "李明华" in body and body.count("data-met=") == 1


def test_promotion_respects_scope(studied, login):
    body = login(studied.unitadmin).post("/records/promotion", data={"people": "cadre1", "year": "2026"}
                                         ).get_data(as_text=True)
    assert "在您的管理范围内没有此账号或姓名" in body
    assert login(studied.learner).get("/records/promotion").status_code == 403


def test_qualification_gaps(org):
    exam = make_exam(title="行政执法资格考试", is_qualification=True, certificate_valid_months=12)
    org.villager.is_enforcement = org.outsider.is_enforcement = org.far.is_enforcement = True
    org.learner.is_enforcement = True
    finish_attempt(exam, org.villager, 80)
    finish_attempt(exam, org.outsider, 80)
    db.session.commit()
    soon = services.active_certificate(org.outsider.id, exam.id)
    soon.valid_until = services.local_date(org.now) + timedelta(days=10)  # nearly expired
    db.session.commit()
    today = services.local_date(org.now)
    gaps = {g.person.username: g for g in qualification_gaps(org.hr, today=today, days=30)}
    assert set(gaps) == {"cadre1", "grid2"}  # far1 is outside the town; grid1 holds a year's certificate
    assert gaps["cadre1"].status == "none" and gaps["grid2"].status == "expiring" and gaps["grid2"].days_left == 10
    assert {g.person.username for g in qualification_gaps(org.hr, today=today, days=5)} == {"cadre1"}
    assert {g.person.username for g in qualification_gaps(org.unitadmin, today=today, days=400)} == {"grid1"}


@pytest.mark.parametrize("who, status", [("hr", 200), ("unitadmin", 200), ("admin", 200), ("learner", 403),
                                         ("examiner", 403)])
def test_qualification_page_access(org, login, who, status):
    assert login(getattr(org, who)).get("/records/qualifications?days=60").status_code == status


def test_people_search(org, login):
    body = login(org.hr).get("/records/people?q=grid").get_data(as_text=True)
    assert "grid1" in body and "grid2" in body and "far1" not in body
    assert login(org.learner).get("/records/people").status_code == 403


def test_qualification_csv(org, login):
    import csv

    org.villager.is_enforcement = True
    org.far.is_enforcement = True
    db.session.commit()
    response = login(org.hr).get("/records/qualifications.csv?days=30")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["grid1"] and rows[1][3] == "无证书"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "qualification.download"))
    assert login(org.learner).get("/records/qualifications.csv").status_code == 403
