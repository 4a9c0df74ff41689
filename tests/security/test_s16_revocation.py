"""S-16: logging out and revoking access end it on the server.

A learner (grid1) holds two browser sessions and a personal API token. After each of the ways access ends —
logging out, changing one's password, an admin's reset, retiring the person, and 结束全部登录会话 on the
person's page or through the API — the copied cookie and the token are replayed against reading and exam
routes. 0 requests may be accepted. Two decisions are pinned here: logging out ends that browser session
only (a token is a separate credential for scripts and the exam client); ending a person's sessions revokes
their tokens as well (an administrator who ends someone's access expects all of it gone).
"""

import pytest

from examapp.auth.services import issue_token
from examapp.db import utcnow
from examapp.extensions import db
from tests.exams.conftest import make_bank, make_exam
from tests.factories import PASSWORD
from tests.functional.world import untangle_bank

NEW_PASSWORD = "Another-pass-456"


def log_in(client, user, password=PASSWORD) -> str:
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client.get_cookie("session").value


def logout(app, org, browser, token):
    browser.post("/logout")


def change_password(app, org, browser, token):
    response = browser.post("/account/password", data={"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302


def by_admin(path, method="POST", **kwargs):
    def act(app, org, browser, token):
        admin = app.test_client()
        log_in(admin, org.admin)
        assert admin.open(path.format(org.villager.id), method=method, **kwargs).status_code in (200, 302)
    return act


EVENTS = {
    "logout": logout,
    "password change": change_password,
    "admin reset": by_admin("/org/people/{}/reset-password"),
    "retired": by_admin("/org/people/{}/status", data={"status": "retired"}),
    "end sessions (page)": by_admin("/org/people/{}/end-sessions"),
    "end sessions (API)": by_admin("/api/v1/people/{}/sessions", method="DELETE"),
}
# Events after which the person's token still works, by decision (see the module's docstring).
TOKEN_KEPT = {"logout"}


@pytest.fixture
def open_exam(org):
    make_bank()
    yield make_exam(org)
    untangle_bank()


def replays(app, cookie: str, token: str, exam_id: int) -> dict:
    """Replay the copied cookie and the token; return each request's status."""
    found = {}
    replay = app.test_client()
    replay.set_cookie("session", cookie, domain="localhost")
    bearer = {"Authorization": f"Bearer {token}"}
    for name, client, headers in (("cookie", replay, {}), ("token", app.test_client(), bearer)):
        found[f"{name} GET /api/v1/me"] = client.get("/api/v1/me", headers=headers).status_code
        found[f"{name} GET /api/v1/exams"] = client.get("/api/v1/exams", headers=headers).status_code
        found[f"{name} POST start"] = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).status_code
    found["cookie GET /"] = replay.get("/").status_code  # 302 to the log-in page once the session has ended
    return found


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_s16_no_replay_is_accepted_once_access_ends(app, org, open_exam, event):
    """0 requests accepted with the copied cookie (and, but after logging out, the token)."""
    browser, copied = app.test_client(), app.test_client()
    log_in(browser, org.villager)
    cookie = log_in(copied, org.villager)
    if event != "password change":
        cookie = browser.get_cookie("session").value  # logging out ends the browser's own session
    token = issue_token(org.villager, utcnow())
    db.session.commit()
    before = replays(app, cookie, token, open_exam.id)
    assert all(status in (200, 201) for status in before.values()), before
    EVENTS[event](app, org, browser, token)
    db.session.expire_all()
    after = replays(app, cookie, token, open_exam.id)
    accepted = sorted(name for name, status in after.items() if status in (200, 201)
                      and not (event in TOKEN_KEPT and name.startswith("token")))
    print(f"\nS-16 {event}: {len(after)} replays, {len(accepted)} accepted")
    assert accepted == []
    if event in TOKEN_KEPT:
        assert after["token GET /api/v1/me"] == 200
