"""One site time zone for everything people read or download; ISO 8601 with the offset in the API."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import update

from examapp import create_app
from examapp.bank.models import QuestionVersion
from examapp.config import ConfigError
from examapp.exams import attempts, leaving
from examapp.extensions import db
from examapp.localtime import iso, local_iso_text, local_text, site_zone
from tests.conftest import TEST_CONFIG
from tests.exams.conftest import make_exam, make_question
from tests.records.conftest import finish_attempt

LATE_EVENING_UTC = datetime(2026, 3, 5, 22, 30, 15, tzinfo=UTC)  # 2026-03-06 06:30:15 in Beijing


def test_downloads_show_the_site_zone_not_utc(app):
    assert local_text(LATE_EVENING_UTC) == "2026-03-06 06:30"
    assert local_text(LATE_EVENING_UTC, seconds=True) == "2026-03-06 06:30:15"
    assert local_text(LATE_EVENING_UTC.replace(tzinfo=None)) == "2026-03-06 06:30"  # stored UTC, read naive
    assert local_text(None) == ""


def test_api_times_are_iso_with_offset():
    assert iso(LATE_EVENING_UTC) == "2026-03-05T22:30:15Z"
    assert iso(datetime(2026, 3, 6, 6, 30, tzinfo=site_zone())) == "2026-03-05T22:30:00Z"
    assert iso(None) is None


def test_device_clock_text_is_shown_in_the_site_zone(app):
    assert local_iso_text("2026-03-05T22:30:15.123Z") == "2026-03-06 06:30:15"
    assert local_iso_text("not a time") == "not a time"
    assert local_iso_text("") == ""


@pytest.mark.parametrize("app", [{"SITE_TIMEZONE": "Asia/Urumqi"}], indirect=True)
def test_the_zone_is_a_setting(app):
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Urumqi"
    assert local_text(LATE_EVENING_UTC) == "2026-03-06 04:30"


def test_an_unknown_zone_is_refused_with_a_clear_message():
    with pytest.raises(ConfigError, match="SITE_TIMEZONE"):
        create_app({**TEST_CONFIG, "SITE_TIMEZONE": "Mars/Olympus"})


def test_the_zone_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SITE_TIMEZONE", "Asia/Tokyo")
    assert create_app(TEST_CONFIG).config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Tokyo"


@pytest.fixture
def late_result(org):
    from tests.records.conftest import make_exam as records_exam

    exam = records_exam(audience={"unit_ids": [org.town.id], "roles": ["learner"]})
    finish_attempt(exam, org.learner, 95, now=LATE_EVENING_UTC)
    db.session.commit()
    return exam


def test_exam_report_csv_and_xlsx_show_finish_time_in_the_site_zone(org, login, late_result):
    client = login(org.hr)
    response = client.get(f"/reports/exams/{late_result.id}/download?format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    line = next(r for r in rows if org.learner.username in r)
    assert "2026-03-06 06:30" in line and "2026-03-05 22:30" not in line
    response = client.get(f"/reports/exams/{late_result.id}/download?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "2026-03-06 06:30" in cells and "2026-03-05 22:30" not in cells


def test_question_version_history_in_the_site_zone(org, login, untangle):
    question = make_question("tz1")
    db.session.execute(update(QuestionVersion).where(QuestionVersion.question_id == question.id)
                       .values(created_at=LATE_EVENING_UTC))  # versions are immutable through the ORM
    db.session.commit()
    page = login(org.examiner).get(f"/bank/questions/{question.id}").get_data(as_text=True)
    assert "2026-03-06 06:30" in page and "2026-03-05 22:30" not in page


def test_evidence_page_shows_server_and_device_time_in_the_site_zone(org, login, bank):
    exam = make_exam(org)
    running = attempts.start_attempt(exam, org.villager, org.now)
    leaving.record_event(running, "leave", LATE_EVENING_UTC, "2026-03-05T22:30:14.500Z")
    db.session.commit()
    page = login(org.examiner).get(f"/exams/manage/attempts/{running.id}/evidence").get_data(as_text=True)
    assert "2026-03-06 06:30:15" in page and "2026-03-06 06:30:14" in page
    assert "T22:30" not in page and "Z<" not in page


def test_certificate_revocation_date_in_the_site_zone(org, login):
    from examapp.records.services import active_certificate
    from tests.records.conftest import make_exam as records_exam

    exam = records_exam()
    finish_attempt(exam, org.learner, 95)
    cert = active_certificate(org.learner.id, exam.id)
    cert.revoked_at, cert.revoke_reason = LATE_EVENING_UTC, "成绩更正"
    db.session.commit()
    page = login(org.admin).get(f"/records/certificates/{cert.serial}").get_data(as_text=True)
    assert "2026-03-06" in page and "2026-03-05" not in page


def test_json_gives_times_as_iso_with_offset_and_chinese_as_characters(app):
    from datetime import date

    from flask import json

    text = json.dumps({"at": LATE_EVENING_UTC, "on": date(2026, 3, 6), "who": "李明华"})
    assert '"at":"2026-03-05T22:30:15Z"' in text and '"on":"2026-03-06"' in text and "李明华" in text
