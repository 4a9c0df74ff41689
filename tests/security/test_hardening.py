"""Issue 9, "should" items: hostile input gets a 4xx JSON error, one validation for people everywhere,
production settings, and the smaller leaks (ids, wildcards, file names, headers)."""

import csv
import io
import zipfile

import pytest
from sqlalchemy import select

from examapp import create_app
from examapp.config import ConfigError
from examapp.db import utcnow
from examapp.errors import Invalid
from examapp.extensions import db
from examapp.org.importer import HEADER, import_people
from examapp.org.models import User
from tests.factories import PASSWORD, make_user

HUGE = "99999999999999999999"  # > 2**64


def assert_json_error(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.is_json and response.get_json()["error"]["code"]


@pytest.mark.parametrize("path", [f"/api/v1/people/{HUGE}", f"/api/v1/attempts/{HUGE}",
                                  f"/api/v1/bank/questions/{HUGE}", f"/api/v1/reports/exams/{HUGE}",
                                  f"/api/v1/people?page={HUGE}", f"/api/v1/reports/exams/1?unit_id={HUGE}",
                                  f"/api/v1/bank/questions?difficulty={HUGE}", f"/api/v1/people/{2**63}"])
def test_huge_ids_are_a_client_error(client, org, login, path):
    login(org.admin)
    assert_json_error(client.get(path), 400, 404, 422)


def test_huge_ids_on_pages_are_not_found(client, org, login):
    login(org.admin)
    assert client.get(f"/org/people/{HUGE}").status_code == 404
    assert client.get(f"/org/people?unit={HUGE}").status_code in (200, 400)


def test_a_huge_id_in_a_json_body_is_a_client_error(client, org, login):
    login(org.learner)
    response = client.post("/api/v1/practice/answers", json={"question_id": 2**70, "answer": "A"})
    assert_json_error(response, 400, 404, 422)


def test_deeply_nested_json_is_a_client_error(client, org, login):
    login(org.admin)
    body = "[" * 100000 + "]" * 100000
    response = client.patch(f"/api/v1/people/{org.villager.id}", data=body, content_type="application/json")
    assert_json_error(response, 400, 422)


@pytest.fixture
def attempt_id(org, client, login):
    from tests.exams.conftest import make_bank, make_exam
    from tests.functional.world import untangle_bank

    make_bank()
    exam = make_exam(org)
    login(org.learner)
    yield client.post(f"/api/v1/exams/{exam.id}/attempts").get_json()["attempt_id"]
    untangle_bank()


@pytest.mark.parametrize("body", [[1, 2], "text", 5, {"kind": ["leave"]}, {"kind": {"a": 1}}])
def test_a_non_object_body_on_events_is_a_client_error(client, attempt_id, body):
    response = client.post(f"/api/v1/attempts/{attempt_id}/events", json=body)
    assert_json_error(response, 422)
    assert client.post(f"/api/v1/attempts/{attempt_id}/events", json={"kind": "leave"}).status_code == 200


@pytest.mark.parametrize("field,value", [("name", 5), ("name", ["x"]), ("is_leader", "yes"), ("is_leader", 1),
                                         ("phone", 13800000000), ("position", {"a": 1}), ("role", ["admin"]),
                                         ("unit", {"x": 1}), ("scope", 3)])
def test_wrong_types_on_patch_people_are_refused(client, org, login, field, value):
    login(org.admin)
    response = client.patch(f"/api/v1/people/{org.villager.id}", json={field: value})
    assert_json_error(response, 422)
    db.session.refresh(org.villager)
    assert org.villager.name == "grid1" and org.villager.is_leader is False


BAD_DETAILS = [("name", "", "姓名"), ("name", "长" * 100000, "姓名"), ("name", "张\x00三", "姓名"),
               ("name", "张\u202e三", "姓名"), ("position", "a\r\nb", "职务"), ("phone", "=1+1", "手机号"),
               ("phone", "=HYPERLINK(\"http://x\")", "手机号")]


@pytest.mark.parametrize("field,value,label", BAD_DETAILS)
def test_api_refuses_bad_details_naming_the_field(client, org, login, field, value, label):
    login(org.admin)
    response = client.patch(f"/api/v1/people/{org.villager.id}", json={field: value})
    assert_json_error(response, 422)
    error = response.get_json()["error"]
    assert label in error["message"] and error["details"]["field"] == field
    db.session.refresh(org.villager)
    assert org.villager.name == "grid1" and org.villager.phone == ""


@pytest.mark.parametrize("field,value,label", BAD_DETAILS)
def test_form_refuses_bad_details_under_the_field(client, org, login, field, value, label):
    login(org.unitadmin)
    data = {"name": "张三", "unit_id": org.village_a.id, "role": "learner", "position": "", "rank": "",
            "phone": "", field: value}
    response = client.post(f"/org/people/{org.villager.id}/edit", data=data)
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.refresh(org.villager)
    assert org.villager.name == "grid1"


@pytest.mark.parametrize("field,value,label", BAD_DETAILS)
def test_import_refuses_bad_details_naming_the_column(org, field, value, label):
    cells = ["张三", "zhangsan", "乌塘镇/东山村民委员会", "", "", "学员", "否", "否", "否", "", ""]
    row = dict(zip(HEADER, cells, strict=True))
    row[{"name": "姓名", "position": "职务", "phone": "手机号"}[field]] = value
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, [row[h] for h in HEADER]])
    try:
        report = import_people(org.admin, out.getvalue().encode(), "people.csv", utcnow())
    except Invalid:
        assert "\x00" in value, "only a NUL makes the whole file unreadable as text"
    else:
        assert not report.ok and label in " ".join(report.messages())
    assert db.session.scalar(select(User).where(User.username == "zhangsan")) is None


def test_people_search_takes_percent_literally(client, org, login):
    make_user("pct", org.village_a, name="百分之100%")
    db.session.commit()
    login(org.admin)
    everyone = client.get("/api/v1/people?q=%25").get_json()
    assert [p["username"] for p in everyone["items"]] == ["pct"]
    assert client.get("/api/v1/people?q=_").get_json()["total"] == 0


def test_an_unknown_and_a_hidden_id_look_the_same(client, org, login):
    login(org.villager)
    hidden = client.get(f"/api/v1/people/{org.learner.id}")
    unknown = client.get("/api/v1/people/987654")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.get_json() == unknown.get_json()


@pytest.mark.parametrize("path", ["/records/people/{id}", "/records/people/{id}/record.pdf", "/org/people/{id}"])
def test_a_hidden_person_and_an_unknown_id_answer_alike_on_pages(client, org, login, path):
    login(org.unitadmin)
    assert client.get(path.format(id=org.learner.id)).status_code == 404
    assert client.get(path.format(id=987654)).status_code == 404


def test_admins_cannot_reset_their_own_password_without_the_current_one(client, org, login):
    login(org.admin)
    before = org.admin.password_hash
    assert client.post(f"/org/people/{org.admin.id}/reset-password").status_code == 403
    db.session.refresh(org.admin)
    assert org.admin.password_hash == before


def test_unit_admin_cannot_reset_its_own_password_without_the_current_one(client, org, login):
    login(org.unitadmin)
    assert client.post(f"/org/people/{org.unitadmin.id}/reset-password").status_code == 403


def test_own_password_change_asks_for_the_current_one(client, org, login):
    login(org.admin)
    response = client.post("/account/password", data={"new_password": "N3w-secret-pw", "confirm": "N3w-secret-pw"})
    assert response.status_code == 200
    db.session.refresh(org.admin)
    assert org.admin.check_password(PASSWORD)


def test_file_names_lose_line_breaks_and_direction_marks(org):
    from examapp.records.downloads import disposition, safe_filename

    assert safe_filename("张三\r\nSet-Cookie: x\u202efdp.exe") == "张三Set-Cookie xfdp.exe"
    header = disposition("名单\r\n\u202e.csv", "csv", "list\r\n.csv")
    assert "\r" not in header and "\n" not in header and "%E2%80%AE" not in header


def test_zip_entry_names_are_cleaned(org):
    from types import SimpleNamespace

    import examapp.records.bundle as bundle

    cert = SimpleNamespace(serial="S1", holder_name="张\r\n三\u202e", exam_title="考试/../x")
    real_pdf = bundle.certificate_pdf
    bundle.certificate_pdf = lambda c: b"%PDF"
    try:
        names = zipfile.ZipFile(io.BytesIO(b"".join(bundle.zip_chunks([cert])))).namelist()
    finally:
        bundle.certificate_pdf = real_pdf
    assert names == ["S1-张三-考试..x.pdf"]


def test_csv_downloads_send_their_charset_once(client, org, login):
    login(org.hr)
    response = client.get("/records/qualifications.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].count("charset") == 1


def test_server_header_shows_no_versions(app):
    """Through a real (development) HTTP server, which would otherwise name itself and Python."""
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=10) as response:
            headers = response.headers.get_all("Server")
    finally:
        server.shutdown()
    assert headers == ["examapp"]


def test_production_needs_a_public_address(monkeypatch):
    monkeypatch.setenv("EXAMAPP_ENV", "production")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigError):
        create_app({"SECRET_KEY": "k" * 48})
    with pytest.raises(ConfigError):
        create_app({"SECRET_KEY": "k" * 48, "PUBLIC_BASE_URL": "xuefa.example.gov.cn"})
    assert create_app({"SECRET_KEY": "k" * 48, "TRUSTED_HOSTS": ["xuefa.example.gov.cn"]})


def test_production_sends_hsts(monkeypatch, tmp_path):
    monkeypatch.setenv("EXAMAPP_ENV", "production")
    # A file, not "sqlite://": production refuses an in-memory database (O-01).
    app = create_app({"SECRET_KEY": "k" * 48, "PUBLIC_BASE_URL": "https://xuefa.example.gov.cn",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/hsts.sqlite"})
    response = app.test_client().get("/healthz", base_url="https://xuefa.example.gov.cn")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_trusted_hosts_refuse_a_forged_host():
    app = create_app({"TESTING": True, "TRUSTED_HOSTS": ["xuefa.example.gov.cn"],
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    client = app.test_client()
    assert client.get("/healthz", base_url="http://xuefa.example.gov.cn").status_code == 200
    assert client.get("/healthz", base_url="http://evil.example").status_code == 400
