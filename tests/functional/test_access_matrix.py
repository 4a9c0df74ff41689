"""The access matrix: every route, every role, with the exact status each one gets.

Built on one small world (tests/functional/world.py): an exam with a finished attempt and certificate
held by cadre1 (a learner in the town office), the statute library, a question bank, an organised
session in 东山村 and a case study. Roles: anonymous, learner (cadre1, the attempt's owner), another
learner (grid1 in 东山村), HR (scoped to the town), the unit admin of 东山村, the examiner, the admin.
Every route the app defines must be listed here or in PUBLIC, so each feature extends the matrix.
The world is built once per module; each case runs in a transaction that is rolled back afterwards
(tests/functional/rollback.py), so a case that submits, resets or retires something leaves no trace.
"""

import re
from types import SimpleNamespace

import pytest

from examapp.extensions import db
from examapp.org.models import Unit
from tests.factories import PASSWORD
from tests.functional.rollback import built_world, rolled_back
from tests.functional.world import village_staff

PUBLIC = {"static", "auth.login", "auth.logout", "core.health", "core.set_language", "api.openapi",
          "core.service_worker", "core.manifest", "core.favicon", "core.offline",
          "records.verify", "records.verify_lookup", "api.certificate_verify_api"}
WHO = ("anonymous", "cadre1", "grid1", "hr", "unitadmin", "examiner", "admin")
SAMPLES = {"slug": "supervision-law-2024", "other": "supervision-law-2018", "number": "1",
           "token": "not-a-real-token", "index": "0", "review_id": "999999",
           "batch_id": "999999", "job": "no-such-job-0123456789"}
PARAMS = {"exam_id": "exam", "attempt_id": "attempt", "question_id": "question", "serial": "serial",
          "session_id": "session", "case_id": "case", "user_id": "learner", "unit_id": "office", "year": "year",
          "answer_id": "practice_answer", "entry_id": "book_entry"}

# endpoint: (method, statuses for WHO in order)
MATRIX = {
    "api.article": ("GET", (401, 200, 200, 200, 200, 200, 200)),
    "api.attempt_event": ("POST", (401, 422, 404, 404, 404, 404, 404)),
    "api.bank_create": ("POST", (401, 403, 403, 403, 403, 422, 422)),
    "api.bank_get": ("GET", (401, 403, 403, 403, 403, 200, 200)),
    "api.bank_list": ("GET", (401, 403, 403, 403, 403, 200, 200)),
    "api.bank_retire": ("POST", (401, 403, 403, 403, 403, 200, 200)),
    "api.bank_coverage_view": ("GET", (401, 403, 403, 403, 403, 200, 200)),
    "api.bank_stats_view": ("GET", (401, 403, 403, 403, 403, 200, 200)),
    "api.bank_update": ("PUT", (401, 403, 403, 403, 403, 422, 422)),
    "api.certificate_pdf_api": ("GET", (401, 200, 404, 200, 404, 404, 200)),
    "api.exam_report_api": ("GET", (401, 403, 403, 200, 200, 403, 200)),
    "api.heartbeat": ("POST", (401, 422, 422, 422, 422, 422, 422)),
    "api.offline_time": ("POST", (401, 422, 422, 422, 422, 422, 422)),
    "api.laws": ("GET", (401, 200, 200, 200, 200, 200, 200)),
    "api.me": ("GET", (401, 200, 200, 200, 200, 200, 200)),
    "api.my_exams": ("GET", (401, 200, 200, 200, 200, 200, 200)),
    "api.people_list": ("GET", (401, 403, 403, 200, 200, 403, 200)),
    "api.practice_answer": ("POST", (401, 422, 422, 422, 422, 422, 422)),
    "api.practice_mastery": ("GET", (401, 200, 200, 200, 200, 200, 200)),
    "api.practice_next": ("GET", (401, 200, 200, 200, 200, 200, 200)),
    "api.practice_review": ("GET", (401, 200, 200, 200, 200, 200, 200)),
    "api.person_get": ("GET", (401, 200, 404, 200, 404, 404, 200)),
    "api.person_patch": ("PATCH", (401, 403, 403, 403, 404, 403, 200)),
    "api.person_sessions_end": ("DELETE", (401, 403, 403, 403, 404, 403, 200)),
    "api.read_attempt": ("GET", (401, 200, 404, 200, 404, 404, 200)),
    "api.save_answer": ("PUT", (401, 422, 404, 404, 404, 404, 404)),
    "api.search_laws": ("GET", (401, 422, 422, 422, 422, 422, 422)),
    # An exam that names no roles is for learners: staff accounts are not examinees (issue 10, item 9); an exam
    # not meant for someone answers as a missing one (404, S-03). Examiners and admins read keys, so they never
    # sit one even when named (409 key_holder).
    "api.start_attempt": ("POST", (401, 201, 201, 404, 404, 404, 404)),
    "api.submit_attempt": ("POST", (401, 200, 404, 404, 404, 404, 404)),
    "audit.events": ("GET", (302, 403, 403, 403, 403, 403, 200)),
    "auth.change_password": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "bank.create": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.detail": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.edit": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.export": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.import_confirm": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "bank.import_errors": ("GET", (302, 403, 403, 403, 403, 404, 404)),
    "bank.import_preview": ("GET", (302, 403, 403, 403, 403, 404, 404)),
    "bank.coverage": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.drafts": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.my_reports": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "bank.question_reports": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.report_new": ("GET", (302, 400, 400, 400, 400, 400, 400)),
    "bank.reports_queue": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.resolve_reports": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "bank.import_upload": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.index": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.preview": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.retire": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "bank.set_visibility": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "bank.review": ("GET", (302, 403, 403, 403, 403, 404, 404)),
    "bank.review_confirm": ("POST", (302, 403, 403, 403, 403, 404, 404)),
    "bank.review_edit": ("GET", (302, 403, 403, 403, 403, 404, 404)),
    "bank.reviews": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.template": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "bank.try_answer": ("POST", (302, 403, 403, 403, 403, 404, 404)),
    "bank.try_key": ("POST", (302, 403, 403, 403, 403, 422, 422)),
    "core.home": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "core.learn": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "core.me": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "core.progress": ("GET", (302, 404, 404, 404, 404, 404, 404)),
    "exams.add_rule": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "exams.attempts": ("GET", (302, 403, 403, 200, 403, 200, 200)),
    "exams.create": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "exams.detail": ("GET", (302, 200, 200, 404, 404, 404, 404)),
    "exams.edit": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "exams.evidence": ("GET", (302, 403, 403, 200, 403, 200, 200)),
    "exams.index": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "exams.manage": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "exams.manage_exam": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "exams.overrides": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "exams.publish": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "exams.regrade_list": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "exams.regrade_preview": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "exams.regrade_run": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "exams.regrade_rule_preview": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "exams.regrade_rule_run": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "exams.remove_rule": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "exams.result": ("GET", (302, 200, 404, 200, 404, 404, 200)),
    "exams.start": ("POST", (302, 302, 302, 404, 404, 404, 404)),
    "exams.submit": ("POST", (302, 302, 404, 404, 404, 404, 404)),
    "exams.take": ("GET", (302, 302, 404, 404, 404, 404, 404)),
    "exams.unpublish": ("POST", (302, 403, 403, 403, 403, 302, 302)),
    "org.change_status": ("POST", (302, 403, 403, 403, 404, 403, 302)),
    "org.edit_person": ("GET", (302, 403, 403, 403, 404, 403, 200)),
    "org.end_sessions": ("POST", (302, 403, 403, 403, 404, 403, 302)),
    "org.import_batch": ("GET", (302, 403, 403, 403, 404, 403, 404)),
    "org.issue_passwords": ("POST", (302, 403, 403, 403, 404, 403, 404)),
    "org.import_confirm": ("POST", (302, 403, 403, 403, 422, 403, 422)),
    "org.import_errors": ("GET", (302, 403, 403, 403, 422, 403, 422)),
    "org.import_upload": ("GET", (302, 403, 403, 403, 200, 403, 200)),
    "org.new_person": ("GET", (302, 403, 403, 403, 200, 403, 200)),
    "org.people": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "org.person": ("GET", (302, 200, 404, 200, 404, 404, 200)),
    "org.reset": ("POST", (302, 403, 403, 403, 404, 403, 302)),
    "org.units": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "practice.answer": ("POST", (302, 422, 422, 422, 422, 422, 422)),
    "practice.book_remove": ("POST", (302, 302, 404, 404, 404, 404, 404)),
    "practice.feedback": ("GET", (302, 200, 404, 404, 404, 404, 404)),
    "practice.index": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "practice.mastery_org": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "practice.mastery_page": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "practice.mastery_unit": ("GET", (302, 403, 403, 403, 200, 403, 200)),
    "practice.question": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "practice.random_round": ("POST", (302, 302, 302, 302, 302, 302, 302)),
    "practice.settings": ("GET", (302, 403, 403, 403, 403, 403, 200)),
    "practice.wrong_book": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "records.certificate": ("GET", (302, 200, 404, 200, 404, 404, 200)),
    "records.certificate_download": ("GET", (302, 200, 404, 200, 404, 404, 200)),
    "records.certificates": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "records.my_record": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "records.people": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "records.person_record": ("GET", (302, 200, 404, 200, 404, 404, 200)),
    "records.person_record_pdf": ("GET", (302, 200, 404, 200, 404, 404, 200)),
    "records.promotion": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "records.qualifications": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "records.qualifications_csv": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "records.revoke": ("POST", (302, 403, 403, 403, 403, 403, 302)),
    "records.unit_zip": ("GET", (302, 403, 403, 200, 404, 403, 200)),
    "reports.dashboard": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "reports.exam_export": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "reports.exam_report": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "reports.exams": ("GET", (302, 403, 403, 200, 200, 200, 200)),
    "reports.item_analysis": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "reports.items_export": ("GET", (302, 403, 403, 403, 403, 200, 200)),
    "reports.year_export": ("GET", (302, 403, 403, 200, 200, 403, 200)),
    "study.article": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "study.behind": ("GET", (302, 403, 403, 403, 200, 403, 200)),
    "study.case": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "study.case_edit": ("GET", (302, 403, 403, 403, 403, 403, 200)),
    "study.case_finish": ("POST", (302, 302, 302, 302, 302, 302, 302)),
    "study.case_new": ("GET", (302, 403, 403, 403, 403, 403, 200)),
    "study.cases": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "study.changes": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "study.compare": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "study.law": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "study.library": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "study.progress": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "study.requirements": ("GET", (302, 403, 403, 403, 403, 403, 200)),
    "study.search_page": ("GET", (302, 200, 200, 200, 200, 200, 200)),
    "study.session_detail": ("GET", (302, 403, 403, 403, 200, 403, 200)),
    "study.session_new": ("GET", (302, 403, 403, 403, 200, 403, 200)),
    "study.sessions_list": ("GET", (302, 403, 403, 403, 200, 403, 200)),
}


def path_for(app, endpoint: str, world) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)

    def value(match):
        name = match.group(1)
        return str(getattr(world, PARAMS[name])) if name in PARAMS else SAMPLES[name]

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule.rule)


@pytest.fixture(scope="module")
def built(_schema):
    """The world, built once for the whole module; every test runs in a transaction that is rolled back."""
    with built_world() as built:
        yield built


@pytest.fixture
def app(built, monkeypatch):
    """This module's app: the built world, with whatever a test changes rolled back afterwards."""
    with built.app.app_context(), rolled_back(monkeypatch):
        yield built.app


@pytest.fixture
def org(app, built):
    return SimpleNamespace(village_a=db.session.get(Unit, built.village_a))


@pytest.fixture
def world(app, built):
    return built.world


def test_every_route_is_in_the_matrix(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(MATRIX) - PUBLIC)
    assert missing == [], "add these endpoints to the access matrix"


def test_public_routes_need_no_login(client, world):
    for path in ("/login", "/healthz", "/api/v1/openapi.json", f"/verify/{world.serial}",
                 f"/api/v1/certificates/{world.serial}"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("who", range(len(WHO)), ids=WHO)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_gives_each_role_its_status(app, client, world, endpoint, who):
    method, statuses = MATRIX[endpoint]
    if WHO[who] != "anonymous":
        assert client.post("/login", data={"username": WHO[who], "password": PASSWORD}).status_code == 302
    path = path_for(app, endpoint, world)
    body = {} if method in ("PUT", "PATCH") or (method == "POST" and path.startswith("/api/")) else None
    response = client.open(path, method=method, json=body)
    assert response.status_code == statuses[who], f"{WHO[who]} {method} {path}"
    if statuses[who] == 302 and WHO[who] == "anonymous":
        assert "/login" in response.headers["Location"]


# Who sees the answer key of someone else's finished attempt (issue 9): only key holders. HR and unit admins
# get the marks, on the API and on the result page, even after the exam has closed for everyone.
KEY_VIEWERS = {"hr": (200, False), "unitadmin": (200, False), "examiner": (404, None), "admin": (200, True)}


@pytest.fixture
def sat_by_grid1(app, world):
    """grid1 (东山村, in HR's and the unit admin's scope) sits the world's exam; then the exam closes."""
    from datetime import timedelta

    from examapp.db import utcnow
    from examapp.exams import attempts
    from examapp.exams.models import Exam
    from examapp.org.models import User

    exam = db.session.get(Exam, world.exam)
    attempt = attempts.start_attempt(exam, db.session.get(User, world.villager), utcnow())
    attempts.submit(attempt, utcnow())
    exam.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    return attempt.id


@pytest.mark.parametrize("who", sorted(KEY_VIEWERS))
def test_only_examiners_and_admins_see_the_keys_of_another_persons_attempt(client, sat_by_grid1, who):
    status, sees_key = KEY_VIEWERS[who]
    assert client.post("/login", data={"username": who, "password": PASSWORD}).status_code == 302
    response = client.get(f"/api/v1/attempts/{sat_by_grid1}")
    assert response.status_code == status
    page = client.get(f"/exams/attempts/{sat_by_grid1}/result")
    assert page.status_code == status
    if status != 200:
        return
    review = response.get_json()["review"]
    assert review and all(("key" in row) is sees_key and ("explanation" in row) is sees_key for row in review)
    html = page.get_data(as_text=True)
    assert ('data-testid="review-key-1"' in html) is sees_key and ("解析" in html) is sees_key

# Staff on staff (issue 9): a unit admin manages learners only, even when an examiner, HR, another unit
# admin or a system admin sits in its subtree (东山村); the system admin manages them all.
STAFF_ROUTES = {  # endpoint: (method, status for the unit admin, status for the system admin)
    "org.reset": ("POST", 403, 302),
    "org.change_status": ("POST", 403, 302),
    "org.edit_person": ("GET", 403, 200),
    "org.end_sessions": ("POST", 403, 302),
    "api.person_patch": ("PATCH", 403, 200),
    "api.person_sessions_end": ("DELETE", 403, 200),
}
STAFF_TARGETS = ("vexam", "vhr", "vadmin", "vsys")


@pytest.mark.parametrize("actor", ("unitadmin", "admin"))
@pytest.mark.parametrize("target", STAFF_TARGETS)
@pytest.mark.parametrize("endpoint", sorted(STAFF_ROUTES))
def test_staff_accounts_are_managed_by_the_system_admin_alone(app, client, org, endpoint, target, actor):
    staff = village_staff(org)
    method, for_unit_admin, for_admin = STAFF_ROUTES[endpoint]
    assert client.post("/login", data={"username": actor, "password": PASSWORD}).status_code == 302
    path = path_for(app, endpoint, staff[target])
    body = {"name": "改名"} if method == "PATCH" else None
    data = {"status": "retired"} if endpoint == "org.change_status" else None
    response = client.open(path, method=method, json=body, data=data)
    assert response.status_code == (for_unit_admin if actor == "unitadmin" else for_admin), f"{actor} {path}"
