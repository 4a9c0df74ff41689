"""Fault injectors (catalogue H2): kill -9 of gunicorn workers, a PostgreSQL restart, a SQLite writer hog.

The PostgreSQL restarts run against a private cluster (initdb in a temporary folder, its own port), never
against the machine's shared cluster: restarting that one would break every other test run on the machine.
"""

import contextlib
import glob
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from .harness import free_port


def kill_workers(server, times: int, every: float, stop: threading.Event | None = None) -> list[float]:
    """kill -9 a random worker `times` times, `every` seconds apart; return how long each respawn took."""
    rng, respawns = random.Random(7), []
    for _ in range(times):
        if stop is not None and stop.wait(every):
            break
        time.sleep(0 if stop is not None else every)
        pids = server.worker_pids()
        if not pids:
            continue
        os.kill(rng.choice(pids), signal.SIGKILL)
        began = time.monotonic()
        while len(server.worker_pids()) < server.workers and time.monotonic() - began < 30:
            time.sleep(0.05)
        respawns.append(time.monotonic() - began)
    return respawns


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def can_run_private_postgres() -> str:
    """An empty string when a private cluster can be started here, else the reason why not."""
    if postgres_bin() is None:
        return "PostgreSQL server binaries are not installed (apt-get install postgresql)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "runuser is missing"
    return ""


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port, which the test may restart at will."""

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="examapp-pg-"))
        self.data = self.folder / "data"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> "PrivatePostgres":
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.pg_ctl("start")
        return self

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "-t", "60",
                 action, *extra)

    def restart(self) -> float:
        """`pg_ctl restart -m fast` (what `pg_ctlcluster … restart` does); return the seconds it was down."""
        began = time.monotonic()
        self.pg_ctl("restart", "-m", "fast")
        return time.monotonic() - began

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "PrivatePostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class WriterHog(threading.Thread):
    """A second process-like writer on the SQLite file: BEGIN IMMEDIATE, hold the lock `hold` s, COMMIT."""

    def __init__(self, path: str, hold: float = 2.0, pause: float = 0.5):
        super().__init__(daemon=True)
        self.path, self.hold, self.pause = path, hold, pause
        self.stop_event = threading.Event()
        self.rounds = 0

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("CREATE TABLE IF NOT EXISTS reliability_hog (n INTEGER)")
        while not self.stop_event.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO reliability_hog VALUES (?)", (self.rounds,))
            self.stop_event.wait(self.hold)
            conn.execute("COMMIT")
            self.rounds += 1
            self.stop_event.wait(self.pause)
        conn.close()

    def stop(self) -> None:
        self.stop_event.set()
        self.join(30)
