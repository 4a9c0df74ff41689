"""An autosave is the exam day's hottest request: it must stay a few statements, with every check still made."""

from datetime import timedelta

import pytest
from sqlalchemy import event, inspect, select

from examapp.auth.models import ApiToken
from examapp.auth.services import issue_token
from examapp.db import utcnow
from examapp.exams.models import Attempt
from examapp.extensions import db


@pytest.fixture
def bearer(org):
    token = issue_token(org.learner, utcnow())
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def paper(client, exam, bearer) -> dict:
    response = client.post(f"/api/v1/exams/{exam.id}/attempts", headers=bearer)
    assert response.status_code == 201
    return response.get_json()


def single_question(data: dict) -> int:
    return next(q["id"] for q in data["questions"] if q["type"] == "single")


def test_answer_save_with_a_bearer_token_is_four_statements(client, exam, bearer, statements):
    data = paper(client, exam, bearer)
    qid = single_question(data)
    client.put(f"/api/v1/attempts/{data['attempt_id']}/answers/{qid}", json={"answer": "A"}, headers=bearer)
    statements.clear()
    response = client.put(f"/api/v1/attempts/{data['attempt_id']}/answers/{qid}", json={"answer": "B"},
                          headers=bearer)
    assert response.status_code == 200 and response.get_json()["seq"] == 2
    assert response.headers["Cache-Control"] == "no-store"
    queries = [s for s in statements if s.split()[0] in ("SELECT", "UPDATE", "INSERT", "DELETE")]
    # token and person in one; the attempt (share-locked); the item (locked); the update. No user reload
    # after the commit, no token write on every request.
    assert len(queries) == 4, queries
    assert queries[0].startswith("SELECT") and "api_tokens" in queries[0] and "users" in queries[0]
    assert queries[-1].startswith("UPDATE attempt_items")


def test_another_learners_token_still_gets_404(client, exam, bearer, org):
    data = paper(client, exam, bearer)
    other = issue_token(org.villager, utcnow())
    db.session.commit()
    response = client.put(f"/api/v1/attempts/{data['attempt_id']}/answers/{single_question(data)}",
                          json={"answer": "A"}, headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404


def test_revoked_token_and_retired_person_are_refused(client, exam, bearer, org):
    data = paper(client, exam, bearer)
    url = f"/api/v1/attempts/{data['attempt_id']}/answers/{single_question(data)}"
    org.learner.status = "retired"
    db.session.commit()
    assert client.put(url, json={"answer": "A"}, headers=bearer).status_code == 401
    org.learner.status = "active"
    db.session.execute(ApiToken.__table__.update().values(revoked_at=utcnow()))
    db.session.commit()
    assert client.put(url, json={"answer": "A"}, headers=bearer).status_code == 401


def test_token_use_is_written_at_most_every_five_minutes(client, exam, bearer, monkeypatch):
    now = utcnow()
    monkeypatch.setattr("examapp.auth.loaders.utcnow", lambda: now)
    data = paper(client, exam, bearer)
    url = f"/api/v1/attempts/{data['attempt_id']}/answers/{single_question(data)}"

    def used_at_after_a_save_at(minutes: int):
        monkeypatch.setattr("examapp.auth.loaders.utcnow", lambda: now + timedelta(minutes=minutes))
        assert client.put(url, json={"answer": "A"}, headers=bearer).status_code == 200
        db.session.expire_all()
        return db.session.scalar(select(ApiToken.last_used_at))

    assert used_at_after_a_save_at(0) == now
    assert used_at_after_a_save_at(2) == now
    assert used_at_after_a_save_at(6) == now + timedelta(minutes=6)


def test_the_draw_record_is_loaded_only_when_read(client, exam, bearer):
    attempt_id = paper(client, exam, bearer)["attempt_id"]
    db.session.expunge_all()
    attempt = db.session.scalar(select(Attempt).where(Attempt.id == attempt_id))
    assert "draw" not in inspect(attempt).dict
    assert attempt.draw["variant"] == "default"
