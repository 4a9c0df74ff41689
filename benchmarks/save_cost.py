"""What one answer save costs in-process: statements, round trips, and CPU of the app and of the database.

Run after a benchmark run has seeded the database and started attempts (benchmarks/.run/save.txt; `BENCH_ONLY=save
BENCH_QUICK=1 python benchmarks/run.py` makes both), with the same DATABASE_URL:

    python benchmarks/save_cost.py [N] [--profile]

Sends N saves (default 2000) the way wrk/save.lua does (bearer token, a random item of a random open attempt)
through the Flask test client and prints per save: SQL statements, round trips to the database (statements plus
BEGIN, COMMIT, ROLLBACK and the pool's pre-ping), the median wall-clock time, this process's CPU
(time.process_time, which other programs' load disturbs much less than the wall clock) and, on PostgreSQL, the CPU
the server process answering this connection spent (from /proc, when it runs on this machine). `--profile` prints
cProfile's top functions by CPU time.
"""

import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.seed import RUN_DIR  # noqa: E402

ANSWERS = {"single": ['"A"', '"B"', '"C"', '"D"'], "multiple": ['["A","C"]', '["B","D"]'],
           "true_false": ["true", "false"]}


class Counter:
    """Statements and round trips seen by the engine (psycopg sends BEGIN before a transaction's first statement)."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements = self.round_trips = 0
        self.ping = bool(engine.pool._pre_ping)
        event.listen(engine, "before_cursor_execute", self.statement)
        event.listen(engine, "begin", self.trip)
        event.listen(engine, "commit", self.trip)
        event.listen(engine, "rollback", self.trip)
        event.listen(engine.pool, "checkout", self.checkout)

    def statement(self, *args):
        self.statements += 1
        self.round_trips += 1

    def trip(self, conn, *args):
        # An autocommit connection (the token autosave on PostgreSQL) sends no BEGIN, COMMIT or ROLLBACK.
        self.round_trips += conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT"

    def checkout(self, *args):
        self.round_trips += self.ping


def server_cpu(pid: int | None) -> float:
    """CPU seconds of a PostgreSQL server process on this machine (0 when it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except (OSError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def requests(n: int) -> list[tuple[str, dict, str]]:
    rows = [line.split() for line in (RUN_DIR / "save.txt").read_text().splitlines() if line.strip()]
    picked = []
    for _ in range(n):
        attempt, token, items = random.choice(rows)
        qid, kind = random.choice(items.split(",")).split(":")
        picked.append((f"/api/v1/attempts/{attempt}/answers/{qid}",
                       {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                       '{"answer": ' + random.choice(ANSWERS[kind]) + "}"))
    return picked


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "2000"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{RUN_DIR}/bench.sqlite"
    from examapp import create_app
    from examapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-save-cost-" + "x" * 32})
    client = app.test_client()
    with app.app_context():
        engine = db.engine
        counter = Counter(engine)
        backend = None
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:  # the pool's one connection: the test client reuses it
                backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    work = requests(n)
    for path, headers, body in work[:50]:  # warm up: statement caches, prepared statements
        client.put(path, headers=headers, data=body)
    counter.statements = counter.round_trips = 0
    work = work[50:] if len(work) > 100 else work
    wall, cpu = [], []
    profile = cProfile.Profile(time.process_time) if "--profile" in sys.argv else None
    server_before, statuses = server_cpu(backend), {}
    for path, headers, body in work:
        start, start_cpu = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        response = client.put(path, headers=headers, data=body)
        if profile:
            profile.disable()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    server = (server_cpu(backend) - server_before) * 1000 / len(work)
    print(f"{len(work)} saves on {engine.dialect.name} (load average {os.getloadavg()[0]:.1f}), statuses {statuses}")
    print(f"  per save: {counter.statements / len(work):.2f} statements, {counter.round_trips / len(work):.2f} round "
          f"trips; wall median {statistics.median(wall):.2f} ms; CPU median {statistics.median(cpu):.2f} ms, "
          f"mean {statistics.mean(cpu):.2f} ms" + (f"; database server CPU mean {server:.2f} ms" if backend else ""))
    if profile:
        # SORT=tottime and TOP=60 in the environment change the listing.
        stats = pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("TOP", "45")))
    print(json.dumps({"statements": counter.statements / len(work), "round_trips": counter.round_trips / len(work),
                      "cpu_median_ms": statistics.median(cpu), "server_cpu_ms": server}))


if __name__ == "__main__":
    main()
