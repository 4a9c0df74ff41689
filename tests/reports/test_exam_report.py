"""Exam reports through the pages and the API: figures, scope, formats, audit, neutralisation."""

import csv
import io
import re

import openpyxl
import pypdf
import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.extensions import db
from examapp.reports import queries
from examapp.reports.exam_report import build_summary

from ..records.test_certificates import fonts_of


def downloads():
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.download")).all()


def read_csv(response):
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_rates_hand_computed_for_hr(results):
    summary = build_summary(results.exam, results.org.hr, None)
    t = summary.total
    assert (t.required, t.participants, t.absent, t.passed, t.excellent, t.attempts) == (4, 3, 1, 2, 1, 4)
    assert t.participation_rate == pytest.approx(0.75)
    assert t.pass_rate == pytest.approx(2 / 3) and t.excellence_rate == pytest.approx(1 / 3)
    assert t.average == pytest.approx((95 + 70 + 50) / 3)
    ranked = {unit.name: (pos, tally) for pos, unit, tally in summary.ranked()}
    assert ranked["党政综合办公室"][0] == 1 and ranked["东山村民委员会"][0] == 2 and ranked["西岭村民委员会"][0] == 3
    village_a = ranked["东山村民委员会"][1]
    assert (village_a.required, village_a.participants, village_a.passed) == (2, 2, 1)
    assert [b["count"] for b in summary.bands] == [0, 0, 0, 0, 0, 1, 0, 1, 0, 1]  # counted: 50, 70, 95


def test_counted_attempt_is_the_highest(results):
    rows = {r.username: r for r in queries.exam_rows(results.exam, results.org.admin)}
    assert rows["grid1"].score == 70 and rows["grid1"].attempts == 2 and rows["grid1"].passed
    assert rows["far1"].took_part and not rows["far1"].required
    assert not rows["grid2"].took_part and rows["grid2"].required
    assert rows["cadre1"].serial and rows["grid3"].serial is None


def test_unit_admin_sees_only_the_subtree(results):
    rows = list(queries.exam_rows(results.exam, results.org.unitadmin))
    assert {r.username for r in rows} == {"grid1", "grid3"}
    t = build_summary(results.exam, results.org.unitadmin, None).total
    assert (t.required, t.participants, t.passed) == (2, 2, 1)


def test_absent_list(results):
    rows = list(queries.exam_rows(results.exam, results.org.hr, only_absent=True))
    assert [r.username for r in rows] == ["grid2"]


def test_csv_download(results, login):
    response = login(results.org.hr).get(f"/reports/exams/{results.exam.id}/download?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = read_csv(response)
    assert rows[0][:3] == ["单位", "账号", "姓名"]
    by_account = {r[1]: r for r in rows[1:]}
    assert set(by_account) == {"cadre1", "grid1", "grid2", "grid3"}  # not the other town's far1
    assert by_account["cadre1"][2] == "李明华"
    assert by_account["grid3"][2].startswith("'=HYPERLINK")  # neutralised
    assert [e.detail["format"] for e in downloads()] == ["csv"]


def test_absent_csv(results, login):
    rows = read_csv(login(results.org.hr).get(f"/reports/exams/{results.exam.id}/download?format=csv&only=absent"))
    assert [r[1] for r in rows[1:]] == ["grid2"]


def test_xlsx_download_opens_and_is_formatted(results, login):
    response = login(results.org.hr).get(f"/reports/exams/{results.exam.id}/download?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["汇总", "单位排名", "分数分布", "未参考", "明细"]
    details = book["明细"]
    assert details.freeze_panes == "A2"
    rows = list(details.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    names = [r[2] for r in rows]
    assert "李明华" in names and all(not str(n).startswith("=") for n in names)
    for row in details.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
    ranking = list(book["单位排名"].iter_rows(min_row=2, values_only=True))
    assert ranking[0][1] == "乌塘镇/党政综合办公室" and ranking[0][5] == 1.0
    assert [r[1] for r in book["未参考"].iter_rows(min_row=2, values_only=True)] == ["grid2"]
    assert downloads()[0].detail["format"] == "xlsx"


def test_xlsx_one_sheet_per_unit(results, login):
    response = login(results.org.admin).get(f"/reports/exams/{results.exam.id}/download?format=xlsx&per_unit=1")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert {"乌塘镇", "河口镇"} <= set(book.sheetnames)
    response = login(results.org.hr).get(f"/reports/exams/{results.exam.id}/download?format=xlsx&per_unit=1")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert {"党政综合办公室", "东山村民委员会", "西岭村民委员会"} <= set(book.sheetnames)
    rows = list(book["东山村民委员会"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[1] for r in rows) == ["grid1", "grid3"]


def test_pdf_summary_with_charts(results, login):
    response = login(results.org.hr).get(f"/reports/exams/{results.exam.id}/download?format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "2026年度学法考试（宪法）" in text and "75.0%" in text and "66.7%" in text
    assert "东山村民委员会" in text
    assert all(embedded for _name, embedded in fonts_of(reader)), fonts_of(reader)


@pytest.mark.parametrize("who, status", [("hr", 200), ("unitadmin", 200), ("admin", 200), ("learner", 403),
                                         ("villager", 403), ("examiner", 403)])
def test_who_gets_reports(results, login, who, status):
    client = login(getattr(results.org, who))
    assert client.get(f"/reports/exams/{results.exam.id}/download?format=csv").status_code == status
    assert client.get(f"/reports/exams/{results.exam.id}").status_code == status
    assert client.get("/reports/").status_code == status
    assert client.get("/reports/years/2026/download?format=csv").status_code == status


def test_reports_need_login(results, client):
    assert client.get(f"/reports/exams/{results.exam.id}").status_code == 302
    assert client.get(f"/api/v1/reports/exams/{results.exam.id}?format=csv").status_code == 401


def test_unit_filter_outside_scope_is_403(results, login):
    client = login(results.org.unitadmin)
    assert client.get(f"/reports/exams/{results.exam.id}?unit_id={results.org.village_b.id}").status_code == 403
    assert client.get(f"/reports/exams/{results.exam.id}/download?format=csv&unit_id={results.org.town.id}"
                      ).status_code == 403
    rows = read_csv(login(results.org.hr).get(
        f"/reports/exams/{results.exam.id}/download?format=csv&unit_id={results.org.village_a.id}"))
    assert sorted(r[1] for r in rows[1:]) == ["grid1", "grid3"]


def test_exam_page_shows_figures_charts_and_absent(results, login):
    body = login(results.org.hr).get(f"/reports/exams/{results.exam.id}").get_data(as_text=True)
    assert '<strong data-rate="participation">75.0%</strong>' in body
    assert '<strong data-rate="pass">66.7%</strong>' in body
    main = body.split("<main", 1)[1].split("</main>", 1)[0]  # the menu's icons are svg too
    assert main.count("<svg") == 3 and "grid2" in main and "far1" not in main


def test_dashboard_year(results, login):
    body = login(results.org.hr).get("/reports/?year=2026").get_data(as_text=True)
    assert "2026年度学法考试（宪法）" in body and "75.0%" in body and "<svg" in body
    response = login(results.org.hr).get("/reports/years/2026/download?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert list(book["考试"].iter_rows(min_row=2, values_only=True))[0][:4] == ("2026年度学法考试（宪法）", 4, 3, 1)
    pdf = login(results.org.hr).get("/reports/years/2026/download?format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_api_formats_and_scope(results, login):
    client = login(results.org.unitadmin)
    response = client.get(f"/api/v1/reports/exams/{results.exam.id}?format=csv")
    assert response.status_code == 200
    assert sorted(r[1] for r in read_csv(response)[1:]) == ["grid1", "grid3"]
    response = client.get(f"/api/v1/reports/exams/{results.exam.id}?format=xlsx")
    assert openpyxl.load_workbook(io.BytesIO(response.data)).sheetnames[0] == "汇总"
    data = client.get(f"/api/v1/reports/exams/{results.exam.id}").get_json()
    assert data["total"]["required"] == 2 and data["total"]["pass_rate"] == 0.5
    assert client.get("/api/v1/reports/exams/999999?format=csv").status_code == 404
    assert client.get(f"/api/v1/reports/exams/{results.exam.id}?format=doc").status_code == 422
    assert len(downloads()) == 2
    assert login(results.org.learner).get(f"/api/v1/reports/exams/{results.exam.id}?format=csv").status_code == 403


def test_rank_by_pass_rate(results, login):
    body = login(results.org.hr).get(f"/reports/exams/{results.exam.id}?by=pass").get_data(as_text=True)
    ranking = body[body.index('class="ranking"'):]
    assert ranking.index("党政综合办公室") < ranking.index("东山村民委员会") < ranking.index("西岭村民委员会")
    assert '<option value="pass" selected>' in body
    assert login(results.org.hr).get("/reports/?by=nonsense").status_code == 200


def test_api_refusals_are_written_in_chinese(results, login):
    """Each refusal of the report API says what is wrong in Chinese (they were English phrases)."""
    exam = results.exam.id
    learner, unitadmin = results.org.learner, results.org.unitadmin
    asked = [(learner, f"/api/v1/reports/exams/{exam}?format=csv", 403, "人事"),
             (unitadmin, "/api/v1/reports/exams/999999?format=csv", 404, "考试"),
             (unitadmin, f"/api/v1/reports/exams/{exam}?format=doc", 422, "xlsx"),
             (unitadmin, f"/api/v1/reports/exams/{exam}?unit_id=999999", 404, "单位"),
             (unitadmin, f"/api/v1/reports/exams/{exam}?unit_id={results.org.town.id}", 403, "范围")]
    for person, path, status, word in asked:
        response = login(person).get(path)
        message = response.get_json()["error"]["message"]
        assert response.status_code == status and word in message, (path, message)
        assert not re.search(r"[a-z]{3,}", message.replace("xlsx", "").replace("csv", "").replace("pdf", "")
                             .replace("json", "")), message
