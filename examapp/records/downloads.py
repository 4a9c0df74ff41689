"""Sending generated files: audit first, then stream with a safe file name."""

import io
import unicodedata
from urllib.parse import quote

from flask import Response, send_file, stream_with_context
from flask_login import current_user
from sqlalchemy import inspect

from ..audit import record as audit
from ..db import utcnow
from ..extensions import db

MIMETYPES = {
    "pdf": "application/pdf",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def log_download(action: str, target: str, detail: dict | None = None) -> None:
    """Record a download in the audit log and commit it before any byte is sent."""
    audit(action, actor=current_user, target=target, detail=detail or {}, now=utcnow())
    db.session.commit()


def safe_filename(name: str) -> str:
    """Drop what must never reach a file name: line breaks, control and direction characters
    (U+202E could show 'fdp.exe' as 'exe.pdf'), path separators and characters Windows refuses."""
    kept = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")
                   and ch not in '/\\:*?"<>|')
    return " ".join(kept.split())


def disposition(filename: str, kind: str, fallback: str | None = None) -> str:
    """Content-Disposition with the real (Chinese) name and a plain ASCII name for old clients."""
    filename = safe_filename(filename)
    fallback = safe_filename(fallback) if fallback else None
    ascii_name = (fallback or filename).encode("ascii", "ignore").decode().replace('"', "") or f"download.{kind}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def send_bytes(data: bytes, filename: str, kind: str, fallback: str | None = None) -> Response:
    response = send_file(io.BytesIO(data), as_attachment=True, download_name=safe_filename(filename))
    response.headers["Content-Type"] = MIMETYPES[kind]  # as is: send_file would add a second charset
    if fallback:
        response.headers["Content-Disposition"] = disposition(filename, kind, fallback)
    response.headers["Cache-Control"] = "no-store"
    return response


def reattached(chunks):
    """Run a row generator with the objects the view loaded attached to the streaming session.

    The app context's teardown removes the request's session before a streamed body is sent, so the
    user, exam and units the generator closes over would be detached and any lazy load would fail.
    """
    loaded = list(db.session.identity_map.values())

    def generate():
        for obj in loaded:
            if inspect(obj).detached:
                db.session.add(obj)
        yield from chunks

    return generate()


def send_stream(chunks, filename: str, kind: str, fallback: str | None = None) -> Response:
    """Stream a generator of bytes as an attachment (never built whole in memory)."""
    response = Response(stream_with_context(reattached(chunks)))
    response.headers["Content-Type"] = MIMETYPES[kind]
    response.headers["Content-Disposition"] = disposition(filename, kind, fallback)
    response.headers["Cache-Control"] = "no-store"
    return response
