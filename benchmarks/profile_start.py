"""Starting an attempt in one process (Flask test client): CPU ms and statements per start, first and second press.

Run: .venv/bin/python benchmarks/profile_start.py [N] [--profile]      (N learners, default 100)
Seeds benchmarks/seed.py's data set (5,000 questions, the bench's blueprint) into a throw-away SQLite file, or
into DATABASE_URL when it names a scratch database (every table in it is dropped). Each learner presses start
with a bearer token (a new attempt: draw and freeze 50 questions), then again (the synchronised start's double
tap: the open attempt is found and returned). Prints the median and p95 CPU milliseconds of this process
(time.process_time), the statements and round trips (with BEGIN, COMMIT and the pool's pre-ping) per press and, on
PostgreSQL running on this machine, the mean CPU its server processes spent per press (from /proc); --profile prints
cProfile's top functions of the first presses. CPU time is the stable figure on a shared machine: with hundreds of
presses at once on 2 cores, the synchronised start's p95 is about CPU per press × presses / cores.
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


def server_cpu(pids: list[int]) -> float:
    """CPU seconds the PostgreSQL server processes on this machine have spent (0 when they cannot be read):
    /proc/PID/schedstat counts nanoseconds, where /proc/PID/stat counts 10 ms ticks (a press takes a few ms)."""
    total = 0.0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            pass
    return total


def press(client, exam_id: int, token: str, figures: dict, counter, pids: list[int] = ()) -> dict:
    before, trips, start_cpu, start_server = counter.statements, counter.round_trips, time.process_time(), \
        server_cpu(pids)
    response = client.post(f"/api/v1/exams/{exam_id}/attempts", headers={"Authorization": f"Bearer {token}"})
    figures.setdefault("cpu", []).append((time.process_time() - start_cpu) * 1000)
    figures.setdefault("server", []).append((server_cpu(pids) - start_server) * 1000)
    figures.setdefault("statements", []).append(counter.statements - before)
    figures.setdefault("round_trips", []).append(counter.round_trips - trips)
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    return response.get_json()


def main() -> None:
    from benchmarks.save_cost import Counter
    from benchmarks.seed import seed
    from examapp.extensions import db

    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "100"))
    app = make_app()
    fixtures = seed(app, n + 1, 5000)
    exam_id, learners = fixtures["exam_id"], fixtures["learners"]
    with app.app_context():
        counter = Counter(db.engine)
    client = app.test_client()
    press(client, exam_id, learners[n]["token"], {}, counter)  # warm-up: pools read and stored, caches filled
    pids = []
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # the server processes of this database (the pool's connections)
            with db.engine.connect() as connection:
                pids = list(connection.exec_driver_sql(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()").scalars())
    first: dict[str, list] = {}
    second: dict[str, list] = {}
    profiler = cProfile.Profile(time.process_time) if "--profile" in sys.argv else None
    for learner in learners[:n]:
        if profiler:
            profiler.enable()
        started = press(client, exam_id, learner["token"], first, counter, pids)
        if profiler:
            profiler.disable()
        again = press(client, exam_id, learner["token"], second, counter, pids)
        assert again["attempt_id"] == started["attempt_id"]
    engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"{n} learners on {engine} (load average {os.getloadavg()[0]:.1f})")
    for name, figures in (("first press", first), ("second press", second)):
        values = sorted(figures["cpu"])
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"  {name:12s} CPU median {statistics.median(values):6.2f} ms   p95 {p95:6.2f} ms   "
              f"statements {statistics.median(figures['statements']):.0f}   "
              f"round trips {statistics.median(figures['round_trips']):.0f}"
              + (f"   server CPU mean {statistics.mean(figures['server']):5.2f} ms" if pids else ""))
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    with app.app_context():
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main()
