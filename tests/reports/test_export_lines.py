"""The downloads' fast lines (exam_report.line_maker over queries.exam_lines) give exactly what the ResultRow
lines gave through writers.safe: the same CSV bytes and the same cells in every .xlsx sheet, for tricky
names (formulas, control characters, line breaks, Chinese), units, scopes and the absent list."""

import csv
import io
from datetime import UTC, datetime, timedelta
from itertools import groupby

import openpyxl
import pytest
from flask_babel import gettext as _

from examapp.extensions import db
from examapp.localtime import local_text, local_texts
from examapp.org.services import add_unit
from examapp.reports import exam_report, queries
from examapp.reports.summary import group_of
from examapp.reports.writers import csv_stream, safe
from tests.core.test_progress import polled  # noqa: F401  (fixture)
from tests.factories import make_user
from tests.records.conftest import finish_attempt

FINISHED = datetime(2026, 3, 5, 15, 59, 59, tzinfo=UTC)  # 23:59 in Shanghai
TRICKY = ["=1+1", "+SUM(A1)", "-2", "@cmd", "\t=1", "王\n芳", "李\x07四", '"引号",逗号', "张三"]


@pytest.fixture
def tricky(results):
    """The report's people plus a unit whose name starts like a formula and people named like attacks."""
    org = results.org
    odd = add_unit("=恶意单位", None, kind="town")
    for i, name in enumerate(TRICKY):
        person = make_user(f"odd{i}", odd if i % 2 else org.village_b, "learner", name=name,
                           position=TRICKY[-1 - i] if i % 3 else None)
        if i % 4:
            finish_attempt(results.exam, person, round(33.33 + i * 7, 2), now=FINISHED)
    db.session.commit()
    return results


def reference(exam, viewer, unit=None, only_absent=False) -> list[list]:
    """The cells as the reports made them before (ResultRow, then safe() on every cell)."""
    labels = {True: _("Yes"), False: _("No")}
    out = []
    for r in queries.exam_rows(exam, viewer, unit, only_absent=only_absent):
        took = r.took_part
        out.append([safe(v) for v in (
            r.unit_name, r.username, r.name, r.position, labels[r.required], labels[took], r.attempts, r.score,
            r.max_score, labels[r.passed] if took else "", labels[r.excellent] if took else "", r.finished_at,
            r.serial or "")])
    return out


@pytest.mark.parametrize("who, where, absent", [("admin", None, False), ("hr", None, False),
                                                ("unitadmin", None, False), ("admin", "town", False),
                                                ("hr", None, True)])
def test_lines_equal_the_reference(app, tricky, who, where, absent):
    org = tricky.org
    viewer, unit = getattr(org, who), getattr(org, where) if where else None
    with app.test_request_context():
        got = [list(line) for line in exam_report.detail_lines(tricky.exam, viewer, unit, only_absent=absent)]
        assert got == reference(tricky.exam, viewer, unit, absent)
    assert got


def test_csv_download_is_byte_identical(app, tricky, login):
    exam, hr = tricky.exam, tricky.org.admin  # every unit, the one named like a formula too
    response = login(hr).get(f"/reports/exams/{exam.id}/download?format=csv")
    with app.test_request_context():
        want = b"".join(csv_stream(exam_report.detail_header(), reference(exam, hr)))
    assert response.data == want
    text = response.data.decode("utf-8-sig")
    assert "是" in text and "'=恶意单位" in text and '"王\n芳"' in text and "\x07" not in text
    assert "2026-03-05 23:59" in text  # the site's time, never UTC
    assert len(list(csv.reader(io.StringIO(text)))) == len(want.decode("utf-8-sig").split("\r\n")) - 1


def sheet_values(ws) -> list[list]:
    return [["" if v is None else v for v in row] for row in ws.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("per_unit", [False, True])
def test_xlsx_detail_sheets_hold_the_reference_cells(app, tricky, login, per_unit):
    exam, hr = tricky.exam, tricky.org.hr
    response = login(hr).get(f"/reports/exams/{exam.id}/download?format=xlsx" + ("&per_unit=1" if per_unit else ""))
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    with app.test_request_context():
        want, absent = reference(exam, hr), reference(exam, hr, only_absent=True)
        assert sheet_values(book[_("Absent")]) == absent
        details = book.sheetnames[4:]
        if not per_unit:
            assert details == [_("Detail rows")] and sheet_values(book[details[0]]) == want
            return
        root = exam_report.report_root(hr, None)
        names = exam_report.build_summary(exam, hr, None).units
        paths = {r.username: r.unit_path for r in queries.exam_rows(exam, hr)}
        groups = [list(g) for _k, g in groupby(want, key=lambda c: group_of(paths[c[1].lstrip("'")], root, names))]
        assert [sheet_values(book[title]) for title in details] == groups and len(groups) > 1


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata"])
def test_local_texts_equal_local_text(app, zone):
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    start = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # New York changes its clocks at 07:00 UTC that day
    moments = [start + timedelta(seconds=37 * i) for i in range(2000)]
    moments += [datetime(1900, 1, 1, 3, 2, s, tzinfo=UTC) for s in range(0, 60, 7)]  # offsets with seconds
    moments += [datetime(2026, 1, 1, 12, 0, 30)]  # naive: stored UTC
    with app.app_context():
        text = local_texts()
        assert [text(m) for m in moments] == [local_text(m) for m in moments]


def test_the_xlsx_download_reports_progress_to_its_page(tricky, login, polled, monkeypatch):  # noqa: F811
    from examapp.progress import read_progress
    from examapp.reports import writers

    monkeypatch.setattr(writers, "PROGRESS_ROWS", 2)
    exam, hr, job = tricky.exam, tricky.org.hr, "job-0123456789abcdef"
    client = login(hr)
    page = client.get(f"/reports/exams/{exam.id}").get_data(as_text=True)
    assert 'data-progress="/progress/' in page and "js/progress.js" in page and "job=" in page
    assert "正在生成文件" in page
    response = client.get(f"/reports/exams/{exam.id}/download?format=xlsx&job={job}")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    lines = sum(book[name].max_row - 1 for name in book.sheetnames)
    seen = [p for p in polled if p]
    assert seen[0] == {"message": "导出……", "percent": None}  # the figures are being counted
    assert {"message": f"导出：2 / {lines:,}", "percent": round(200 / lines)} in seen
    assert seen[-1] == {"message": f"导出：{lines:,} / {lines:,}", "percent": 100}
    assert read_progress(hr.id, job) is None  # done: the page's poll gets 404 and says the file is ready
