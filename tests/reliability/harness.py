"""The app under gunicorn on a scratch database, seeded with short exams and learners holding API tokens.

Gunicorn runs the way README's deployment section (and benchmarks/serve.py) does: `gunicorn -w N wsgi:app`
with EXAMAPP_ENV=production, on a free port, logging to a file that the tests read for tracebacks.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import JSON, create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
WORKERS = int(os.environ.get("RELIABILITY_WORKERS", "3"))
THREADS = int(os.environ.get("RELIABILITY_THREADS", "2"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_binary() -> str | None:
    beside = Path(sys.executable).with_name("gunicorn")
    return str(beside) if beside.exists() else shutil.which("gunicorn")


@contextlib.contextmanager
def scratch_database(kind: str):
    """Yield the URL of an empty database: a SQLite file, or a new PostgreSQL database next to DATABASE_URL's."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="examapp-reliability-")
        try:
            yield f"sqlite:///{folder}/reliability.sqlite"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    base = make_url(os.environ["DATABASE_URL"])
    name = f"examapp_reliability_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@dataclass
class World:
    url: str
    exam_id: int
    tokens: dict[int, str] = field(default_factory=dict)  # user id -> bearer token


def seed(url: str, learners: int, minutes: int = 3) -> World:
    """Create the schema, a small bank, one open exam with a short time limit, and learners with tokens."""
    from examapp.auth.models import ApiToken, hash_token
    from examapp.db import utcnow
    from examapp.exams.models import Exam
    from examapp.extensions import db
    from examapp.org.models import User
    from examapp.org.services import add_unit
    from tests.conftest import make_app
    from tests.exams.conftest import SMALL_BLUEPRINT, make_bank

    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        town = add_unit("可靠性镇", None, kind="town")
        make_bank(singles=8, multiples=4, tfs=4, blanks=2)
        now = utcnow()
        exam = Exam(title="可靠性测试考试", year=now.year, status="published", opens_at=now - timedelta(hours=1),
                    closes_at=now + timedelta(days=1), duration_minutes=minutes, blueprint=SMALL_BLUEPRINT,
                    audience={"unit_ids": [town.id]}, max_attempts=3, published_at=now)
        db.session.add(exam)
        users = [User(username=f"rel{i:04d}", name=f"考生{i}", unit=town, role="learner", password_hash="!")
                 for i in range(learners)]
        db.session.add_all(users)
        db.session.flush()
        world = World(url=url, exam_id=exam.id)
        for user in users:
            token = "exa_" + secrets.token_urlsafe(24)
            db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
            world.tokens[user.id] = token
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return world


def stored_answers(url: str, attempt_ids: list[int]) -> dict[tuple[int, int], tuple[object, int]]:
    """(attempt id, question id) -> (answer, answer_seq), read straight from the database."""
    engine = create_engine(url)
    query = text("SELECT attempt_id, question_id, answer, answer_seq FROM attempt_items").columns(answer=JSON)
    rows = {}
    with engine.connect() as conn:
        for aid, qid, answer, seq in conn.execute(query):
            if aid in attempt_ids:
                rows[(aid, qid)] = (answer, seq)
    engine.dispose()
    return rows


class Gunicorn:
    """examapp served by gunicorn on a free port; the master's pid lets the injectors find the workers."""

    def __init__(self, url: str, workers: int = WORKERS, threads: int = THREADS):
        self.url, self.workers, self.threads = url, workers, threads
        self.port = free_port()
        self.log_path = Path(tempfile.mkstemp(prefix="examapp-gunicorn-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Gunicorn":
        binary = gunicorn_binary()
        if binary is None:
            raise RuntimeError("gunicorn is not installed: pip install -e '.[test]'")
        env = {**os.environ, "EXAMAPP_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
               "DATABASE_URL": self.url, "RATELIMIT_STORAGE_URI": "memory://", "PYTHONPATH": str(ROOT),
               "PUBLIC_BASE_URL": f"http://127.0.0.1:{self.port}"}
        command = [binary, "-w", str(self.workers), "--threads", str(self.threads), "--timeout", "30",
                   "--graceful-timeout", "5", "-b", f"127.0.0.1:{self.port}", "wsgi:app"]
        if os.environ.get("RELIABILITY_PRELOAD", "1") == "1":  # README's deployment: --preload
            command.insert(1, "--preload")
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()
        return self

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def database_handles(self, pid: int) -> list[str]:
        """What process `pid` holds open of the database: SQLite files, or TCP connections to its port."""
        inodes, held = set(), []
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
                elif ".sqlite" in target:
                    held.append(target)
        port = make_url(self.url).port
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if port and fields[9] in inodes and int(fields[2].rsplit(":", 1)[1], 16) == port:
                    held.append(f"tcp to port {port}")
        return held

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> "Gunicorn":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
