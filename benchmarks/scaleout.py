"""Answer saves through nginx and two app servers (deploy/scaleout.py), and through one app server directly.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/examapp_scaleout python benchmarks/scaleout.py

DATABASE_URL must name a scratch PostgreSQL database: every table in it is dropped. Redis from
RATELIMIT_STORAGE_URI (default redis://127.0.0.1:6379/0). Prints the figures and the machine's load average, and
writes benchmarks/results/scaleout.json. On one machine both app servers share its cores, so this measures
what nginx (TLS, proxying) costs per save and that nothing breaks, not the gain of a second machine.
"""

import json
import os
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
        figures["one_app_server"] = serve.wrk(cluster.app_ports[0], "save.lua", SETTINGS, env)
        time.sleep(2)
        figures["nginx_two_app_servers"] = serve.wrk(cluster.port, "save.lua", SETTINGS, env, base=cluster.base)
    figures["load_after"] = os.getloadavg()[0]
    figures["at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    figures["cores"] = os.cpu_count()
    for name in ("one_app_server", "nginx_two_app_servers"):
        f = figures[name]
        print(f"{name:24} {f['rps']:7.1f} saves/s  p50 {f['p50_ms']:7.1f} ms  p99 {f['p99_ms']:7.1f} ms  "
              f"errors {f['errors']} of {f['requests']}")
    print(f"load average {figures['load_before']:.1f} before, {figures['load_after']:.1f} after; "
          f"{figures['cores']} cores; {SETTINGS['connections']} connections, {SETTINGS['duration']} s each")
    (ROOT / "benchmarks" / "results" / "scaleout.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
