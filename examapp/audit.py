"""The append-only, hash-chained audit log of security-relevant events."""

import hashlib
import json
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime, lock_named, utcnow
from .extensions import db

AUDIT_CHAIN_LOCK = 0x41554449  # "AUDI": the advisory lock that orders appends to the chain


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")

    def compute_hash(self) -> str:
        payload = json.dumps(
            [self.prev_hash, self.at.isoformat(), self.actor_id, self.actor_name, self.action,
             self.target, self.detail, self.ip],
            ensure_ascii=False, sort_keys=True, default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(*_args):
    raise RuntimeError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(*_args):
    raise RuntimeError("audit events are append-only")


def record(action: str, *, actor=None, target: str = "", detail: dict | None = None,
           now: datetime | None = None) -> AuditEvent:
    """Append one event to the log (flushes; the caller commits)."""
    # Two requests appending at once would both link to the same predecessor and fork the chain (which
    # verify_chain then reports as tampering): the lock makes the second read the first's hash.
    lock_named(db.session, AUDIT_CHAIN_LOCK)
    last = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    entry = AuditEvent(
        at=(now or utcnow()).replace(microsecond=0),
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", "") or "",
        action=action,
        target=str(target)[:200],
        detail=detail or {},
        ip=(request.remote_addr or "") if has_request_context() else "",
        prev_hash=last or "",
    )
    entry.hash = entry.compute_hash()
    db.session.add(entry)
    db.session.flush()
    return entry


def verify_chain(session=None) -> list[int]:
    """Return the ids of events whose hash or link does not match (in the app's database, or `session`'s)."""
    broken, prev = [], ""
    for entry in (session or db.session).scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if entry.prev_hash != prev or entry.hash != entry.compute_hash():
            broken.append(entry.id)
        prev = entry.hash
    return broken
