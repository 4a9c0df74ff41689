"""Answer saves through nginx and two app servers (deploy/scaleout.py), and through one app server directly.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/examapp_scaleout python benchmarks/scaleout.py

DATABASE_URL must name a scratch PostgreSQL database: every table in it is dropped. Redis from
RATELIMIT_STORAGE_URI (default redis://127.0.0.1:6379/0). Prints the figures and the machine's load average, and
writes benchmarks/results/scaleout.json. On one machine both app servers share its cores, so throughput cannot
show the gain of a second machine; what carries over to sizing is the CPU time each save costs in the app
workers, in nginx and in the PostgreSQL backends (read from /proc around each wrk run), which a busy machine
inflates far less than it inflates wall-clock throughput.
"""

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import client, serve  # noqa: E402
from benchmarks.seed import RUN_DIR, seed  # noqa: E402
from deploy.scaleout import ScaleOut, missing_tools  # noqa: E402

SETTINGS = {"duration": int(os.environ.get("BENCH_DURATION", "10")), "connections": 32}
TICK = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def backends(url: str) -> list[int]:
    """The PostgreSQL server processes serving this database's connections (same machine)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND pid <> pg_backend_pid()")).scalars().all()
    engine.dispose()
    return list(pids)


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICK


def measured(cluster, url: str, port: int, env: dict, base: str | None = None) -> dict:
    """wrk on the save; with the CPU milliseconds per save of the app workers, nginx and PostgreSQL."""
    groups = {"app": [w for p in cluster.apps.values() for w in children(p.pid)],
              "nginx": children(cluster.nginx.pid), "postgresql": backends(url)}
    before = {name: cpu_seconds(pids) for name, pids in groups.items()}
    figures = serve.wrk(port, "save.lua", SETTINGS, env, base=base)
    groups["postgresql"] = sorted(set(groups["postgresql"]) | set(backends(url)))  # connections opened meanwhile
    for name, pids in groups.items():
        used = cpu_seconds(pids) - before.get(name, 0)
        figures[f"cpu_ms_per_save_{name}"] = round(used * 1000 / max(figures["requests"], 1), 2)
    return figures


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    reason = None if url.startswith("postgresql") else "DATABASE_URL 须是一个可清空的 PostgreSQL 数据库"
    reason = reason or missing_tools() or (None if serve.gunicorn() else "没有 gunicorn")
    if reason:
        print(f"无法测量：{reason}。")
        return 2
    from examapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    fixtures = seed(app, learners=200, questions=1000)
    redis_url = os.environ.get("RATELIMIT_STORAGE_URI") or "redis://127.0.0.1:6379/0"
    figures = {"load_before": os.getloadavg()[0]}
    with ScaleOut(url, redis_url, port=int(os.environ.get("SCALEOUT_BASE_PORT", "5184"))) as cluster:
        _, papers = client.start_attempts(cluster.app_ports[0], fixtures["exam_id"], fixtures["learners"][:100])
        save_file = RUN_DIR / "save.txt"
        save_file.write_text("".join(f"{p['attempt_id']} {p['token']} " + ",".join(f"{q}:{t}" for q, t in p["items"])
                                     + "\n" for p in papers))
        env = {"BENCH_SAVE_FILE": str(save_file)}
        figures["one_app_server"] = measured(cluster, url, cluster.app_ports[0], env)
        time.sleep(2)
        figures["nginx_two_app_servers"] = measured(cluster, url, cluster.port, env, base=cluster.base)
    figures["load_after"] = os.getloadavg()[0]
    figures["at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    figures["cores"] = os.cpu_count()
    for name in ("one_app_server", "nginx_two_app_servers"):
        f = figures[name]
        print(f"{name:24} {f['rps']:7.1f} saves/s  p50 {f['p50_ms']:7.1f} ms  p99 {f['p99_ms']:7.1f} ms  "
              f"errors {f['errors']} of {f['requests']}  CPU per save: app {f['cpu_ms_per_save_app']} ms, "
              f"nginx {f['cpu_ms_per_save_nginx']} ms, PostgreSQL {f['cpu_ms_per_save_postgresql']} ms")
    print(f"load average {figures['load_before']:.1f} before, {figures['load_after']:.1f} after; "
          f"{figures['cores']} cores; {SETTINGS['connections']} connections, {SETTINGS['duration']} s each")
    (ROOT / "benchmarks" / "results" / "scaleout.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
