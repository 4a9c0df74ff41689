"""C-01 and C-02 against the app under gunicorn (separate worker processes, not threads of one process)."""

import http.client
import json
import threading

import pytest
from sqlalchemy import JSON, create_engine, text

from .harness import Gunicorn, seed
from .test_durability import KIND, scratch_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.reliability
ROUNDS, CONCURRENT = 5, 24


def call(port: int, token: str, method: str, path: str, body=None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=json.dumps(body or {}),
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def at_once(count: int, action) -> list:
    """Release `count` calls of action() together; return their results."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(n):
        barrier.wait()
        results[n] = action()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def keys_of(url: str, attempt_id: int) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT question_id, type, key FROM attempt_items WHERE attempt_id = :a")
                            .columns(key=JSON), {"a": attempt_id}).all()
    engine.dispose()
    return {qid: ([alternatives[0] for alternatives in key] if kind == "blank" else key) for qid, kind, key in rows}


def test_c01_c02_racing_starts_and_submits_through_gunicorn_happen_once(scratch_url):  # noqa: F811
    """C-02: 24 simultaneous starts give one attempt; C-01: 24 simultaneous submits give one result, one
    finish and at most one certificate (the paper is answered right, so exactly one), in every round."""
    world = seed(scratch_url, learners=ROUNDS, minutes=60)
    outcomes = []
    with Gunicorn(scratch_url) as server:
        for token in world.tokens.values():
            starts = at_once(CONCURRENT, lambda t=token: call(server.port, t, "POST",
                                                              f"/api/v1/exams/{world.exam_id}/attempts"))
            assert all(status in (200, 201, 409) for status, _ in starts), starts
            attempt_ids = {body["attempt_id"] for status, body in starts if status in (200, 201)}
            assert len(attempt_ids) == 1, starts
            aid = attempt_ids.pop()
            for qid, key in keys_of(scratch_url, aid).items():
                assert call(server.port, token, "PUT", f"/api/v1/attempts/{aid}/answers/{qid}",
                            {"answer": key, "seq": 1})[0] == 200
            submits = at_once(CONCURRENT, lambda t=token, a=aid: call(server.port, t, "POST",
                                                                      f"/api/v1/attempts/{a}/submit"))
            assert all(status == 200 for status, _ in submits), submits
            assert len({json.dumps(body, sort_keys=True) for _, body in submits}) == 1
            outcomes.append(submits[0][1])
    engine = create_engine(scratch_url)
    with engine.connect() as conn:
        attempts = conn.execute(text("SELECT user_id, count(*), sum(CASE WHEN state = 'finished' THEN 1 ELSE 0 END) "
                                     "FROM attempts GROUP BY user_id")).all()
        certificates = conn.execute(text("SELECT count(*) FROM certificates")).scalar()
    engine.dispose()
    print(f"\nC-01/C-02 [{KIND}]: {ROUNDS} rounds of {CONCURRENT} starts and {CONCURRENT} submits: "
          f"{len(attempts)} people, each 1 attempt, 1 finished; {certificates} certificates")
    assert len(attempts) == ROUNDS and all(count == 1 and done == 1 for _, count, done in attempts)
    assert all(o["passed"] for o in outcomes) and certificates == ROUNDS
