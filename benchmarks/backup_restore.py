"""Backup and restore (O-03): how long `backup` and `restore` take on an exam season's results.

    python benchmarks/backup_restore.py                      # SQLite, 2,000 learners × one 50-question paper
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/examapp python benchmarks/backup_restore.py
    python benchmarks/backup_restore.py --learners 500

Seeds a scratch database (a SQLite file, or database examapp_bench_backup beside DATABASE_URL's, dropped at
the end) with the statute library, the learners, a finished attempt with its 50 answered items, a
certificate and an audit event per learner; then backs it up and restores it into an empty database, with
the checksums compared as the commands do. Prints rows, sizes and seconds.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.seed import seed  # noqa: E402

CONFIG = {"TESTING": True, "SECRET_KEY": "bench-secret-key-that-is-long-enough-123", "RATELIMIT_ENABLED": False}
SCRATCH = ("examapp_bench_backup", "examapp_bench_restore")


def databases(folder: str) -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgresql"):
        return f"sqlite:///{folder}/source.sqlite", f"sqlite:///{folder}/restored.sqlite"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in SCRATCH:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return tuple(base.rsplit("/", 1)[0] + "/" + name for name in SCRATCH)


def drop_scratch() -> None:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgresql"):
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in SCRATCH:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def results(learners: list[int], exam_id: int) -> None:
    """One finished attempt per learner, 50 answered items, a certificate and an audit event (Core inserts)."""
    from examapp.audit import record
    from examapp.bank.models import Question
    from examapp.db import utcnow
    from examapp.exams.models import Attempt, AttemptItem
    from examapp.extensions import db
    from examapp.records.models import Certificate

    now, rng = utcnow(), random.Random(7)
    questions = db.session.execute(select(Question.id, Question.current_version_id).limit(50)).all()
    attempts = [{"exam_id": exam_id, "user_id": uid, "number": 1, "seed": n, "state": "finished",
                 "started_at": now - timedelta(minutes=40), "deadline_at": now + timedelta(minutes=50),
                 "finished_at": now, "finish_reason": "submitted", "score": Decimal(rng.randint(40, 100)),
                 "max_score": Decimal(100), "draw": {}} for n, uid in enumerate(learners)]
    db.session.execute(insert(Attempt), attempts)
    ids = db.session.scalars(select(Attempt.id).order_by(Attempt.id)).all()
    for chunk in range(0, len(ids), 200):
        db.session.execute(insert(AttemptItem), [
            {"attempt_id": aid, "position": p, "question_id": q, "question_version_id": v, "type": "single",
             "points": Decimal(2), "key": "A", "answer": rng.choice("ABCD"), "answer_seq": 1, "answered_at": now,
             "content": {}, "option_order": [], "section": "单选题", "is_flagged": False}
            for aid in ids[chunk:chunk + 200] for p, (q, v) in enumerate(questions, start=1)])
    db.session.execute(insert(Certificate), [
        {"serial": f"B{aid:010d}", "user_id": uid, "exam_id": exam_id, "attempt_id": aid, "holder_name": "张晓",
         "unit_name": "基准镇", "exam_title": "基准年度学法考试", "exam_year": now.year, "score": 90.0,
         "max_score": 100.0, "passed_on": now.date(), "signature": "0" * 64, "issued_at": now}
        for aid, uid in zip(ids, learners, strict=True)])
    for aid in ids:
        record("bench.result", target=str(aid), now=now)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    args = parser.parse_args()
    from examapp import create_app
    from examapp.extensions import db
    from examapp.ops.backup import backup, restore

    folder = tempfile.mkdtemp(prefix="examapp-bench-backup-")
    source_url, target_url = databases(folder)
    try:
        source = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": source_url})
        fixtures = seed(source, learners=args.learners, questions=200)
        with source.app_context():
            results([p["id"] for p in fixtures["learners"]], fixtures["exam_id"])
            started = time.monotonic()
            manifest = backup(db.engine, Path(folder) / "backups")
            backed_up = time.monotonic() - started
        target = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": target_url})
        with target.app_context():
            done = restore(db.engine, manifest)
            db.engine.dispose()
        data = manifest.with_name(done.manifest["file"])
        print(f"{done.manifest['database']}: {done.rows:,} rows in {len(done.manifest['tables'])} tables "
              f"({done.manifest['tables']['attempt_items']['rows']:,} answers), backup file "
              f"{data.stat().st_size / 1e6:.1f} MB; backup {backed_up:.1f} s, restore "
              f"{done.seconds:.1f} s, verify {done.verify_seconds:.1f} s; every checksum equal; "
              f"audit chain {done.audit_events:,} events; "
              f"load average {os.getloadavg()[0]:.1f}")
    finally:
        drop_scratch()


if __name__ == "__main__":
    main()
