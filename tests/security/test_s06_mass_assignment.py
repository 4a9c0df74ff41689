"""S-06 mass assignment: every API operation that writes refuses (422) body fields its document does not name,
or (operations without a body) ignores them; privileged fields never change anything."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from examapp.api.spec import build_spec
from examapp.bank.models import Question
from examapp.exams.models import Attempt
from examapp.extensions import db
from tests.reliability.api_fuzz import TEMPLATES, send, snapshot

PRIVILEGED = ["role", "is_admin", "user_id", "unit_id", "org_id", "score", "status", "state", "started_at",
              "deadline_at", "finished_at", "attempt_no", "exam_id", "correct_option", "id", "code", "visibility",
              "username", "password_hash", "must_change_password", "session_version", "scope_unit_id", "awarded",
              "is_correct", "credited", "credited_seconds", "leave_count"]
VALID = {"PUT /api/v1/attempts/{attempt_id}/answers/{question_id}": '"A"', "POST /api/v1/bank/questions": '"新题"',
         "PUT /api/v1/bank/questions/{question_id}": '"改过的题"', "PATCH /api/v1/people/{user_id}": '"新名字"',
         "POST /api/v1/study/heartbeat": '"administrative-penalty-law-2021"'}
FAKE = {"role": "admin", "is_admin": True, "score": 100, "status": "finished", "state": "finished",
        "finished_at": "2026-01-01T00:00:00+08:00", "deadline_at": "2099-01-01T00:00:00+08:00"}


def body_schemas(app) -> dict:
    with app.test_request_context():
        spec = build_spec()
    return {(method.upper(), path): op["requestBody"]["content"]["application/json"]["schema"]
            for path, ops in spec["paths"].items() for method, op in ops.items() if "requestBody" in op}


def valid_body(operation) -> dict:
    template = TEMPLATES[operation][1]
    return json.loads(template.replace("@", VALID.get(" ".join(operation), '"2026-12-01T08:00:00+08:00"')))


def attempt_row(attempt_id: int) -> tuple:
    db.session.rollback()
    a = db.session.get(Attempt, attempt_id)
    db.session.refresh(a)
    return a.user_id, a.exam_id, a.number, a.state, a.score, a.passed, a.started_at, a.deadline_at, a.finished_at


def test_s06_every_body_operation_refuses_or_ignores_privileged_fields_and_changes_nothing(app, client, api_world):
    tokens, known = api_world
    schemas = body_schemas(app)
    assert sorted(schemas) == sorted(TEMPLATES)
    refused = ignored = 0
    for operation, schema in sorted(schemas.items()):
        forbidden = [name for name in PRIVILEGED if name not in schema["properties"]]
        if schema.get("additionalProperties") is False:  # the document says "refused" ...
            before = snapshot()
            for name in forbidden:
                body = {**valid_body(operation), name: FAKE.get(name, 1)}
                response = send(client, tokens, known, operation, json.dumps(body))
                assert response.status_code == 422, (operation, name, response.get_data(as_text=True)[:200])
                error = response.get_json()["error"]
                assert error["code"] == "unknown_fields" and name in error["message"], error
                refused += 1
            assert snapshot() == before, operation
            continue
        # ... or "ignored" (the exam's saves and events: never fail over a field): the same answer as without
        plain = send(client, tokens, known, operation, json.dumps(valid_body(operation)))
        before = (snapshot()[2:4], attempt_row(known["attempt_id"]))
        for name in forbidden:
            body = {**valid_body(operation), name: FAKE.get(name, 1)}
            response = send(client, tokens, known, operation, json.dumps(body))
            assert response.status_code == plain.status_code == 200, (operation, name)
            ignored += 1
        assert (snapshot()[2:4], attempt_row(known["attempt_id"])) == before, operation
    print(f"\nS-06: {len(schemas)} body operations, {refused} privileged fields refused, {ignored} ignored, "
          f"0 changed anything")
    assert refused >= 6 * 20 and ignored >= 2 * 20


@given(extra=st.text(min_size=1, max_size=12))
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_s06_random_unknown_keys_are_refused(app, client, api_world, extra):
    tokens, known = api_world
    for operation, schema in sorted(body_schemas(app).items()):
        body = valid_body(operation)
        if extra in body or extra in schema["properties"] or schema.get("additionalProperties") is not False:
            continue
        response = send(client, tokens, known, operation, json.dumps({**body, extra: 1}))
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "unknown_fields", operation


def test_s06_operations_without_a_body_ignore_one(app, client, api_world, org):
    """Start, submit, retire and ending sessions read no body: privileged fields sent anyway change nothing."""
    tokens, known = api_world
    learner, admin = ({"Authorization": f"Bearer {tokens[who]}"} for who in ("learner", "admin"))
    hostile = {"user_id": org.villager.id, "score": 100, "passed": True, "state": "finished", "number": 9,
               "deadline_at": "2099-01-01T00:00:00Z", "finished_at": "2000-01-01T00:00:00Z", "status": "active"}
    started = client.post(f"/api/v1/exams/{known['exam_id']}/attempts", json=hostile, headers=learner)
    assert started.status_code == 201 and started.get_json()["attempt_id"] == known["attempt_id"]
    attempt = db.session.get(Attempt, known["attempt_id"])
    assert (attempt.user_id, attempt.state, attempt.score) == (org.learner.id, "in_progress", None)
    deadline = attempt.deadline_at
    submitted = client.post(f"/api/v1/attempts/{known['attempt_id']}/submit", json=hostile, headers=learner)
    assert submitted.status_code == 200 and submitted.get_json()["score"] == 0  # nothing answered
    db.session.expire_all()
    attempt = db.session.get(Attempt, known["attempt_id"])
    assert (attempt.user_id, attempt.deadline_at, attempt.finish_reason) == (org.learner.id, deadline, "submitted")
    question = db.session.scalars(select(Question).where(Question.status == "active")).first()
    retired = client.post(f"/api/v1/bank/questions/{question.id}/retire", json=hostile, headers=admin)
    assert retired.get_json()["status"] == "retired"
    before = snapshot()
    ended = client.delete(f"/api/v1/people/{org.villager.id}/sessions", json=hostile, headers=admin)
    assert ended.status_code == 200 and snapshot()[3] == before[3]


@pytest.mark.parametrize("change", [{"role": "admin"}, {"role": "examiner"}, {"unit": "河口镇"},
                                    {"scope": "乌塘镇"}])
def test_s06_a_unit_admin_cannot_raise_a_person_or_move_them_out_of_scope(app, client, api_world, org, change):
    """Fields the PATCH body names are still checked against the caller's rights."""
    from examapp.auth.services import issue_token
    from examapp.db import utcnow

    token = issue_token(org.unitadmin, utcnow())
    db.session.commit()
    before = snapshot()
    response = client.patch(f"/api/v1/people/{org.villager.id}", json=change,
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (403, 422), response.get_data(as_text=True)[:300]
    assert snapshot()[3] == before[3]
