"""Starting is what hundreds of learners do in the same second: the press, and the second press of a double
tap, must stay cheap (issue 13's synchronised start), with the paper exactly what the database holds."""

from decimal import Decimal

import pytest
from sqlalchemy import event, func, select, text

from examapp.bank.generation import current_generation
from examapp.exams.attempts import start_or_resume
from examapp.exams.bank_source import frozen_sources, rule_pools, store_pools
from examapp.exams.models import AttemptItem, DrawPool
from examapp.extensions import db

from .conftest import SMALL_BLUEPRINT, make_bank, make_exam, make_question


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


def test_a_pool_found_stored_is_not_asked_for_again_under_the_same_generation(org, bank, queries):
    """Each start checks that its pools are in draw_pools; once a worker has seen them there (committed by some
    start: rows are never deleted) it stops asking until the bank changes."""
    rules = [{"type": "single"}, {"type": "multiple"}]
    pools, generation = rule_pools(rules), current_generation()
    store_pools(pools, org.now, generation)  # stores them: not remembered, this transaction may yet roll back
    db.session.commit()
    queries.clear()
    store_pools(pools, org.now, generation)  # asks once and finds them
    store_pools(pools, org.now, generation)  # remembered
    assert len([s for s in queries if "draw_pools" in s]) == 1, queries
    make_question("新题")  # any bank change gives a new generation: ask again
    db.session.commit()
    queries.clear()
    store_pools(rule_pools(rules), org.now, current_generation())  # (and stores the singles' new pool)
    assert len([s for s in queries if s.startswith("SELECT draw_pools")]) == 1, queries


def test_a_pool_stored_by_a_start_that_rolled_back_is_stored_again(org, bank):
    pools, generation = rule_pools([{"type": "single"}]), current_generation()
    store_pools(pools, org.now, generation)
    db.session.rollback()
    store_pools(pools, org.now, generation)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DrawPool)
                             .where(DrawPool.digest == pools[0].digest)) == 1


def test_a_new_paper_is_stored_exactly_as_drawn(org, untangle):
    """The paper's rows go to the database in one statement (PostgreSQL: unpacked from JSON by the server):
    every column reads back as build_paper made it: keys of every shape, exact points, Chinese text."""
    make_bank(cases=1)
    case_rule = {"variant": "default", "section": "案例分析", "type": "case", "count": 1, "points": "12.5"}
    exam = make_exam(org, blueprint=[*SMALL_BLUEPRINT, case_rule])
    attempt, fresh = start_or_resume(exam, org.learner, org.now)
    db.session.commit()
    db.session.expire_all()
    stored = {item.question_id: item for item in db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt.id))}
    assert len(stored) == len(fresh) == 10
    for row in fresh:
        item = stored[row.question_id]
        for name in ("position", "section", "question_version_id", "type", "points", "content", "option_order",
                     "key", "answer_seq", "is_flagged"):
            assert getattr(item, name) == getattr(row, name), (name, getattr(item, name), getattr(row, name))
        assert item.answer is None and item.answered_at is None and item.is_correct is None
    assert {row.section for row in fresh} == {"单选", "多选", "判断", "填空", "案例分析"}
    assert sum(item.points for item in stored.values()) == Decimal("112.50")
    case = next(item for item in stored.values() if item.type == "case")
    assert [sub["type"] for sub in case.key] == ["single", "true_false"] and case.key[1]["key"] is False



def transactions_of(action) -> int:
    begun: list[int] = []

    def begin(conn):
        begun.append(1)

    event.listen(db.engine, "begin", begin)
    try:
        action()
    finally:
        event.remove(db.engine, "begin", begin)
    return len(begun)


def test_a_second_press_is_answered_in_the_transaction_that_found_the_attempt(client, exam, bearer):
    """The double tap reads the paper before its commit: a second transaction cost a BEGIN, a ROLLBACK and the
    pool's ping."""
    assert client.get("/api/v1/exams", headers=bearer).status_code == 200  # the token's use is written now
    started = press(client, exam, bearer)
    again = {}
    assert transactions_of(lambda: again.update(press(client, exam, bearer))) == 1
    assert without_clock(again) == without_clock(started)


def test_a_new_paper_is_written_without_a_savepoint(client, exam, bearer, statements):
    """The attempt's INSERT writes nothing when another start won (ON CONFLICT DO NOTHING): no SAVEPOINT and
    RELEASE around it, and the first write of the start."""
    assert client.get("/api/v1/exams", headers=bearer).status_code == 200
    statements.clear()
    press(client, exam, bearer)
    sent = [" ".join(s.split()) for s in statements]
    assert not [s for s in sent if "SAVEPOINT" in s.upper()], sent
    writes = [s.split()[2] for s in sent if s.startswith("INSERT")]
    assert writes[0] == "attempts" and writes[-1] == "attempt_items", writes


def test_a_start_that_lost_the_race_resumes_the_winner_and_writes_nothing(org, exam, monkeypatch):
    """Another request for the same person inserted the open attempt after this one read the standing: the
    INSERT writes nothing (no second attempt, no pool stored) and the winner's attempt is returned."""
    from examapp.exams import attempts as service

    winner, _ = start_or_resume(exam, org.learner, org.now)
    db.session.commit()
    pools_before = db.session.scalar(select(func.count()).select_from(DrawPool))
    db.session.execute(text("DELETE FROM draw_pools"))
    seen = service.standing(exam, org.learner, org.now)
    seen.open_attempt, seen.reason, seen.attempts_left = None, "ok", 1  # as read before the winner committed
    seen.window_closes_at = exam.closes_at
    monkeypatch.setattr(service, "current_standing", lambda *args: seen)
    attempt, fresh = start_or_resume(exam, org.learner, org.now)
    assert attempt.id == winner.id and fresh is None
    assert pools_before and db.session.scalar(select(func.count()).select_from(DrawPool)) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(service.Attempt)) == 1
