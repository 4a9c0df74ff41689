"""Request tests: create, edit, preview, retire, import upload → preview → confirm, error file, API."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from examapp.audit import AuditEvent
from examapp.bank.models import Question
from examapp.extensions import db

from .helpers import GOOD_ROWS, SAMPLE_DIR, xlsx_bytes

APL = "administrative-penalty-law-2021"
FORM = {"type": "single", "stem": "行政处罚由谁实施？", "option_a": "行政机关", "option_b": "法院", "answer": "a",
        "explanation": "第十七条。", "basis": "《行政处罚法》第十七条", "difficulty": 2, "tags": "实施机关、主体",
        "audience": "all", "status": "active"}


def count() -> int:
    return db.session.scalar(select(func.count(Question.id)))


def audited(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


@pytest.fixture
def examiner(library, org, login):
    return login(org.examiner)


def test_create_edit_preview_retire(examiner):
    response = examiner.post("/bank/questions/new", data=FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    question = db.session.scalar(select(Question))
    assert question.current.answer == "A" and question.current.tags == ["实施机关", "主体"]
    assert question.current.basis == [{"law": APL, "article": 17}]
    response = examiner.post(f"/bank/questions/{question.id}/edit", data={**FORM, "option_c": "检察院"})
    assert response.status_code == 302
    db.session.expire_all()
    assert question.current.number == 2 and len(question.versions) == 2
    preview = examiner.get(f"/bank/questions/{question.id}/preview?v=1").get_data(as_text=True)
    assert "行政处罚由谁实施" in preview and "检察院" not in preview
    assert "bank-correct" not in preview and "第十七条。" not in preview  # no key, no explanation
    detail = examiner.get(f"/bank/questions/{question.id}").get_data(as_text=True)
    assert "bank-correct" in detail
    assert examiner.post(f"/bank/questions/{question.id}/retire").status_code == 302
    db.session.expire_all()
    assert question.status == "retired" and audited("bank.retire") == 1


def test_invalid_form_is_refused_with_reasons(examiner):
    response = examiner.post("/bank/questions/new", data={**FORM, "answer": "D"})
    assert response.status_code == 422 and count() == 0
    response = examiner.post("/bank/questions/new", data={**FORM, "basis": "《行政处罚法》第九百条"})
    assert response.status_code == 422 and count() == 0


def test_case_question_through_the_form(examiner):
    subs = ("- type: single\n  stem: 问一\n  options: {A: 是, B: 否}\n  answer: A\n"
            f"  basis: [{APL}:7]\n- type: true_false\n  stem: 问二\n  answer: true\n")
    response = examiner.post("/bank/questions/new", data={**FORM, "type": "case", "option_a": "", "option_b": "",
                                                          "answer": "", "subquestions": subs})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    question = db.session.scalar(select(Question))
    assert question.type == "case" and len(question.current.subquestions) == 2
    form = examiner.get(f"/bank/questions/{question.id}/edit").get_data(as_text=True)
    assert "问一" in form


def test_list_filters_and_search(examiner, runner):
    runner.invoke(args=["questions", "import", str(SAMPLE_DIR / "sample.yaml")])
    page = examiner.get("/bank/?type=true_false").get_data(as_text=True)
    assert "t-tf" in page and "t-single" not in page
    page = examiner.get("/bank/?q=陈述权").get_data(as_text=True)
    assert "t-multiple" in page and "t-tf" not in page
    page = examiner.get("/bank/?audience=leaders&difficulty=4").get_data(as_text=True)
    assert "t-case" in page and "t-single" not in page
    examiner.post("/bank/questions/new", data={**FORM, "basis": "", "stem": "没有依据的题？"})
    page = examiner.get("/bank/?nobasis=1").get_data(as_text=True)
    assert "没有依据的题" in page and "t-tf" not in page
    page = examiner.get("/bank/?tag=案例&status=active&law=" + APL).get_data(as_text=True)
    assert "t-case" in page and "t-tf" not in page


def upload(client, data: bytes, name: str, **extra):
    return client.post("/bank/import", data={"file": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data")


def test_import_preview_then_confirm(examiner):
    response = upload(examiner, xlsx_bytes(GOOD_ROWS), "good.xlsx")
    assert response.status_code == 200 and count() == 0
    page = response.get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = examiner.post("/bank/import/confirm", data={"token": token, "skip_unsupported": ""})
    assert response.status_code == 302 and count() == 5 and audited("bank.import") == 1


def test_import_errors_come_back_in_the_spreadsheet(examiner):
    rows = GOOD_ROWS[:2] + [["单选", "另一题", "甲", "乙", "", "", "", "", "C", "", "", "", ""]]
    response = upload(examiner, xlsx_bytes(rows), "bad.xlsx")
    assert response.status_code == 422 and count() == 0
    page = response.get_data(as_text=True)
    link = page.split('href="/bank/import/')[1].split('"')[0]
    errors = examiner.get("/bank/import/" + link.replace("&amp;", "&"))
    assert errors.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(errors.data)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "错误说明" and values[3][-1] and "C" in values[3][-1] and values[1][-1] is None
    token = link.split("/")[0]
    response = examiner.post("/bank/import/confirm", data={"token": token})
    assert response.status_code == 422 and count() == 0


def test_unreadable_upload_says_why(examiner):
    response = upload(examiner, b"plain text", "fake.xlsx")
    assert response.status_code == 422 and count() == 0
    assert "Excel" in response.get_data(as_text=True)


def test_unsupported_types_need_the_checkbox(examiner):
    data = "对吗？{T}\n\n随笔 {}\n".encode()
    assert upload(examiner, data, "m.gift").status_code == 422
    response = upload(examiner, data, "m.gift", skip_unsupported="y")
    assert response.status_code == 200


def test_someone_elses_upload_is_not_found(library, org, login):
    page = upload(login(org.examiner), xlsx_bytes(GOOD_ROWS), "good.xlsx").get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    other = login(org.admin)
    assert other.post("/bank/import/confirm", data={"token": token}).status_code == 404
    assert other.get(f"/bank/import/{token}/errors").status_code == 404
    assert other.get("/bank/import/..%2F..%2Fsecret/errors").status_code == 404
    assert count() == 0


def test_export_downloads(examiner, runner):
    runner.invoke(args=["questions", "import", str(SAMPLE_DIR / "sample.yaml")])
    response = examiner.get("/bank/export?format=xlsx&type=single")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert sheet.max_row == 2 and audited("bank.export") == 1
    response = examiner.get("/bank/export?format=gift")
    assert "::t-tf::" in response.get_data(as_text=True)
    template = openpyxl.load_workbook(io.BytesIO(examiner.get("/bank/template.xlsx").data))
    assert template.sheetnames == ["试题", "填写说明"]
    assert [c.value for c in template.worksheets[0][1]][:3] == ["题型", "题干", "选项A"]


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf-token" content="')[1].split('"')[0]


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_forms_need_the_csrf_token(library, org):
    from tests.factories import PASSWORD

    client = library.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "examiner", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert client.post("/bank/questions/new", data=FORM).status_code == 400
    assert count() == 0
    token = csrf_token(client, "/bank/questions/new")
    assert client.post("/bank/questions/new", data={**FORM, "csrf_token": token}).status_code == 302
    assert count() == 1


def test_api(library, org, login, runner):
    runner.invoke(args=["questions", "import", str(SAMPLE_DIR / "sample.yaml")])
    client = login(org.examiner)
    listing = client.get("/api/v1/bank/questions?type=single").get_json()
    assert listing["total"] == 1 and listing["items"][0]["code"] == "t-single"
    qid = listing["items"][0]["id"]
    assert client.get(f"/api/v1/bank/questions/{qid}").get_json()["answer"] == "A"
    assert client.get("/api/v1/bank/stats").get_json()["total"] == 5
    body = {"type": "true_false", "stem": "新题？", "answer": True, "basis": [{"law": APL, "article": 5}]}
    created = client.post("/api/v1/bank/questions", json=body)
    assert created.status_code == 201, created.get_json()
    bad = client.post("/api/v1/bank/questions", json={**body, "answer": "maybe"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
    updated = client.put(f"/api/v1/bank/questions/{qid}", json={**body, "stem": "改过？"})
    assert updated.get_json()["version"] == 2
    assert client.post(f"/api/v1/bank/questions/{qid}/retire").get_json()["status"] == "retired"
    learner = login(org.learner)
    assert learner.get("/api/v1/bank/questions").status_code == 403
    assert learner.get("/api/v1/bank/stats").status_code == 403
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/bank/questions" in spec["paths"]


def test_oversized_upload_is_refused(examiner):
    response = upload(examiner, b"a" * (5 * 1024 * 1024 + 10), "big.csv")
    assert response.status_code == 422 and count() == 0
    assert "5 MB" in response.get_data(as_text=True)


def test_old_uploads_are_swept(library):
    import os
    import time

    from examapp.bank import staging

    token = staging.keep(1, b"x", "a.csv")
    path, _name = staging.paths(1, token)
    os.utime(path, (time.time() - 90000, time.time() - 90000))
    staging.sweep()
    assert not path.exists()
