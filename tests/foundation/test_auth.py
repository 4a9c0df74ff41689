"""Log-in, lock-out, rate limits, password changes, cookies and tokens."""

import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.auth.services import authenticate, issue_token
from examapp.db import utcnow
from examapp.extensions import db
from tests.factories import PASSWORD


def post_login(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def test_login_with_right_password_redirects_home(client, org):
    response = post_login(client, "cadre1", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")


def test_wrong_password_and_unknown_account_get_the_same_message(client, org):
    wrong = post_login(client, "cadre1", "nope-nope-nope").get_data(as_text=True)
    unknown = post_login(client, "ghost", "nope-nope-nope").get_data(as_text=True)
    assert "账号或密码错误" in wrong and "账号或密码错误" in unknown


def test_repeated_bad_passwords_lock_the_account(app, org):
    now = utcnow()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert authenticate("cadre1", "bad-password", now) is None
    assert org.learner.locked_until is not None
    assert authenticate("cadre1", PASSWORD, now) is None, "locked even with the right password"
    later = now.replace(microsecond=0) + (org.learner.locked_until - now) * 2
    assert authenticate("cadre1", PASSWORD, later) is org.learner
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "login_failed" in actions and "login_refused_locked" in actions


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_PER_ACCOUNT": "3 per minute",
                                  "LOGIN_MAX_FAILURES": 100}], indirect=True)
def test_login_attempts_are_rate_limited_per_account(client, org):
    codes = [post_login(client, "cadre1", "wrong-password").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert post_login(client, "hr", "wrong-password").status_code == 200, "other accounts unaffected"


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_PER_ADDRESS": "5 per minute",
                                  "LOGIN_MAX_FAILURES": 100}], indirect=True)
def test_login_attempts_are_rate_limited_per_address(client, org):
    codes = [post_login(client, f"user{i}", "wrong-password").status_code for i in range(6)]
    assert codes[-1] == 429


def test_password_reset_forces_a_change_at_next_login(client, org, login):
    login(org.unitadmin)
    response = client.post(f"/org/people/{org.villager.id}/reset-password")
    assert response.status_code == 302
    assert org.villager.must_change_password
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_reset"))
    assert event.target == "grid1"


def test_forced_change_blocks_other_pages_until_done(client, org, login):
    org.learner.must_change_password = True
    db.session.commit()
    login(org.learner)
    assert client.get("/").headers["Location"].endswith("/account/password")
    assert client.get("/api/v1/me").status_code == 403
    response = client.post("/account/password", data={"old_password": PASSWORD, "new_password": "N3w-secret-pw",
                                                      "confirm": "N3w-secret-pw"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_change_password_rejects_wrong_current_password(client, org, login):
    login(org.learner)
    response = client.post("/account/password", data={"old_password": "wrong", "new_password": "N3w-secret-pw",
                                                      "confirm": "N3w-secret-pw"})
    assert response.status_code == 200 and "当前密码错误" in response.get_data(as_text=True)


def test_password_change_ends_other_sessions(app, org, login):
    other = app.test_client()
    other.post("/login", data={"username": "cadre1", "password": PASSWORD})
    assert other.get("/api/v1/me").status_code == 200
    client = login(org.learner)
    client.post("/account/password", data={"old_password": PASSWORD, "new_password": "N3w-secret-pw",
                                           "confirm": "N3w-secret-pw"})
    assert client.get("/api/v1/me").status_code == 200
    assert other.get("/api/v1/me").status_code == 401


def test_logout_ends_the_session(client, org, login):
    login(org.learner)
    assert client.post("/logout").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_passwords_are_stored_with_a_kdf(app, org):
    org.learner.password_hash = ""
    org.learner.set_password("Another-pass-1")
    assert org.learner.password_hash.startswith("pbkdf2:") or org.learner.password_hash.startswith("scrypt:")
    assert "Another-pass-1" not in org.learner.password_hash


def test_production_hashes_with_scrypt(org):
    from flask import current_app

    current_app.config.pop("PASSWORD_HASH_METHOD")
    org.learner.set_password("Another-pass-1")
    assert org.learner.password_hash.startswith("scrypt:")


def test_session_cookie_is_httponly_and_samesite(client, org):
    response = post_login(client, "cadre1", PASSWORD)
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_bearer_token_authenticates_api_calls(client, org):
    token = issue_token(org.hr, utcnow())
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["role"] == "hr"
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_retired_people_cannot_log_in(client, org):
    org.learner.status = "retired"
    db.session.commit()
    assert post_login(client, "cadre1", PASSWORD).status_code == 200


def test_open_redirect_after_login_is_refused(client, org):
    response = client.post("/login?next=//evil.example/x", data={"username": "cadre1", "password": PASSWORD})
    assert response.headers["Location"] in ("/", "http://localhost/")
