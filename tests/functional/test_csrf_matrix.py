"""S-05: every state-changing route, generated from the app's url_map, refuses a logged-in browser session
that sends no CSRF token, a wrong one, or one from another session, and changes nothing.

Built on the access matrix's world (built once, each case rolled back), with CSRF protection on.
"""

import hashlib
import re

import pytest
from sqlalchemy import select

from examapp.extensions import db
from tests.conftest import reference_tables
from tests.factories import PASSWORD
from tests.functional.rollback import built_world, rolled_back
from tests.functional.test_access_matrix import MATRIX, path_for

WRITES = sorted(endpoint for endpoint, (method, _) in MATRIX.items() if method in ("POST", "PUT", "PATCH", "DELETE"))
TOKENS = ("none", "other_session")


@pytest.fixture(scope="module")
def built(_schema):
    """The world built once, with CSRF protection on."""
    with built_world(WTF_CSRF_ENABLED=True) as built:
        yield built


@pytest.fixture
def app(built, monkeypatch):
    with built.app.app_context(), rolled_back(monkeypatch):
        yield built.app


def page_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def logged_in(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": page_token(client)})
    assert response.status_code == 302
    return client


def snapshot() -> str:
    """A digest of every row of every table except the statute library."""
    digest = hashlib.sha256()
    keep = reference_tables()
    for table in db.metadata.sorted_tables:
        if table.name not in keep and table.name != "user_sessions":  # log-ins themselves add sessions
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize("endpoint", WRITES)
def test_s05_state_changing_route_refuses_a_missing_or_foreign_csrf_token(app, built, endpoint, token):
    """S-05: 400 csrf_failed (a page or the JSON error) and 0 rows changed."""
    method = MATRIX[endpoint][0]
    actor = "cadre1" if endpoint.startswith(("exams.submit", "api.submit", "api.save", "api.attempt_event",
                                             "practice.book_remove")) else "admin"
    client = logged_in(app, actor)
    headers, form = {}, {}
    if token != "none":
        value = page_token(logged_in(app, "examiner"), "/")  # valid, but another session's
        headers, form = {"X-CSRFToken": value}, {"csrf_token": value}
    path = path_for(app, endpoint, built.world)
    before = snapshot()
    if path.startswith("/api/"):
        response = client.open(path, method=method, json={}, headers=headers)
    else:
        response = client.open(path, method=method, data=form)
    assert response.status_code == 400, f"{method} {path}: {response.status_code}"
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "csrf_failed"
    db.session.expire_all()
    assert snapshot() == before
