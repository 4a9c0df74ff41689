"""The exam page in one process: CPU ms per page and cProfile's top functions (Flask test client).

    python benchmarks/profile_page.py [--profile] [--pages N]

Seeds a small copy of the bench's data set (benchmarks/seed.py: the same bank and 50-question blueprint;
5 learners, 2,000 questions) into benchmarks/.run/profile-page.sqlite, or into DATABASE_URL when given (a
scratch database: every table in it is dropped), starts one attempt with a bearer token as wrk's page.lua
does, loads the page once to warm up, then N times (default 200) and prints the CPU milliseconds per page
(time.process_time) with the load average. Not part of `make bench`.
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.seed import RUN_DIR, seed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    RUN_DIR.mkdir(exist_ok=True)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{RUN_DIR}/profile-page.sqlite"
    from examapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-profile-" + "x" * 32})
    fixtures = seed(app, 5, 2000)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {fixtures['learners'][0]['token']}"}
    started = client.post(f"/api/v1/exams/{fixtures['exam_id']}/attempts", headers=headers)
    assert started.status_code == 201, started.get_data(as_text=True)
    paper = started.get_json()
    for question in paper["questions"][::3]:  # some answered, as on an exam day
        answer = {"single": "A", "multiple": ["A", "B"], "true_false": True}[question["type"]]
        client.put(f"/api/v1/attempts/{paper['attempt_id']}/answers/{question['id']}", headers=headers,
                   json={"answer": answer})
    path = f"/exams/attempts/{paper['attempt_id']}"
    first = client.get(path, headers=headers)
    assert first.status_code == 200, first.status_code
    profiler = cProfile.Profile() if args.profile else None
    began = time.process_time()
    if profiler:
        profiler.enable()
    for _ in range(args.pages):
        client.get(path, headers=headers)
    if profiler:
        profiler.disable()
    cpu_ms = (time.process_time() - began) * 1000 / args.pages
    print(json.dumps({"cpu_ms_per_page": round(cpu_ms, 2), "pages": args.pages, "bytes": len(first.data),
                      "loadavg": os.getloadavg(), "database": url.split(":", 1)[0], "profiled": args.profile}))
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
