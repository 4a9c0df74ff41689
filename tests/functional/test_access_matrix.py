"""The access matrix: every route, every role. Allowed roles reach it; others get 403; anonymous 401/login.

Every route the app defines must appear here (or in PUBLIC), so each new feature extends the matrix.
"""

import pytest

from tests.factories import PASSWORD

ROLES = ("learner", "unit_admin", "examiner", "hr", "admin")
EVERYONE = set(ROLES)
STAFF_READERS = {"admin", "unit_admin", "hr"}
MANAGERS = {"admin", "unit_admin"}
BANK = {"admin", "examiner"}

PUBLIC = {"static", "auth.login", "core.health", "core.set_language", "api.openapi"}

# endpoint: (method, path template, roles allowed). Templates use ids from the org fixture.
MATRIX = {
    "core.home": ("GET", "/", EVERYONE),
    "auth.change_password": ("GET", "/account/password", EVERYONE),
    "auth.logout": ("POST", "/logout", EVERYONE),
    "audit.events": ("GET", "/audit/", {"admin"}),
    "org.people": ("GET", "/org/people", STAFF_READERS),
    "org.person": ("GET", "/org/people/{villager}", STAFF_READERS),
    "org.new_person": ("GET", "/org/people/new", MANAGERS),
    "org.edit_person": ("GET", "/org/people/{villager}/edit", MANAGERS),
    "org.change_status": ("POST", "/org/people/{villager}/status", MANAGERS),
    "org.reset": ("POST", "/org/people/{villager}/reset-password", MANAGERS),
    "org.import_upload": ("GET", "/org/import", MANAGERS),
    "org.import_confirm": ("POST", "/org/import/not-a-real-token/confirm", MANAGERS),
    "org.import_errors": ("GET", "/org/import/not-a-real-token/errors", MANAGERS),
    "org.units": ("GET", "/org/units", STAFF_READERS),
    "api.me": ("GET", "/api/v1/me", EVERYONE),
    "api.people_list": ("GET", "/api/v1/people", STAFF_READERS),
    "api.person_get": ("GET", "/api/v1/people/{villager}", STAFF_READERS),
    "api.person_patch": ("PATCH", "/api/v1/people/{villager}", MANAGERS),
}

ROLE_USER = {"learner": "learner", "unit_admin": "unitadmin", "examiner": "examiner", "hr": "hr", "admin": "admin"}


def fill(template: str, org) -> str:
    return template.format(villager=org.villager.id, learner=org.learner.id)


def request(client, method, path):
    if method == "PATCH":
        return client.patch(path, json={})
    return client.open(path, method=method)


def test_every_route_is_in_the_matrix(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(MATRIX) - PUBLIC)
    assert missing == [], "add these endpoints to the access matrix"


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_anonymous_is_sent_to_log_in(client, org, endpoint):
    method, template, _allowed = MATRIX[endpoint]
    response = request(client, method, fill(template, org))
    if template.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_role_is_allowed_or_forbidden(client, org, endpoint, role):
    method, template, allowed = MATRIX[endpoint]
    user = getattr(org, ROLE_USER[role])
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    response = request(client, method, fill(template, org))
    if role in allowed:
        assert response.status_code not in (401, 403, 500), response.status_code
        if method == "GET" and "not-a-real-token" not in template:
            assert response.status_code == 200
    else:
        assert response.status_code == 403
