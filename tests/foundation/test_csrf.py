"""Forms and session-authenticated API calls without the CSRF token are refused."""

import re

import pytest

from examapp.auth.services import issue_token
from examapp.db import utcnow
from examapp.extensions import db
from tests.factories import PASSWORD

CSRF_ON = pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)


def csrf_token(client, path="/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def login_with_token(client):
    token = csrf_token(client)
    response = client.post("/login", data={"username": "unitadmin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


@CSRF_ON
def test_login_form_without_token_is_refused(client, org):
    response = client.post("/login", data={"username": "cadre1", "password": PASSWORD})
    assert response.status_code == 400


@CSRF_ON
def test_state_changing_form_without_token_is_refused(client, org):
    login_with_token(client)
    response = client.post(f"/org/people/{org.villager.id}/status", data={"status": "retired"})
    assert response.status_code == 400
    db.session.refresh(org.villager)
    assert org.villager.status == "active"


@CSRF_ON
def test_logout_without_token_is_refused(client, org):
    login_with_token(client)
    assert client.post("/logout").status_code == 400


@CSRF_ON
def test_session_api_call_needs_the_csrf_header(client, org):
    login_with_token(client)
    path = f"/api/v1/people/{org.villager.id}"
    refused = client.patch(path, json={"name": "改名"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    token = csrf_token(client, "/")
    assert client.patch(path, json={"name": "改名"}, headers={"X-CSRFToken": token}).status_code == 200


@CSRF_ON
def test_bearer_token_api_call_needs_no_csrf_header(client, org):
    token = issue_token(org.unitadmin, utcnow())
    db.session.commit()
    response = client.patch(f"/api/v1/people/{org.villager.id}", json={"name": "改名"},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
