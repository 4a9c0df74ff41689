"""Starting an attempt in one process (Flask test client): CPU ms and statements per start, first and second press.

Run: .venv/bin/python benchmarks/profile_start.py [N] [--profile]      (N learners, default 100)
Seeds benchmarks/seed.py's data set (5,000 questions, the bench's blueprint) into a throw-away SQLite file, or
into DATABASE_URL when it names a scratch database (every table in it is dropped). Each learner presses start
with a bearer token (a new attempt: draw and freeze 50 questions), then again (the synchronised start's double
tap: the open attempt is found and returned). Prints the median and p95 CPU milliseconds of this process
(time.process_time) and the statements sent per press; --profile prints cProfile's top functions of the first
presses. CPU time is the stable figure on a shared machine: with hundreds of presses at once on 2 cores, the
synchronised start's p95 is about CPU per press × presses / cores.
"""

import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_app():
    from examapp import create_app

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='bench-start-')}/bench.sqlite"
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key-0123456789abcdef0123",
                       "RATELIMIT_ENABLED": False})


def press(client, exam_id: int, token: str, cpu: list[float], statements: list[int], counter: list[int]) -> dict:
    before, start_cpu = counter[0], time.process_time()
    response = client.post(f"/api/v1/exams/{exam_id}/attempts", headers={"Authorization": f"Bearer {token}"})
    cpu.append((time.process_time() - start_cpu) * 1000)
    statements.append(counter[0] - before)
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    return response.get_json()


def main() -> None:
    from sqlalchemy import event

    from benchmarks.seed import seed
    from examapp.extensions import db

    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "100"))
    app = make_app()
    fixtures = seed(app, n + 1, 5000)
    exam_id, learners = fixtures["exam_id"], fixtures["learners"]
    counter = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: counter.__setitem__(0, counter[0] + 1))
    client = app.test_client()
    press(client, exam_id, learners[n]["token"], [], [], counter)  # warm-up: pools read and stored, caches filled
    first: dict[str, list] = {"cpu": [], "statements": []}
    second: dict[str, list] = {"cpu": [], "statements": []}
    profiler = cProfile.Profile(time.process_time) if "--profile" in sys.argv else None
    for learner in learners[:n]:
        if profiler:
            profiler.enable()
        started = press(client, exam_id, learner["token"], first["cpu"], first["statements"], counter)
        if profiler:
            profiler.disable()
        again = press(client, exam_id, learner["token"], second["cpu"], second["statements"], counter)
        assert again["attempt_id"] == started["attempt_id"]
    engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"{n} learners on {engine} (load average {os.getloadavg()[0]:.1f})")
    for name, figures in (("first press", first), ("second press", second)):
        values = sorted(figures["cpu"])
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"  {name:12s} CPU median {statistics.median(values):6.2f} ms   p95 {p95:6.2f} ms   "
              f"statements {statistics.median(figures['statements']):.0f}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    with app.app_context():
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main()
