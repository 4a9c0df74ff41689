"""The append-only, hash-chained audit log of security-relevant events."""

import hashlib
import json
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime, insert_many, lock_named, utcnow
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
        return chain_hash(self.prev_hash, self.at, self.actor_id, self.actor_name, self.action, self.target,
                          self.detail, self.ip)


def chain_hash(prev_hash: str, at: datetime, actor_id, actor_name: str, action: str, target: str, detail,
               ip: str) -> str:
    """The hash that links an event to the one before it (over every field a reader sees)."""
    payload = json.dumps([prev_hash, at.isoformat(), actor_id, actor_name, action, target, detail, ip],
                         ensure_ascii=False, sort_keys=True, default=str)
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
    entry = AuditEvent(**chained(action, [(target, detail)], actor, now)[0])
    db.session.add(entry)
    db.session.flush()
    return entry


def record_many(action: str, events: list[tuple[str, dict | None]], *, actor=None,
                now: datetime | None = None) -> None:
    """Append one event per (target, detail), in order, each linked to the one before (one INSERT for all).

    An import of 50,000 people appends 50,000 events: they take the chain's lock and read its last hash
    once and are written by one executemany, instead of one lock, read and flush each.
    """
    if events:
        insert_many(db.session, AuditEvent, chained(action, events, actor, now))


def chained(action: str, events: list[tuple[str, dict | None]], actor, now: datetime | None) -> list[dict]:
    """The rows of new events, each carrying the hash of the one before, the first linked to the log's last."""
    # Two requests appending at once would both link to the same predecessor and fork the chain (which
    # verify_chain then reports as tampering): the lock makes the second read the first's hash.
    lock_named(db.session, AUDIT_CHAIN_LOCK)
    last = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or ""
    at = (now or utcnow()).replace(microsecond=0)
    actor_id, actor_name = getattr(actor, "id", None), getattr(actor, "username", "") or ""
    ip = (request.remote_addr or "") if has_request_context() else ""
    rows = []
    for target, detail in events:
        row = {"at": at, "actor_id": actor_id, "actor_name": actor_name, "action": action,
               "target": str(target)[:200], "detail": detail or {}, "ip": ip, "prev_hash": last}
        row["hash"] = last = chain_hash(**row)
        rows.append(row)
    return rows


def verify_chain(session=None) -> list[int]:
    """Return the ids of events whose hash or link does not match (in the app's database, or `session`'s)."""
    broken, prev = [], ""
    for entry in (session or db.session).scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if entry.prev_hash != prev or entry.hash != entry.compute_hash():
            broken.append(entry.id)
        prev = entry.hash
    return broken
