"""Profile a gunicorn worker with py-spy while wrk loads it: python benchmarks/profile_save.py [save.lua|page.lua].

Needs a seeded database (run `make bench` once; DATABASE_URL as there) and py-spy (`pip install py-spy`, a
tool, not a dependency). Serves examapp with one worker, starts 40 attempts, runs wrk at 16 connections for
20 s and writes a flame graph to benchmarks/.run/profile-<script>.svg and the top functions to stdout.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import client, serve  # noqa: E402
from benchmarks.seed import RUN_DIR  # noqa: E402


def main() -> None:
    script = sys.argv[1] if len(sys.argv) > 1 else "save.lua"
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{RUN_DIR}/bench.sqlite"
    fixtures = json.loads((RUN_DIR / "fixtures.json").read_text())
    offset = int(os.environ.get("BENCH_PROFILE_OFFSET", "600"))
    serve.WORKERS = "1"
    with serve.gunicorn_app(serve.EXAMAPP, url, "/healthz") as port:
        _, papers = client.start_attempts(port, fixtures["exam_id"], fixtures["learners"][offset:offset + 40])
        save_file = RUN_DIR / "profile-save.txt"
        save_file.write_text("".join(f"{p['attempt_id']} {p['token']} "
                                     + ",".join(f"{q}:{t}" for q, t in p["items"]) + "\n" for p in papers))
        worker = Path(f"/proc/{serve.running[-1]}/task/{serve.running[-1]}/children").read_text().split()[0]
        raw = RUN_DIR / f"profile-{script.split('.')[0]}.txt"
        spy = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "-p", worker, "-d", "20",
                                "-o", str(raw), "-f", "raw"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        figures = serve.wrk(port, script, {"connections": 16, "duration": 20}, {"BENCH_SAVE_FILE": str(save_file)})
        spy.wait()
    print(json.dumps(figures))
    print_top(raw)


def print_top(raw: Path, count: int = 40) -> None:
    """Inclusive share of samples per function (collapsed stacks: frames;frames count)."""
    inclusive: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        total += int(samples)
        for frame in set(stack.split(";")):
            inclusive[frame] += int(samples)
    for frame, samples in inclusive.most_common(count):
        print(f"{100 * samples / total:5.1f}%  {frame[:150]}")
    print(f"collapsed stacks: {raw} (feed to any flame-graph tool)")


if __name__ == "__main__":
    main()
