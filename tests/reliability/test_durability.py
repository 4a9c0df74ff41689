"""Durability under faults (catalogue R-01 … R-04): the app under gunicorn, examinees saving answers
through the acknowledgement ledger, workers killed and the database restarted or locked meanwhile.

Sizes follow RELIABILITY_SCALE (default 1.0, sized for CI's 2 cores; the catalogue's full figures are
about 2.5). Each test prints its figures on one `R-0x` line.
"""

import json
import os
import random
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import IS_POSTGRES

from .faults import PrivatePostgres, WriterHog, can_run_private_postgres, kill_workers
from .harness import Gunicorn, scratch_database, seed, stored_answers
from .ledger import run_examinees

pytestmark = pytest.mark.reliability
SCALE = float(os.environ.get("RELIABILITY_SCALE", "1"))
KIND = "postgresql" if IS_POSTGRES else "sqlite"


def scaled(n: float) -> int:
    return max(1, int(n * SCALE))


@pytest.fixture
def scratch_url():
    with scratch_database(KIND) as url:
        yield url


def verdict(label: str, ledger, examinees, url: str, extra: str = "") -> dict:
    """Compare the ledger with the database, print the figures and return them."""
    result = ledger.check(stored_answers(url, [e.attempt_id for e in examinees]))
    print(f"\n{label} [{KIND}]: {result['acknowledged']} acknowledged, {len(result['lost'])} lost, "
          f"{len(result['phantom'])} phantom, {ledger.gave_up} given up, p95 ack {ledger.percentile(0.95):.2f} s, "
          f"p99 {ledger.percentile(0.99):.2f} s, statuses {dict(ledger.statuses)}{extra}")
    return result


def assert_clean(result, ledger, log: str, minimum: int) -> None:
    assert result["lost"] == [], result["lost"][:5]
    assert result["phantom"] == [], result["phantom"][:5]
    assert ledger.gave_up == 0
    assert result["acknowledged"] >= minimum
    assert "Traceback" not in log, log[log.find("Traceback"):][:3000]


def test_r01_no_acknowledged_answer_lost_under_steady_autosave(scratch_url):
    """R-01: examinees autosave steadily; every acknowledged answer is in the database, 0 errors."""
    learners, seconds = scaled(30), scaled(40)
    world = seed(scratch_url, learners=learners)
    with Gunicorn(scratch_url) as server:
        ledger, examinees = run_examinees(server.port, world, seconds=seconds, think=1.0)
        log = server.log_text()
    result = verdict("R-01", ledger, examinees, scratch_url)
    assert_clean(result, ledger, log, minimum=learners * seconds // 3)
    assert not ledger.failures, ledger.failures[:3]
    assert ledger.percentile(0.95) <= 5.0


def test_r02_no_acknowledged_answer_lost_across_kill_9_of_workers(scratch_url):
    """R-02: 20 kill -9 of gunicorn workers, 3 s apart, while examinees save: 0 acknowledged answers lost."""
    world = seed(scratch_url, learners=scaled(24))
    respawns: list[float] = []
    during_kills = []

    def kills(ledger):
        respawns.extend(kill_workers(server, 20, 3.0))
        during_kills.append(ledger.acknowledged)

    with Gunicorn(scratch_url) as server:
        # The kills take 60 s; saving goes on until 2,000 were acknowledged (without --preload each killed
        # worker needs seconds of CPU to import the app again, and far fewer are acknowledged meanwhile).
        ledger, examinees = run_examinees(server.port, world, seconds=63, think=0.05, until_acked=scaled(2000),
                                          cap=180, during=kills)
        log = server.log_text()
    result = verdict("R-02", ledger, examinees, scratch_url,
                     f", {len(respawns)} kills, {during_kills[0]} acknowledged during the kills, slowest respawn "
                     f"{max(respawns, default=0):.1f} s")
    assert len(respawns) == 20
    assert_clean(result, ledger, log, minimum=scaled(2000))
    assert all(status in (503,) for status, _, _ in ledger.failures), ledger.failures[:3]


def health_after(port: int, seconds: float = 30) -> float:
    """Seconds until /healthz answers 200 again."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - began
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    return float("inf")


@pytest.mark.skipif(not IS_POSTGRES, reason="R-03 restarts PostgreSQL")
def test_r03_postgresql_restarted_under_load_loses_nothing_and_answers_503():
    """R-03: PostgreSQL restarted 5 times under load: 0 lost; while it is down 503 + Retry-After, JSON, no
    traceback; the site recovers by itself within 5 s of the database accepting connections."""
    reason = can_run_private_postgres()
    if reason:
        pytest.skip(reason)
    rng = random.Random(3)
    downtimes, recoveries = [], []
    with PrivatePostgres() as pg:
        world = seed(pg.url, learners=scaled(20))
        with Gunicorn(pg.url) as server:
            def restarts(_):
                for _ in range(5):
                    time.sleep(rng.uniform(3, 7))
                    downtimes.append(pg.restart())
                    recoveries.append(health_after(server.port))

            ledger, examinees = run_examinees(server.port, world, seconds=40, think=0.3, during=restarts)
            log = server.log_text()
        result = verdict("R-03", ledger, examinees, pg.url,
                         f", restarts down {[round(d, 1) for d in downtimes]} s, back after "
                         f"{[round(r, 2) for r in recoveries]} s")
    assert len(downtimes) == 5
    assert_clean(result, ledger, log, minimum=scaled(200))
    assert max(recoveries) <= 5.0
    for status, headers, body in ledger.failures:
        assert status == 503, (status, body)
        assert headers.get("Retry-After", "").isdigit(), headers
        error = json.loads(body)["error"]
        assert error["code"] == "unavailable" and error["message"]
        assert b"Traceback" not in body


@pytest.mark.skipif(IS_POSTGRES, reason="R-04 is about SQLite's single writer")
def test_r04_sqlite_concurrent_writers_never_show_database_is_locked(scratch_url):
    """R-04: gunicorn workers plus a writer holding SQLite's lock 2 s at a time: no save fails, nothing lost."""
    world = seed(scratch_url, learners=scaled(24))
    hog = WriterHog(scratch_url.removeprefix("sqlite:///"), hold=2.0, pause=0.5)
    with Gunicorn(scratch_url) as server:
        ledger, examinees = run_examinees(server.port, world, seconds=scaled(30), think=0.3,
                                          during=lambda _: hog.start())
        hog.stop()
        log = server.log_text()
    result = verdict("R-04", ledger, examinees, scratch_url, f", hog held the lock {hog.rounds} times")
    assert hog.rounds >= 5
    assert_clean(result, ledger, log, minimum=scaled(60))  # the hog holds the lock 80 % of the time
    assert not ledger.failures, ledger.failures[:3]
    assert "database is locked" not in log
    assert ledger.percentile(0.99) <= 5.0


def test_harness_and_o01_preloaded_master_holds_no_database_connection(scratch_url):
    """The machinery serves the seeded exam to a token holder; O-01 (in part): with `--preload` (README's
    deployment) the gunicorn master opens no database connection that its forked workers would share."""
    world = seed(scratch_url, learners=1)
    with Gunicorn(scratch_url, workers=2) as server:
        token = next(iter(world.tokens.values()))
        request = urllib.request.Request(f"{server.base}/api/v1/exams", headers={"Authorization": f"Bearer {token}"})
        for _ in range(4):
            with urllib.request.urlopen(request, timeout=10) as response:
                exams = json.loads(response.read())["exams"]
        master = server.database_handles(server.process.pid)
        workers = [server.database_handles(pid) for pid in server.worker_pids()]
    assert [e["id"] for e in exams] == [world.exam_id] and exams[0]["duration_minutes"] == 3
    assert master == [] and any(workers), (master, workers)
