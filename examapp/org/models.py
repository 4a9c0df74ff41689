"""Units (a tree kept as materialised paths) and people."""

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

ONE_TIME_HASH_METHOD = "pbkdf2:sha256:100"
ROLES = ("learner", "unit_admin", "examiner", "hr", "admin")
STATUSES = ("active", "transferred_out", "retired", "exempt")


class Unit(TimestampMixin, db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), index=True, default="")
    full_name: Mapped[str] = mapped_column(String(600), index=True, default="")
    kind: Mapped[str] = mapped_column(String(20), default="office")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.sort_order")

    def place_under(self, parent: "Unit | None") -> None:
        """Set parent, materialised path and full name (the id must exist)."""
        self.parent = parent
        prefix = parent.path if parent else "/"
        self.path = f"{prefix}{self.id}/"
        self.full_name = f"{parent.full_name}/{self.name}" if parent else self.name

    def contains(self, other: "Unit | None") -> bool:
        """True when other is this unit or lies in its subtree."""
        return other is not None and other.path.startswith(self.path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


LOGIN_STATUSES = ("active", "exempt")  # who may log in (with a password or an API token)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(20), default="learner", index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    position: Mapped[str] = mapped_column(String(80), default="")
    rank: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    is_grid_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    is_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    exempt_reason: Mapped[str] = mapped_column(Text, default="")
    exempt_approved_by: Mapped[str] = mapped_column(String(80), default="")
    exempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    scope_unit: Mapped[Unit | None] = relationship(foreign_keys=[scope_unit_id])

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.session_version = (self.session_version or 0) + 1

    def set_one_time_password(self, password: str) -> None:
        """Store a password the system drew at random (generate_password: 12 of 55 symbols, about 69 bits).

        A slow hash (scrypt, tuned for ~50 ms) protects passwords people choose, which are guessable.
        A random 69-bit one is not: even at 100 PBKDF2 rounds an offline guess costs 2^69 × 200 SHA-256
        runs, hundreds of thousands of GPU-years, and the holder must replace it (hashed with scrypt) at
        the first log-in. So a batch of 50,000 first passwords takes seconds instead of 40 minutes of
        scrypt on the request. Only for generated passwords: never for one a person typed.
        """
        self.password_hash = generate_password_hash(password, method=ONE_TIME_HASH_METHOD)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version or 0}"

    @property
    def can_log_in(self) -> bool:
        return self.status in LOGIN_STATUSES

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.can_log_in

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


class RosterChange(db.Model):
    """One recorded change to a person: who, when, what, before and after."""

    __tablename__ = "roster_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class ImportBatch(db.Model):
    """The people one import created, so their first passwords can be issued together."""

    __tablename__ = "people_import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    user_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    passwords_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    passwords_issued_count: Mapped[int] = mapped_column(Integer, default=0)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
