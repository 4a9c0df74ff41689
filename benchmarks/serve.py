"""Start an app under gunicorn as README's deployment section does, and drive it with wrk."""

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRK_DIR = ROOT / "benchmarks" / "wrk"
EXAMAPP, CEILING = "wsgi:app", "benchmarks.ceiling.app:app"
WORKERS = os.environ.get("BENCH_WORKERS", "4")  # README: gunicorn -w 4
running: list[int] = []  # gunicorn master pids, for a profiler (benchmarks/profile_save.py)


def gunicorn() -> str | None:
    beside = Path(sys.executable).with_name("gunicorn")
    return str(beside) if beside.exists() else shutil.which("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port: int, path: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see benchmarks/.run/*.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


def server_cpu_seconds() -> tuple[float, float]:
    """CPU seconds used so far by the served apps' gunicorn processes and by PostgreSQL's (Linux /proc): the
    difference over a burst says how much of the machine's 2 cores each took."""
    tick = os.sysconf("SC_CLK_TCK")
    wanted = set(running)
    for master in running:
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{master}/task"):
                wanted.update(int(c) for c in open(f"/proc/{master}/task/{task}/children").read().split())
    app = database = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = open(f"/proc/{pid}/stat").read()
            name, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
            used = int(fields[11]) + int(fields[12])
            if int(pid) in wanted:
                app += used
            elif name.startswith("postgres"):
                database += used
    return app / tick, database / tick


@contextlib.contextmanager
def gunicorn_app(app: str, url: str, ready_path: str):
    """Serve `app` with the production settings on a free port; stop it afterwards."""
    port = free_port()
    env = {**os.environ, "EXAMAPP_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": url,
           "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"), "PYTHONPATH": str(ROOT),
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    log = open(ROOT / "benchmarks" / ".run" / f"gunicorn-{app.split('.')[0].split(':')[0]}.log", "w")  # noqa: SIM115
    # As README's deployment section starts it: --preload imports the app once in the master (wsgi.py freezes
    # its heap there), and the workers are forked from it.
    process = subprocess.Popen([gunicorn(), "--preload", "-w", WORKERS, "-b", f"127.0.0.1:{port}", app], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    running.append(process.pid)
    try:
        wait_ready(port, ready_path, process)
        # One warm-up pass so every worker has imported and connected before measuring.
        for _ in range(int(WORKERS) * 4):
            with contextlib.suppress(OSError, urllib.error.URLError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=5).read()
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        running.remove(process.pid)


def wrk(port: int, script: str, settings: dict, env: dict | None = None, base: str | None = None) -> dict:
    """Run wrk with a Lua script against `base` (default http://127.0.0.1:port); return requests/s, latency
    percentiles (ms) and errors."""
    command = ["wrk", "-t2", f"-c{settings['connections']}", f"-d{settings['duration']}s", "--timeout", "5s",
               "-s", str(WRK_DIR / script), base or f"http://127.0.0.1:{port}"]
    out = subprocess.run(command, env={**os.environ, "BENCH_WRK_DIR": str(WRK_DIR), **(env or {})},
                         capture_output=True, text=True, check=True).stdout
    line = next(raw for raw in reversed(out.splitlines()) if raw.startswith("{"))
    data = json.loads(line)
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {"rps": round(data["requests"] / (data["duration_us"] / 1e6), 1), "requests": data["requests"],
            "errors": errors, "p50_ms": data["p50_us"] / 1000, "p95_ms": data["p95_us"] / 1000,
            "p99_ms": data["p99_us"] / 1000, "max_ms": data["max_us"] / 1000}


def mean_ceiling_p99(before: dict | None, after: dict | None) -> float | None:
    """The ceiling upsert's own p99 (ms), the mean of its runs: how low the save's p99 can be on this machine."""
    runs = [run["save"]["p99_ms"] for run in (before, after) if run and "save" in run]
    return round(sum(runs) / len(runs), 1) if runs else None


def mean_ceiling(before: dict, after: dict | None) -> dict:
    """The ceiling's throughput: the mean of the runs before and after the app's."""
    if after is None:
        return {name: figures["rps"] for name, figures in before.items()}
    return {name: round((before[name]["rps"] + after[name]["rps"]) / 2, 1) for name in before}
