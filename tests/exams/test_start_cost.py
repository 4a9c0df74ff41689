"""Starting is what hundreds of learners do in the same second: the press, and the second press of a double
tap, must stay cheap (issue 13's synchronised start), with the paper exactly what the database holds."""

import pytest
from sqlalchemy import text

from examapp.exams.bank_source import frozen_sources
from examapp.extensions import db


class DataStatements:
    """The shared `statements` fixture read as data statements on one line each (no SAVEPOINT, COMMIT)."""

    def __init__(self, statements: list[str]):
        self.statements = statements

    def clear(self):
        self.statements.clear()

    def __iter__(self):
        lines = (" ".join(s.split()) for s in self.statements)
        return (s for s in lines if s.split()[0] in ("SELECT", "UPDATE", "INSERT", "DELETE"))

    def __len__(self):
        return sum(1 for _ in self)

    def __repr__(self):
        return repr(list(self))


@pytest.fixture
def queries(statements):
    return DataStatements(statements)


def press(client, exam, bearer) -> dict:
    response = client.post(f"/api/v1/exams/{exam.id}/attempts", headers=bearer)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def without_clock(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("server_time", "remaining_seconds")}


def test_a_new_paper_is_answered_from_the_rows_it_inserted(client, exam, bearer, queries):
    assert client.get("/api/v1/exams", headers=bearer).status_code == 200  # the token's use is written now
    queries.clear()
    started = press(client, exam, bearer)
    assert not [s for s in queries if s.startswith("SELECT") and "FROM attempt_items" in s], queries
    # ... and the reply is exactly the paper the database holds (as the attempt's own read gives it).
    stored = client.get(f"/api/v1/attempts/{started['attempt_id']}", headers=bearer).get_json()
    assert len(started["questions"]) == 9
    assert started["questions"] == stored["questions"]
    assert without_clock(started) == {k: v for k, v in without_clock(stored).items() if k != "user_id"}


def test_a_second_press_finds_the_open_attempt_before_any_drawing(client, exam, bearer, queries):
    started = press(client, exam, bearer)
    client.put(f"/api/v1/attempts/{started['attempt_id']}/answers/{started['questions'][0]['id']}",
               json={"answer": "A", "flagged": True}, headers=bearer)
    queries.clear()
    again = press(client, exam, bearer)
    assert again["attempt_id"] == started["attempt_id"]
    assert again["questions"] == started["questions"]
    assert again["answers"] == {str(started["questions"][0]["id"]): "A"}
    assert again["flagged"] == [started["questions"][0]["id"]]
    # No bank, pool or generation read and no write; the paper's rows without their key and option order.
    assert not [s for s in queries if "questions" in s.split(" FROM ")[-1] or "bank_generation" in s
                or "draw_pools" in s or not s.startswith("SELECT")], queries
    items = [s for s in queries if "FROM attempt_items" in s]
    assert len(items) == 1 and '"key"' not in items[0] and "option_order" not in items[0], items
    # token and person; the exam; its audience's units; the person's overrides and attempts; the items
    assert len(queries) <= 7, queries


def test_drawn_versions_are_read_once_per_bank_generation(org, bank, queries):
    ids = [q.id for q in bank]
    first = frozen_sources(ids)
    queries.clear()
    assert frozen_sources(ids[:5]) == {qid: first[qid] for qid in ids[:5]}
    assert frozen_sources(ids) == first
    assert not [s for s in queries if "FROM questions" in s], queries
    # Any change to the bank gives a new generation: the very next read sees the new stem.
    db.session.execute(text("UPDATE question_versions SET stem = '改过的题干' WHERE id = :id"),
                       {"id": bank[0].current_version_id})
    assert frozen_sources(ids)[ids[0]]["stem"] == "改过的题干"
    db.session.rollback()
    assert frozen_sources(ids)[ids[0]]["stem"] == first[ids[0]]["stem"]
