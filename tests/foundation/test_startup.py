"""What a gunicorn worker has ready before its first request (wsgi.py, create_app)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc
from sqlalchemy import inspect
import wsgi
from examapp.exams.models import Attempt
from examapp.org.models import User
print(inspect(User).configured and inspect(Attempt).configured, gc.get_freeze_count())
"""


def test_the_entry_point_configures_the_models_and_freezes_the_startup_heap(tmp_path):
    # A fresh interpreter, as a worker starts: in this test process other tests have configured the mappers.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/startup.sqlite", "EXAMAPP_ENV": "development",
           "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    configured, frozen = out[-2], int(out[-1])
    # The models' relationships were resolved by create_app, not left to the first query of the first request.
    assert configured == "True"
    # The app's long-lived objects are out of the collector's way: a full collection no longer rescans them all.
    assert frozen > 50_000
