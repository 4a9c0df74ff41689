"""The statute library (reference tables), study credits, organised sessions and case studies."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

LEVELS = ("宪法", "法律", "行政法规")
REFERENCE = {"info": {"reference": True}}


class Law(db.Model):
    """One version of one statute, identified by its MANIFEST slug (constitution-2018)."""

    __tablename__ = "laws"
    __table_args__ = REFERENCE

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    short_title: Mapped[str] = mapped_column(String(120), index=True)
    version_date: Mapped[date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(20), index=True)
    is_in_force: Mapped[bool] = mapped_column(Boolean, default=True)
    history: Mapped[str] = mapped_column(Text, default="")
    preamble: Mapped[str] = mapped_column(Text, default="")
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    source_path: Mapped[str] = mapped_column(String(300), default="")
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    articles: Mapped[list["Article"]] = relationship(
        back_populates="law", order_by="Article.ordinal", cascade="all, delete-orphan")

    @property
    def history_lines(self) -> list[str]:
        return [line for line in self.history.split("\n") if line.strip()]

    @property
    def preamble_paragraphs(self) -> list[str]:
        return [p for p in self.preamble.split("\n") if p.strip()]


class Article(db.Model):
    """One article; `number` is the integer (33), `suffix` counts inserted articles (第三十三条之一 = 1)."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("law_id", "number", "suffix"), REFERENCE)

    id: Mapped[int] = mapped_column(primary_key=True)
    law_id: Mapped[int] = mapped_column(ForeignKey("laws.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    suffix: Mapped[int] = mapped_column(Integer, default=0)
    ordinal: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    chapter: Mapped[str] = mapped_column(String(200), default="")
    section: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    source_line: Mapped[int] = mapped_column(Integer, default=0)

    law: Mapped[Law] = relationship(back_populates="articles")

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()]


class StudyRequirement(TimestampMixin, db.Model):
    """The yearly study rule an admin sets (one row per year)."""

    __tablename__ = "study_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    credits_required: Mapped[float] = mapped_column(Float, default=10.0)
    hours_required: Mapped[float] = mapped_column(Float, default=40.0)
    leader_sessions_required: Mapped[int] = mapped_column(Integer, default=2)
    daily_cap_minutes: Mapped[int] = mapped_column(Integer, default=120)
    minutes_per_credit: Mapped[int] = mapped_column(Integer, default=30)
    case_credits: Mapped[float] = mapped_column(Float, default=0.5)
    session_hours: Mapped[float] = mapped_column(Float, default=2.0)
    # Practice: one credit per this many counted correct answers (0 = practice earns none), capped per day.
    practice_answers_per_credit: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    practice_daily_cap: Mapped[float] = mapped_column(Float, default=1.0, server_default="1")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class StudyCredit(db.Model):
    """Study time and finished cases of one person, for one law, on one (local) day."""

    __tablename__ = "study_credits"
    __table_args__ = (UniqueConstraint("user_id", "law_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    law_id: Mapped[int] = mapped_column(ForeignKey("laws.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    cases: Mapped[int] = mapped_column(Integer, default=0)
    # First correct practice answers to a question that day (see practice.answering), within the daily cap.
    practice_answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    law: Mapped[Law] = relationship()


class StudyPresence(db.Model):
    """The last reading heartbeat of a person: credit is only given for the gap since a visible one."""

    __tablename__ = "study_presence"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    law_id: Mapped[int | None] = mapped_column(ForeignKey("laws.id"))
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    was_active: Mapped[bool] = mapped_column(Boolean, default=False)


study_session_laws = db.Table(
    "study_session_laws",
    db.Column("session_id", ForeignKey("study_sessions.id", ondelete="CASCADE"), primary_key=True),
    db.Column("law_id", ForeignKey("laws.id"), primary_key=True),
)


class StudySession(TimestampMixin, db.Model):
    """An organised study session (集中学法) or a lecture, recorded by a unit admin."""

    __tablename__ = "study_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="organised")
    held_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(200))
    speaker: Mapped[str] = mapped_column(String(80), default="")
    hours: Mapped[float] = mapped_column(Float, default=2.0)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit = relationship("Unit")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    laws: Mapped[list[Law]] = relationship(secondary=study_session_laws, order_by=Law.id)
    attendances: Mapped[list["StudyAttendance"]] = relationship(
        back_populates="session", cascade="all, delete-orphan")


class StudyAttendance(db.Model):
    __tablename__ = "study_attendances"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    session: Mapped[StudySession] = relationship(back_populates="attendances")
    user = relationship("User")


class CaseStudy(TimestampMixin, db.Model):
    """A case study (以案释法): a scenario, its analysis and the articles it turns on."""

    __tablename__ = "case_studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[str] = mapped_column(Text)
    analysis: Mapped[str] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(20), default="app")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    links: Mapped[list["CaseArticle"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseArticle.position")


class CaseArticle(db.Model):
    """A link from a case to an article (by law and article number), with the words it turns on."""

    __tablename__ = "case_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_studies.id", ondelete="CASCADE"), index=True)
    law_id: Mapped[int] = mapped_column(ForeignKey("laws.id"), index=True)
    article_number: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    case: Mapped[CaseStudy] = relationship(back_populates="links")
    law: Mapped[Law] = relationship()


class CaseCompletion(db.Model):
    __tablename__ = "case_completions"
    __table_args__ = (UniqueConstraint("user_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_studies.id", ondelete="CASCADE"), index=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfflineStudyBatch(db.Model):
    """Reading time earned without a connection and sent later; one row per batch, so a resend credits nothing."""

    __tablename__ = "offline_study_batches"
    __table_args__ = (UniqueConstraint("user_id", "batch_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    batch_key: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds_claimed: Mapped[int] = mapped_column(Integer, default=0)
    seconds_credited: Mapped[int] = mapped_column(Integer, default=0)
