"""Uploads kept between the import preview and the confirmation (instance/bank-imports/).

The preview's checked result is kept beside its upload (`remember`, see examapp.checked), stamped with the
upload's digest, the options it was checked under, the bank's generation (which every change to a question
or version bumps) and the statutes; the confirmation writes that result (`recall`) unless anything in the stamp differs.

An upload is deleted when its import is confirmed, when it cannot be read at all, and otherwise (rejected
or abandoned) after MAX_AGE_SECONDS: every use of this folder sweeps it, and `questions sweep-uploads`
does it from cron, so no uploaded file outlives a day.
"""

import re
import secrets
import time
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from .. import checked
from ..errors import NotFound
from .generation import current_generation

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_AGE_SECONDS = 6 * 3600  # long enough to fix a file and confirm; far inside a day


def folder() -> Path:
    path = Path(current_app.instance_path) / "bank-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def paths(user_id: int, token: str) -> tuple[Path, Path]:
    if not TOKEN_RE.match(token or ""):
        raise NotFound(_("This upload has expired or does not exist."))
    base = folder() / f"{int(user_id)}-{token}"
    return base.with_suffix(".bin"), base.with_suffix(".name")


def checked_path(user_id: int, token: str) -> Path:
    return paths(user_id, token)[0].with_suffix(".checked")


def keep(user_id: int, data: bytes, filename: str) -> str:
    """Store an upload for this user; return its random token."""
    sweep()
    token = secrets.token_urlsafe(24)
    data_path, name_path = paths(user_id, token)
    data_path.write_bytes(data)
    name_path.write_text(Path(filename).name[:200] or "upload", encoding="utf-8")
    return token


def fetch(user_id: int, token: str) -> tuple[bytes, str]:
    """Return (data, filename) of this user's upload, or raise NotFound (also for others' tokens)."""
    sweep()
    data_path, name_path = paths(user_id, token)
    if not data_path.is_file():
        raise NotFound(_("This upload has expired or does not exist."))
    return data_path.read_bytes(), name_path.read_text(encoding="utf-8")


def drop(user_id: int, token: str) -> None:
    for path in (*paths(user_id, token), checked_path(user_id, token)):
        path.unlink(missing_ok=True)


def stamp(data: bytes, skip_unsupported: bool, skip_duplicates: bool) -> dict | None:
    """What a checked result depends on, read before checking (None when the bank has no generation row): the
    upload, the options, the bank and the statutes its citations were checked against."""
    from sqlalchemy import func, select

    from ..extensions import db
    from ..study.models import Article, Law

    generation = current_generation()
    if generation is None:
        return None
    laws = db.session.execute(select(func.count(Law.id), func.max(Law.id))).one()
    articles = db.session.execute(select(func.count(Article.id), func.max(Article.id))).one()
    return {"digest": checked.digest(data), "skip_unsupported": bool(skip_unsupported),
            "skip_duplicates": bool(skip_duplicates), "generation": generation, "laws": [*laws, *articles]}


def remember(user_id: int, token: str, mark: dict | None, state: dict) -> None:
    """Keep a preview's checked result for the confirmation (examapp.checked)."""
    checked.keep(checked_path(user_id, token), mark, state)


def recall(user_id: int, token: str, mark: dict | None) -> dict | None:
    """The result kept by `remember` under the same stamp, or None (then the caller checks again)."""
    return checked.recall(checked_path(user_id, token), mark)


def sweep(max_age_seconds: int = MAX_AGE_SECONDS, now: float | None = None) -> int:
    """Delete uploads (rejected or abandoned) older than the limit; return how many files went."""
    cutoff = (time.time() if now is None else now) - max_age_seconds
    removed = 0
    for path in folder().iterdir():
        try:
            if path.suffix in (".bin", ".name", ".checked", ".tmp") and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        except FileNotFoundError:  # another worker swept it first
            continue
    return removed
