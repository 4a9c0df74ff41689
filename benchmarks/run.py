"""`make bench`: every figure of issue 13 in one table, against its target.

The exam day over HTTP: seed, serve examapp and the ceiling app under gunicorn, load them, report ratios.
SQLite by default (a fresh file in benchmarks/.run/); PostgreSQL when DATABASE_URL names a scratch
database (every table in it is dropped). Then certificates, imports and the paper draw in-process, and the
province figures when the province data set exists (parts.py). BENCH_QUICK=1 runs the short version.
Prints a table and one summary line, writes benchmarks/results/latest.json, exits 1 if a target is missed;
figures not measured (quick run, BENCH_ONLY, no province data set) are listed as such, never as met.
"""

import os
import platform
import shutil
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import client, parts, report, serve  # noqa: E402
from benchmarks.seed import RUN_DIR, seed  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
SETTINGS = {
    "duration": 10 if QUICK else 30,  # seconds per wrk run
    "connections": 64,
    "learners": 1000 if QUICK else 3000,
    "questions": 5000,
    "started": 100 if QUICK else 300,  # attempts started one by one, then loaded by wrk and submitted
    "synchronised": 300,
    "practice": 60 if QUICK else 200,
    # Unmeasured practice rounds first, in both versions: each worker's connection prepares the big statements on
    # PostgreSQL (psycopg after five runs, then five custom plans), which a 60-round quick run would half measure.
    "practice_warmup": 40,
}


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    RUN_DIR.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{RUN_DIR}/bench.sqlite{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{RUN_DIR}/bench.sqlite"


def check_tools() -> None:
    missing = []
    if shutil.which("wrk") is None:
        missing.append("wrk (Debian: sudo apt-get install -y wrk)")
    if serve.gunicorn() is None:
        missing.append("gunicorn (pip install '.[deploy]', or .venv/bin/pip install gunicorn)")
    if missing:
        print("make bench needs: " + "; ".join(missing) + ". Nothing was installed.", file=sys.stderr)
        sys.exit(2)


def measure_ceiling(url: str) -> dict:
    from benchmarks.ceiling.app import create_table

    create_table(url)
    with serve.gunicorn_app(serve.CEILING, url, "/ceiling/page/0") as port:
        return {"save": serve.wrk(port, "ceiling_save.lua", SETTINGS),
                "page": serve.wrk(port, "ceiling_page.lua", SETTINGS)}


def measure_app(url: str, fixtures: dict) -> dict:
    learners, exam_id = fixtures["learners"], fixtures["exam_id"]
    n, sync = SETTINGS["started"], SETTINGS["synchronised"]
    with serve.gunicorn_app(serve.EXAMAPP, url, "/healthz") as port:
        start, papers = client.start_attempts(port, exam_id, learners[:n])
        save_file = RUN_DIR / "save.txt"
        save_file.write_text("".join(f"{p['attempt_id']} {p['token']} "
                                     + ",".join(f"{q}:{t}" for q, t in p["items"]) + "\n" for p in papers))
        figures = {"start": start}
        if wanted("save"):
            figures["save"] = serve.wrk(port, "save.lua", SETTINGS, {"BENCH_SAVE_FILE": str(save_file)})
        if wanted("page"):
            figures["page"] = serve.wrk(port, "page.lua", SETTINGS, {"BENCH_SAVE_FILE": str(save_file)})
        if wanted("practice"):
            figures["practice"] = client.practice_round_trips(
                port, learners[n], start_one(port, exam_id, learners[n]), SETTINGS["practice"],
                SETTINGS["practice_warmup"])
        if wanted("submit"):
            figures["submit"] = client.submit_attempts(port, papers)
        if wanted("sync"):
            cpu = serve.server_cpu_seconds()
            figures["sync"] = client.synchronised_start(port, exam_id, learners[n + 1:n + 1 + sync])
            after = serve.server_cpu_seconds()
            figures["sync"]["server_cpu_s"] = [round(b - a, 2) for a, b in zip(cpu, after, strict=True)]
    if "sync" in figures:
        figures["sync"]["attempts"] = attempts_per_user(url, [x["id"] for x in learners[n + 1:n + 1 + sync]], exam_id)
    return figures


def wanted(part: str) -> bool:
    """BENCH_ONLY=save,page (while developing) runs only those parts; the default runs all of them.
    Parts: start, save, page, practice, submit, sync (HTTP; attempts are always started for them),
    certificates, imports, draw, province."""
    only = os.environ.get("BENCH_ONLY", "")
    return not only or part in only.split(",")


def other_parts(reasons: dict[str, str], sections: dict[str, str]) -> list[dict]:
    """Certificates, imports, paper draw, province: their rows; why a figure has none goes into `reasons`."""
    rows = []
    for name in ("certificates", "imports", "draw"):
        if wanted(name):
            rows += getattr(parts, name)(QUICK)
            reasons[name] = parts.QUICK_SKIPPED
    if wanted("province"):
        province, sections["province"], reasons["province"] = parts.province(QUICK)
        rows += province
    return rows


def start_one(port: int, exam_id: int, learner: dict) -> dict:
    _, papers = client.start_attempts(port, exam_id, [learner])
    return papers[0]


def attempts_per_user(url: str, user_ids: list[int], exam_id: int) -> dict[int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT user_id, count(*) FROM attempts WHERE exam_id = :e GROUP BY user_id"),
                            {"e": exam_id}).all()
    engine.dispose()
    counts = dict(rows)
    return {uid: counts.get(uid, 0) for uid in user_ids}


def main() -> int:
    # A terminated run still stops the gunicorn it started (the context managers' finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    http = any(wanted(part) for part in report.HTTP_PARTS)
    if http:
        check_tools()
    url = database_url()
    began = time.monotonic()
    engine_name = url.split(":", 1)[0].split("+", 1)[0]
    reasons = {part: "未测" if wanted(part) else "未测：BENCH_ONLY 未选" for _, part, _, _ in report.FIGURES}
    served = f"gunicorn --preload -w {serve.WORKERS}, wrk {SETTINGS['connections']} connections"
    sections = {"save": f" ({engine_name}, {served})" if http else "",
                "certificates": " (child processes, SQLite; the imports on DATABASE_URL's database when set)"}
    rows, ceiling_before, ceiling_after = [], None, None
    if http:
        from examapp import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-seed-" + "x" * 32})
        print(f"Seeding {engine_name}: {SETTINGS['learners']} learners, {SETTINGS['questions']} questions ...",
              flush=True)
        fixtures = seed(app, SETTINGS["learners"], SETTINGS["questions"])
        ratios = wanted("save") or wanted("page")  # the ceiling is their denominator
        ceiling_before = measure_ceiling(url) if ratios else None
        figures = measure_app(url, fixtures)
        ceiling_after = measure_ceiling(url) if ratios else None  # minutes apart: the mean is the denominator
        ceiling = serve.mean_ceiling(ceiling_before, ceiling_after) if ratios else {}
        rows = report.rows(figures, ceiling, SETTINGS, serve.mean_ceiling_p99(ceiling_before, ceiling_after))
    rows += other_parts(reasons, sections)
    rows = report.complete(rows, reasons)
    result = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "database": engine_name, "quick": QUICK,
              "machine": machine(), "settings": SETTINGS, "rows": rows, "sections": sections,
              "ceiling": {"before": ceiling_before, "after": ceiling_after},
              "seconds": round(time.monotonic() - began)}
    report.write(result, ROOT / "benchmarks" / "results" / "latest.json")
    report.write_json(result, ROOT / "benchmarks" / "results" / f"latest-{engine_name}.json")
    return report.exit_status(rows)


def machine() -> dict:
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "load_average_at_end": [round(x, 2) for x in load]}


if __name__ == "__main__":
    sys.exit(main())
