"""S-12 (catalogue c4): hostile JSON bodies sent to every API operation that reads one get a 4xx with the
error envelope, never a server error, and change nothing."""

import json

import pytest

from examapp.api.spec import build_spec
from tests.reliability.api_fuzz import TEMPLATES, send, snapshot

VALUES = {  # raw JSON text put where each operation reads a value
    "nested 10,000 deep": "[" * 10_000 + "]" * 10_000,
    "a number too large for a float (1e309)": "1e309",
    "NaN": "NaN",
    "Infinity": "-Infinity",
    "a lone surrogate": '"\\ud800"',
    "a NUL character": '"A\\u0000"',  # text: refused where a rule says so, else kept (PostgreSQL: 400)
    "an object of 10,000 keys": json.dumps({f"k{i}": i for i in range(10_000)}),
}
def body_operations(app) -> list[tuple[str, str]]:
    with app.test_request_context():
        spec = build_spec()
    return sorted((method.upper(), path) for path, ops in spec["paths"].items() for method, op in ops.items()
                  if "requestBody" in op)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_s12_hostile_json_bodies_get_a_4xx_never_a_server_error(app, client, api_world, name):
    tokens, known = api_world
    assert body_operations(app) == sorted(TEMPLATES)  # every operation that reads a body is covered
    statuses, before = [], snapshot()
    for operation, (_who, template) in sorted(TEMPLATES.items()):
        response = send(client, tokens, known, operation, template.replace("@", VALUES[name]))
        assert response.status_code < 500 and response.is_json, (operation, response.get_data(as_text=True)[:300])
        if "NUL" not in name:
            assert response.status_code in (404, 422) and set(response.get_json()) == {"error"}, (
                operation, response.status_code, response.get_data(as_text=True)[:300])
        statuses.append(response.status_code)
    if "NUL" not in name:
        assert snapshot() == before
    print(f"\nS-12 c4 {name}: {len(statuses)} operations, statuses {sorted(set(statuses))}, 0 server errors")


@pytest.mark.parametrize("case", ["a body over the size limit", "a JSON body sent as text/plain"])
def test_s12_oversized_and_mistyped_bodies_are_refused(app, client, api_world, case):
    tokens, known = api_world
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    before = snapshot()
    for operation, (_who, template) in sorted(TEMPLATES.items()):
        if case.startswith("a body over"):
            response = send(client, tokens, known, operation, template.replace("@", json.dumps("x" * 2_000_000)))
            assert response.status_code == 413, operation
        else:
            response = send(client, tokens, known, operation, template.replace("@", '"A"'), "text/plain")
            assert response.status_code in (404, 422), operation  # 404: the practice question was never served
        assert response.get_json()["error"]["code"]
    assert snapshot() == before


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "POST", "DELETE"])
def test_s12_an_id_beyond_any_database_integer_is_not_found_for_every_method(client, api_world, method):
    """Found by the fuzz: PUT /bank/questions/<20 digits> answered 405 (the router refused the number, then saw
    the GET route of the same path); every method now answers 404."""
    tokens, _known = api_world
    huge = 2751474265437683318784
    paths = {"GET": f"/api/v1/people/{huge}", "PUT": f"/api/v1/bank/questions/{huge}",
             "PATCH": f"/api/v1/people/{2**63}", "POST": f"/api/v1/attempts/{huge}/submit",
             "DELETE": f"/api/v1/people/{huge}/sessions"}
    response = client.open(paths[method], method=method, json={"name": "x"},
                           headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
