"""Progress of long work: click bars on the command line, a polled progress line on the import pages."""

import io

import pytest

from examapp import progress
from examapp.progress import file_progress, read_progress

from ..bank.conftest import library  # noqa: F401  (fixture)
from ..bank.helpers import GOOD_ROWS
from ..bank.helpers import xlsx_bytes as questions_xlsx
from ..foundation.test_people_import import GOOD, csv_bytes, xlsx_bytes

JOB = "job-0123456789abcdef"


def test_the_owner_polls_a_job_in_chinese_and_nobody_else_sees_it(app, org, login):
    step = file_progress(org.admin.id, JOB)
    step("check", 1200, 10000)
    response = login(org.admin).get(f"/progress/{JOB}")
    assert response.status_code == 200
    assert response.get_json() == {"message": "逐行检查：1,200 / 10,000", "percent": 12}
    other = login(org.unitadmin).get(f"/progress/{JOB}")  # same id, another person: not found
    assert other.status_code == 404 and other.get_json()["message"] == "仍在处理，请稍候……"
    assert login(org.admin).get("/progress/..%2F..%2Fetc").status_code == 404
    client = app.test_client()
    assert client.get(f"/progress/{JOB}").status_code == 302  # anonymous: to the log-in page


def test_a_stage_without_a_count_says_what_it_is_doing(app, org):
    file_progress(org.admin.id, JOB)("read", 0, 0)
    assert read_progress(org.admin.id, JOB) == {"message": "读取文件……", "percent": None}


@pytest.fixture
def polled(monkeypatch):
    """What a poll would have read each time the import reported progress."""
    seen = []
    real = progress.file_progress

    def spying(user_id, job):
        step = real(user_id, job)

        def both(stage, done, total):
            step(stage, done, total)
            seen.append(read_progress(user_id, job))

        return both

    monkeypatch.setattr(progress, "file_progress", spying)
    monkeypatch.setattr(progress, "WRITE_EVERY_SECONDS", 0)
    return seen


def test_the_people_import_reports_progress_while_it_works_and_clears_it(org, login, polled):
    client = login(org.admin)
    page = client.get("/org/import").get_data(as_text=True)
    assert 'data-progress="/progress/' in page and "js/progress.js" in page and 'name="job"' in page
    response = client.post("/org/import", data={"file": (io.BytesIO(xlsx_bytes(GOOD)), "p.xlsx"), "job": JOB},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    messages = [p["message"] for p in polled if p]
    assert "读取文件……" in messages and "逐行检查：2 / 2" in messages
    assert read_progress(org.admin.id, JOB) is None  # finished: the file is gone
    assert 'data-progress="/progress/' in response.get_data(as_text=True)  # the confirm form reports too


def test_the_question_import_reports_progress(library, org, login, polled):  # noqa: F811
    response = login(org.examiner).post("/bank/import", data={
        "file": (io.BytesIO(questions_xlsx(GOOD_ROWS)), "q.xlsx"), "job": JOB}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert f"逐行检查：{len(GOOD_ROWS)} / {len(GOOD_ROWS)}" in [p["message"] for p in polled if p]
    assert 'data-progress="/progress/' in response.get_data(as_text=True)  # the confirm form reports too


def test_cli_imports_draw_a_progress_bar(runner, org, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(GOOD))
    result = runner.invoke(args=["users", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    # Not a terminal here, so click prints each bar's label once (a terminal also sees the bar move).
    assert "people.csv：读取文件\npeople.csv：逐行检查\n" in result.output
