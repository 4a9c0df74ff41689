"""Progress of long work (imports, exports, loads), told the same way to the command line and to a web page.

Long work takes an optional `step(stage, done, total)` and calls it as it goes. On the command line
`cli_progress()` turns the calls into click progress bars on stderr (one per stage). On the web the page's
form (or download link: `streamed`) carries a random job id; the request doing the work writes its progress to
a small file under instance/progress/ (`file_progress`), and the page's script polls `/progress/<job>` while
the browser waits for the answer. A file, not the database: the import's own transaction may hold SQLite's
write lock, and a file needs nothing new. Behind several app servers the poll may reach one that is not doing
the work: the page then says the work is still going on, without a figure.
"""

import json
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

Step = Callable[[str, int, int], None]
JOB_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_AGE_SECONDS = 6 * 3600
WRITE_EVERY_SECONDS = 0.5
STAGES = {"read": _l("Reading the file"), "check": _l("Checking"), "write": _l("Saving"),
          "export": _l("Exporting"), "load": _l("Loading"), "generate": _l("Generating")}


def silent(stage: str, done: int, total: int) -> None:
    """The step of work nobody watches."""


def stage_label(stage: str) -> str:
    return str(STAGES.get(stage, stage))


@contextmanager
def cli_progress(label: str = "") -> Iterator[Step]:
    """A step that draws one click progress bar per stage on stderr (plain lines when it is not a terminal)."""
    state: dict = {"stage": None, "bar": None}

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
            state["bar"] = None

    def step(stage: str, done: int, total: int) -> None:
        if stage != state["stage"]:
            close()
            state["stage"] = stage
            title = f"{label}：{stage_label(stage)}" if label else stage_label(stage)
            state["bar"] = click.progressbar(length=max(total, 1), label=title, file=sys.stderr,
                                             show_pos=True, show_percent=True)
            state["bar"].__enter__()
        bar = state["bar"]
        bar.length = max(total, 1)
        bar.update(max(done - bar.pos, 0))

    try:
        yield step
    finally:
        close()


def each(items, stage: str, step: Step, every: int = 200):
    """Yield the items, telling `step` how far along the stage is every `every` items and at the end."""
    total = len(items)
    step(stage, 0, total)
    for n, item in enumerate(items, start=1):
        yield item
        if n % every == 0 or n == total:
            step(stage, n, total)


def folder() -> Path:
    path = Path(current_app.instance_path) / "progress"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_path(user_id: int, job: str) -> Path | None:
    """The progress file of one person's job (None for a malformed id): another person's job is never found."""
    if not JOB_RE.match(job or ""):
        return None
    return folder() / f"{int(user_id)}-{job}.json"


def new_job() -> str:
    return secrets.token_urlsafe(16)


def file_progress(user_id: int, job: str | None) -> Step:
    """A step that keeps the job's progress in its file (at most every half second), or `silent` without a job."""
    path = job_path(user_id, job) if job else None
    if path is None:
        return silent
    sweep()
    last = {"at": 0.0, "stage": None}

    def step(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == last["stage"] and done < total and now - last["at"] < WRITE_EVERY_SECONDS:
            return
        last.update(at=now, stage=stage)
        spare = path.with_suffix(f".{os.getpid()}.tmp")
        spare.write_text(json.dumps({"stage": stage, "done": done, "total": total}), encoding="utf-8")
        spare.replace(path)  # atomic: a poll never reads half a file

    return step


def read_progress(user_id: int, job: str) -> dict | None:
    """What a person's page shows about its job: a Chinese sentence and a percentage (None when unknown)."""
    path = job_path(user_id, job)
    try:
        state = json.loads(path.read_text(encoding="utf-8")) if path else None
    except (FileNotFoundError, ValueError):
        state = None
    if not state:
        return None
    done, total = int(state["done"]), int(state["total"])
    percent = min(100, round(100 * done / total)) if total else None
    if total:
        shown_done, shown_total = f"{done:,}", f"{total:,}"
        message = _("%(stage)s: %(done)s of %(total)s", stage=stage_label(state["stage"]), done=shown_done,
                    total=shown_total)
    else:
        message = _("%(stage)s…", stage=stage_label(state["stage"]))
    return {"message": message, "percent": percent}


@contextmanager
def web_progress(user_id: int, job: str | None) -> Iterator[Step]:
    """The step of one request's work, its file removed when the work ends (done or failed)."""
    try:
        yield file_progress(user_id, job)
    finally:
        path = job_path(user_id, job) if job else None
        if path is not None:
            path.unlink(missing_ok=True)


def streamed(user_id: int, job: str | None, work: Callable[[Step], Iterator[bytes]]) -> Iterator[bytes]:
    """A streamed download made with its job's progress kept (a link's page polls it); the file goes at the end."""
    with web_progress(user_id, job) as step:
        yield from work(step)


def sweep(max_age_seconds: int = MAX_AGE_SECONDS) -> None:
    """Delete progress files of jobs that ended without saying so (a killed worker)."""
    cutoff = time.time() - max_age_seconds
    for path in folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            continue
