"""Certificates (合格证书): one per passed counted attempt, signed, revocable."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db
from ..org.models import User

GRADES = ("pass", "excellent")


class Certificate(db.Model):
    """A snapshot of what was certified; the signature covers `content()`."""

    __tablename__ = "certificates"
    __table_args__ = (
        # Reports find each person's first valid certificate of an exam from this index alone.
        Index("ix_certificates_exam_user_valid", "exam_id", "user_id", "id",
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
        # One valid certificate per attempt; a revoked one stays on record (verification answers 已撤销)
        # and the same attempt, passing again after a correction, earns a new certificate and serial.
        Index("uq_certificates_attempt_valid", "attempt_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"))
    holder_name: Mapped[str] = mapped_column(String(80))
    unit_name: Mapped[str] = mapped_column(String(600), default="")
    exam_title: Mapped[str] = mapped_column(String(200))
    exam_year: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(12), default="pass")
    passed_on: Mapped[date] = mapped_column(Date)
    is_qualification: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    signature: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    holder: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def content(self) -> dict:
        """Return the canonical, signed content of this certificate."""
        return {
            "serial": self.serial, "user_id": self.user_id, "holder_name": self.holder_name,
            "unit_name": self.unit_name, "exam_id": self.exam_id, "exam_title": self.exam_title,
            "exam_year": self.exam_year, "score": f"{self.score:.2f}",
            "max_score": f"{self.max_score:.2f}", "grade": self.grade,
            "passed_on": self.passed_on.isoformat(), "is_qualification": bool(self.is_qualification),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today


from . import handlers  # noqa: E402,F401  (connects the attempt_finished handler at import)
