"""Paper draw time against the bank's size: start an attempt (draw 50 by the blueprint, freeze it) on a bank of
1,000 / 10,000 / 100,000 questions, in-process on a fresh SQLite file each (measures, changes nothing).

    python benchmarks/draw_growth.py [1000 10000 100000]
    python benchmarks/draw_growth.py --json 1000 10000     # as `make bench` runs it

Prints the median and slowest of 20 starts per size and adds them to benchmarks/results/province.json
(with --json: a SUMMARY line with the rows instead, and province.json is left alone).
"""

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = Path(__file__).resolve().parent / "results" / "province.json"
STARTS = 20


def measure(size: int) -> dict:
    from benchmarks.seed import BLUEPRINT, make_bank
    from examapp import create_app
    from examapp.db import utcnow
    from examapp.exams.attempts import start_attempt
    from examapp.exams.models import Exam
    from examapp.extensions import db
    from examapp.org.models import User
    from examapp.org.services import add_unit

    path = tempfile.mkstemp(prefix="examapp-draw-", suffix=".sqlite")[1]
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    try:
        with app.app_context():
            db.create_all()
            now = utcnow()
            county = add_unit("基准县", None, kind="county")
            people = [User(username=f"d{i}", name=f"学员{i}", unit=county, role="learner", password_hash="!")
                      for i in range(STARTS)]
            db.session.add_all(people)
            started = time.perf_counter()
            make_bank(size)
            seeded = time.perf_counter() - started
            exam = Exam(title="抽题计时", year=now.year, status="published", opens_at=now - timedelta(days=1),
                        closes_at=now + timedelta(days=1), published_at=now, audience={"unit_ids": [county.id]},
                        blueprint=BLUEPRINT, allows_public_questions=True)
            db.session.add(exam)
            db.session.commit()
            times = []
            for person in people:
                started = time.perf_counter()
                start_attempt(exam, person, now)
                db.session.commit()
                times.append((time.perf_counter() - started) * 1000)
        return {"questions": size, "median_ms": statistics.median(times), "max_ms": max(times),
                "bank_seconds": seeded}
    finally:
        os.unlink(path)


def main(sizes: list[int], as_json: bool = False) -> None:
    rows = []
    for size in sizes:
        row = measure(size)
        rows.append(row)
        print(f"题库 {size:>7,} 道：抽题并开考 中位数 {row['median_ms']:.0f} 毫秒，最慢 {row['max_ms']:.0f} 毫秒"
              f"（建题库 {row['bank_seconds']:.0f} 秒）", flush=True)
    load = os.getloadavg()
    print(f"负载（1/5/15 分钟）：{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")
    if as_json:
        print("SUMMARY " + json.dumps({"rows": rows, "load": load}))
        return
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["draw_growth"] = {"rows": rows, "load": load}
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--json"]
    main([int(a) for a in args] or [1000, 10000, 100000], as_json="--json" in sys.argv[1:])
