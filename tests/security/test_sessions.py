"""Issue 9, items 6 and 8: logging out ends the session on the server; resets and disables end
sessions and revoke API tokens; a token cannot start or submit an exam while a password change is due."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.auth.models import ApiToken, UserSession
from examapp.auth.services import issue_token
from examapp.db import utcnow
from examapp.extensions import db
from examapp.org.models import User
from tests.exams.conftest import make_bank, make_exam
from tests.factories import PASSWORD
from tests.functional.world import untangle_bank


def log_in(client, user):
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client.get_cookie("session").value


def test_a_cookie_replayed_after_logout_is_refused(app, client, org):
    cookie = log_in(client, org.learner)
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie, domain="localhost")
    assert replay.get("/api/v1/me").status_code == 401
    page = replay.get("/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_logout_closes_only_that_session(app, org):
    phone, desk = app.test_client(), app.test_client()
    log_in(phone, org.learner)
    log_in(desk, org.learner)
    phone.post("/logout")
    assert phone.get("/api/v1/me").status_code == 401
    assert desk.get("/api/v1/me").status_code == 200
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == org.learner.id)).all()
    assert len(rows) == 2 and sum(r.revoked_at is not None for r in rows) == 1


def test_a_session_expires_on_the_server(app, client, org, monkeypatch):
    log_in(client, org.learner)
    row = db.session.scalar(select(UserSession))
    row.created_at = utcnow() - app.permanent_session_lifetime * 2
    db.session.commit()
    assert client.get("/api/v1/me").status_code == 401


def test_admin_ends_all_sessions_of_a_person_from_the_page(app, client, org, login):
    victim = app.test_client()
    log_in(victim, org.examiner)
    login(org.admin)
    page = client.get(f"/org/people/{org.examiner.id}").get_data(as_text=True)
    assert f"/org/people/{org.examiner.id}/end-sessions" in page
    assert client.post(f"/org/people/{org.examiner.id}/end-sessions").status_code == 302
    assert victim.get("/api/v1/me").status_code == 401
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sessions_ended"))
    assert event.actor_id == org.admin.id and event.target == "examiner" and event.detail["sessions"] == 1
    assert client.get("/api/v1/me").status_code == 200, "the admin's own session is untouched"


def test_admin_ends_all_sessions_through_the_api(app, client, org, login):
    victim = app.test_client()
    log_in(victim, org.villager)
    login(org.admin)
    response = client.delete(f"/api/v1/people/{org.villager.id}/sessions")
    assert response.status_code == 200 and response.get_json() == {"sessions_ended": 1, "tokens_revoked": 0}
    assert victim.get("/api/v1/me").status_code == 401


def test_retiring_a_person_ends_their_sessions_and_tokens(app, client, org, login):
    victim = app.test_client()
    log_in(victim, org.villager)
    token = issue_token(org.villager, utcnow())
    db.session.commit()
    login(org.unitadmin)
    assert client.post(f"/org/people/{org.villager.id}/status", data={"status": "retired"}).status_code == 302
    assert victim.get("/api/v1/me").status_code == 401
    client.post("/logout")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    org.villager.status = "active"  # bringing the person back does not revive the old token
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_password_reset_revokes_api_tokens(client, org, login):
    token = issue_token(org.villager, utcnow())
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    login(org.unitadmin)
    assert client.post(f"/org/people/{org.villager.id}/reset-password").status_code == 302
    client.post("/logout")
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    assert db.session.scalar(select(ApiToken)).revoked_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_reset"))
    assert event.detail["tokens_revoked"] == 1


@pytest.fixture
def open_exam(org):
    make_bank()
    yield make_exam(org)
    untangle_bank()


def test_a_token_cannot_start_an_exam_while_a_password_change_is_due(client, org, open_exam):
    token = issue_token(org.learner, utcnow())
    org.learner.must_change_password = True
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    response = client.post(f"/api/v1/exams/{open_exam.id}/attempts", headers=bearer)
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "password_change_required" and "修改密码" in error["message"]
    assert client.get("/api/v1/me", headers=bearer).status_code == 200, "reading still works"


def test_a_token_cannot_submit_while_a_password_change_is_due(client, org, open_exam):
    token = issue_token(org.learner, utcnow())
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    attempt = client.post(f"/api/v1/exams/{open_exam.id}/attempts", headers=bearer).get_json()["attempt_id"]
    org.learner.must_change_password = True
    db.session.commit()
    response = client.post(f"/api/v1/attempts/{attempt}/submit", headers=bearer)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "password_change_required"


def test_batch_one_time_passwords_revoke_old_tokens(client, org, login):
    from tests.desk.test_onboarding import import_batch

    batch_id = import_batch(login(org.unitadmin))
    person = db.session.scalar(select(User).where(User.username == "wangxm"))
    token = issue_token(person, utcnow())
    person.must_change_password = False
    db.session.commit()
    client.post("/logout")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    login(org.unitadmin).post(f"/org/import/batches/{batch_id}/passwords", data={"format": "xlsx"})
    client.post("/logout")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_long_dead_session_records_are_dropped_at_the_next_log_in(app, client, org):
    log_in(client, org.learner)
    old = db.session.scalar(select(UserSession))
    old.created_at = utcnow() - app.permanent_session_lifetime - timedelta(days=31)
    db.session.commit()
    log_in(app.test_client(), org.villager)
    assert [row.user_id for row in db.session.scalars(select(UserSession))] == [org.villager.id]
