"""HR downloads a certificate and an exam report from the browser, and both open with real readers."""

import io

import openpyxl
from pypdf import PdfReader
from sqlalchemy import select

from examapp.exams.models import Exam
from examapp.extensions import db
from examapp.org.models import User
from tests.records.conftest import finish_attempt

from .conftest import axe_violations, log_in, screenshot


def passed_attempt(app, username: str) -> tuple[int, str]:
    """Give one demo learner a passed attempt (the certificate is issued by the finish signal)."""
    with app.app_context():
        exam = db.session.scalars(select(Exam).order_by(Exam.id)).first()
        user = db.session.scalar(select(User).where(User.username == username))
        finish_attempt(exam, user, 96, number=9)
        db.session.commit()
        result = exam.id, user.name
        db.session.remove()
        return result


def test_hr_downloads_a_certificate_and_a_report(live_server, desktop):
    base, app = live_server["url"], live_server["app"]
    exam_id, name = passed_attempt(app, "cadre7")
    log_in(desktop, base, "hr")

    desktop.goto(f"{base}/records/certificates")
    assert name in desktop.locator("main").inner_text()
    assert axe_violations(desktop) == []
    link = desktop.locator("main li, main tr").filter(has_text=name).locator("a[href$='.pdf']").first
    with desktop.expect_download() as info:
        link.click()
    pdf = PdfReader(info.value.path())
    assert name in "".join(page.extract_text() for page in pdf.pages)

    desktop.goto(f"{base}/reports/exams/{exam_id}")
    assert axe_violations(desktop) == []
    screenshot(desktop, "hr-exam-report")
    with desktop.expect_download() as info:
        desktop.locator("a[href*='format=xlsx']").first.click()
    with open(info.value.path(), "rb") as fh:
        book = openpyxl.load_workbook(io.BytesIO(fh.read()), read_only=True)
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert name in cells
