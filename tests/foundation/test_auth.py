"""Log-in, lock-out, rate limits, password changes, cookies and tokens."""

from datetime import timedelta

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


def test_repeated_failures_make_the_account_wait_longer_each_time(app, org):
    now = utcnow()
    free = app.config["LOGIN_FREE_FAILURES"]
    for _ in range(free):
        assert authenticate("cadre1", "bad-password", now) is None
    assert org.learner.locked_until is None, "the first few mistakes cost nothing"
    waits = []
    for _ in range(3):
        assert authenticate("cadre1", "bad-password", now) is None
        waits.append(org.learner.locked_until - now)
        now = org.learner.locked_until
    assert waits[0] < waits[1] < waits[2] <= timedelta(seconds=app.config["LOGIN_MAX_DELAY_SECONDS"])
    assert authenticate("cadre1", PASSWORD, now - timedelta(seconds=1)) is None, "still waiting"
    assert authenticate("cadre1", PASSWORD, now) is org.learner
    assert org.learner.failed_logins == 0 and org.learner.locked_until is None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "login_failed" in actions and "login_refused_locked" in actions


def test_no_one_can_lock_the_admin_out_for_long(app, org):
    now = utcnow()
    for _ in range(50):  # far more than the old hard lock-out's 5 tries
        authenticate("admin", "guess-guess", now)
        now = max(now, org.admin.locked_until or now)
    assert org.admin.locked_until - now <= timedelta(seconds=app.config["LOGIN_MAX_DELAY_SECONDS"])
    assert authenticate("admin", PASSWORD, org.admin.locked_until) is org.admin


@pytest.mark.parametrize("case", ["unknown", "waiting", "retired", "wrong", "right"])
def test_every_login_answer_computes_one_password_hash(app, org, monkeypatch, case):
    """The same work whether the account exists, is waiting, retired or not: no timing oracle."""
    import examapp.auth.services as services

    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    now = utcnow()
    if case == "waiting":
        org.learner.locked_until = now + timedelta(minutes=1)
    if case == "retired":
        org.learner.status = "retired"
    username = "ghost" if case == "unknown" else "cadre1"
    password = PASSWORD if case in ("waiting", "retired", "right") else "wrong-password"
    result = authenticate(username, password, now)
    assert (result is org.learner) == (case == "right")
    assert len(calls) == 1 and calls[0].startswith(("pbkdf2:", "scrypt:"))


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_PER_ACCOUNT": "3 per minute",
                                  "LOGIN_FREE_FAILURES": 100}], indirect=True)
def test_login_attempts_are_rate_limited_per_account(client, org):
    codes = [post_login(client, "cadre1", "wrong-password").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert post_login(client, "hr", "wrong-password").status_code == 200, "other accounts unaffected"


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_PER_ADDRESS": "5 per minute",
                                  "LOGIN_FREE_FAILURES": 100}], indirect=True)
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
