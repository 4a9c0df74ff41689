"""Certificates: PDFs per second on one core, and the unit ZIP's peak memory at 1,000 and 5,000.

    python benchmarks/certificates.py                 # 300 PDFs timed, ZIP at 1,000 and 5,000
    python benchmarks/certificates.py --pdfs 100 --zip 200,1000
    python benchmarks/certificates.py --profile       # cProfile of the PDF loop, top 25 by own time

Runs in one process on a scratch SQLite file (the PDF work does not touch the database). Each ZIP size
runs in a fresh child process that reads the streamed download chunk by chunk and reports how much its
resident set grew (ru_maxrss) while doing so, so the sizes can be compared: a streamed ZIP stays flat.
"""

import argparse
import cProfile
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIG = {"TESTING": True, "SECRET_KEY": "bench-secret-key-that-is-long-enough-123", "WTF_CSRF_ENABLED": False,
          "RATELIMIT_ENABLED": False, "PUBLIC_BASE_URL": "https://xuefa.example.gov.cn",
          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SERVER_NAME": "localhost"}
PASSWORD = "bench-password-1"


def make_app(folder: str):
    from examapp import create_app

    return create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/certificates.sqlite"})


def seed(count: int):
    """A unit with `count` learners, one exam and one certificate each (every tenth revoked); return (admin, unit)."""
    from examapp.db import utcnow
    from examapp.exams.models import Exam
    from examapp.extensions import db
    from examapp.org.models import User
    from examapp.org.services import add_unit
    from examapp.records.models import Certificate

    db.create_all()
    now = utcnow()
    town = add_unit("基准镇", None, kind="town")
    unit = add_unit("基准镇司法所", town)
    admin = User(username="admin", name="管理员", unit=town, role="admin")
    admin.set_password(PASSWORD)
    exam = Exam(title="2026年度全县国家工作人员学法考试", year=2026, status="published",
                opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=3))
    db.session.add_all([admin, exam])
    users = [User(username=f"c{i:05d}", name=f"张晓{i}", unit=unit, role="learner", password_hash="!")
             for i in range(count)]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(certificate(Certificate, user, exam, unit, i, now) for i, user in enumerate(users))
    db.session.commit()
    return admin, unit


def certificate(model, user, exam, unit, i: int, now):
    return model(serial=f"2026-{i:08d}-ABCD", user_id=user.id, exam_id=exam.id, holder_name=user.name,
                 unit_name=unit.full_name, exam_title=exam.title, exam_year=2026, score=60 + i % 41,
                 max_score=100, grade="excellent" if i % 41 >= 30 else "pass", passed_on=date(2026, 11, 20),
                 signature="0" * 64, issued_at=now, revoked_at=now if i % 10 == 9 else None)


def time_pdfs(count: int, profile: bool) -> dict:
    from examapp.extensions import db
    from examapp.records.certificate_pdf import certificate_pdf
    from examapp.records.models import Certificate

    certs = db.session.query(Certificate).order_by(Certificate.id).limit(count).all()
    certificate_pdf(certs[0])  # the font's first registration is a one-off per process
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    sizes = [len(certificate_pdf(cert)) for cert in certs]
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return {"pdfs": len(certs), "seconds": round(wall, 2), "per_second": round(len(certs) / wall, 1),
            "per_cpu_second": round(len(certs) / cpu, 1), "mean_kb": round(sum(sizes) / len(sizes) / 1024, 1)}


def zip_child(count: int) -> None:
    """In a fresh process: seed `count`, download the unit ZIP in chunks, print the memory it took."""
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        with app.app_context():
            admin, unit = seed(count)
            unit_id = admin.id and unit.id
        client = app.test_client()
        client.post("/login", data={"username": "admin", "password": PASSWORD})
        import gc

        gc.collect()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        response = client.get(f"/records/units/{unit_id}/certificates.zip", buffered=False)
        spool, size = tempfile.TemporaryFile(), 0
        for chunk in response.response:
            spool.write(chunk)
            size += len(chunk)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        spool.seek(0)
        entries = len(zipfile.ZipFile(spool).namelist())
        print(json.dumps({"certificates": count, "entries": entries, "zip_mb": round(size / 2 ** 20, 1),
                          "seconds": round(seconds, 1), "grew_mb": round((peak - before) / 1024, 1)}))


def run_zip(count: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--zip-child", str(count)], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=300)
    parser.add_argument("--zip", default="1000,5000", help="comma-separated unit sizes ('' to skip)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--zip-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.zip_child:
        zip_child(args.zip_child)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        with app.app_context(), app.test_request_context():
            seed(args.pdfs)
            pdfs = time_pdfs(args.pdfs, args.profile)
    print(f"certificate PDFs: {pdfs['pdfs']} in {pdfs['seconds']} s = {pdfs['per_second']}/s "
          f"({pdfs['per_cpu_second']} per CPU second, target >= 40), {pdfs['mean_kb']} kB each")
    zips = [run_zip(int(n)) for n in args.zip.split(",") if n.strip()]
    for z in zips:
        print(f"unit ZIP of {z['certificates']}: {z['entries']} PDFs, {z['zip_mb']} MB in {z['seconds']} s, "
              f"resident memory grew {z['grew_mb']} MB")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("SUMMARY " + json.dumps({"pdfs": pdfs, "zips": zips}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
