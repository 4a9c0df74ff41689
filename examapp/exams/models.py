"""Exams, their attempts, the frozen paper items, overrides and integrity events."""

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db
from ..org.models import User

POINTS = Numeric(8, 2)
IN_PROGRESS, FINISHED = "in_progress", "finished"
REVIEW_POLICIES = ("after_submit", "after_close", "never")
COUNTED_RULES = ("highest", "latest")
MULTIPLE_RULES = ("all_or_nothing", "partial")
OVERRIDE_KINDS = ("extra_time", "extra_attempt", "reopen")
# Leaving the exam page: always recorded; "warn" says so on every return; "submit" finishes after too many.
LEAVE_POLICIES = ("record", "warn", "submit")


class Exam(TimestampMixin, db.Model):
    """One exam: window, marks, attempts, audience, eligibility, review policy and blueprint."""

    __tablename__ = "exams"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)  # draft/published
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    makeup_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    makeup_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    pass_mark: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(60))
    excellent_mark: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(90))
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    counted_rule: Mapped[str] = mapped_column(String(10), default="highest")
    multiple_rule: Mapped[str] = mapped_column(String(20), default="all_or_nothing")
    partial_share: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("0.5"))
    review_policy: Mapped[str] = mapped_column(String(20), default="after_submit")
    review_shows_key: Mapped[bool] = mapped_column(Boolean, default=True)
    counts_toward_record: Mapped[bool] = mapped_column(Boolean, default=True)
    is_qualification: Mapped[bool] = mapped_column(Boolean, default=False)
    certificate_valid_months: Mapped[int | None] = mapped_column(Integer)
    leave_policy: Mapped[str] = mapped_column(String(10), default="record", server_default="record")
    leave_limit: Mapped[int | None] = mapped_column(Integer)  # policy "submit": leaves allowed; one more submits
    # While the exam is open to a learner, the questions it can draw stay out of that learner's practice.
    is_kept_out_of_practice: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Papers draw from confidential (exam-only) questions; public ones only by the examiner's explicit choice.
    allows_public_questions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # {"unit_ids": [..], "roles": [..], "leaders": bool, "grid_workers": bool, "enforcement": bool}
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"study_credits": true} -> this year's study credits must be reached
    eligibility: Mapped[dict] = mapped_column(JSON, default=dict)
    # list of rules: {"variant","section","law","chapter","tag","type","difficulty","audience","count","points"}
    blueprint: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.status == "published"


class DrawPool(db.Model):
    """One rule's pool of question ids as a paper was drawn from it, stored once and named by its digest.

    Every attempt's draw record names the pools it drew from instead of carrying them (5,000 ids are about
    30 kB of JSON; a province's million attempts drawn from the same few pools would store 30 GB).
    """

    __tablename__ = "draw_pools"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the comma-joined sorted ids
    size: Mapped[int] = mapped_column(Integer)
    question_ids: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attempt(db.Model):
    """One person's sitting of an exam; in_progress -> finished only through finish()."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("exam_id", "user_id", "number", name="uq_attempts_exam_user_number"),
        # At most one open attempt per person and exam, enforced by the database.
        Index("uq_attempts_one_open", "exam_id", "user_id", unique=True,
              sqlite_where=text("state = 'in_progress'"), postgresql_where=text("state = 'in_progress'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS, index=True)
    is_makeup: Mapped[bool] = mapped_column(Boolean, default=False)
    variant: Mapped[str] = mapped_column(String(30), default="default")
    seed: Mapped[int] = mapped_column(BigInteger)
    # Pools and picks, for audit/reproduction: tens of kB on a large bank and never needed to answer or score,
    # so it is loaded only when read (an autosave would otherwise parse it every time).
    draw: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finish_reason: Mapped[str] = mapped_column(String(20), default="")  # submitted/overdue/left_page
    score: Mapped[Decimal | None] = mapped_column(POINTS)
    max_score: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))
    passed: Mapped[bool | None] = mapped_column(Boolean)
    excellent: Mapped[bool | None] = mapped_column(Boolean)
    leave_count: Mapped[int] = mapped_column(Integer, default=0)  # leaves that lasted long enough to count

    exam: Mapped[Exam] = relationship()
    user: Mapped[User] = relationship()
    items: Mapped[list["AttemptItem"]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan")

    @property
    def is_finished(self) -> bool:
        return self.state == FINISHED

    def accepts_answers(self, now: datetime, grace_seconds: int) -> bool:
        """True while open and not past the deadline plus the grace."""
        return self.state == IN_PROGRESS and now <= self.deadline_at + timedelta(seconds=grace_seconds)

    def finish(self, *, finished_at: datetime, reason: str) -> bool:
        """Move in_progress -> finished (the only way); guarded in SQL so exactly one caller wins.

        Two tabs, a double click or a retried request race here: the UPDATE ... WHERE
        state='in_progress' row-locks on PostgreSQL and only one transaction sees a row change.
        """
        if self.state != IN_PROGRESS:
            return False
        result = db.session.execute(
            update(Attempt).where(Attempt.id == self.id, Attempt.state == IN_PROGRESS)
            .values(state=FINISHED, finished_at=finished_at, finish_reason=reason)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            db.session.expire(self)
            return False
        db.session.expire(self, ["state", "finished_at", "finish_reason"])
        return True

    def record_result(self, *, score: Decimal, max_score: Decimal, passed: bool, excellent: bool) -> None:
        """Store the marks of a finished attempt (also used by regrading)."""
        if self.state != FINISHED:
            raise ValueError("only a finished attempt has a result")
        self.score, self.max_score, self.passed, self.excellent = score, max_score, passed, excellent
        from .results import refresh  # the reports' summary follows every result, in the same transaction

        refresh(self.exam, self.user_id)


class AttemptItem(db.Model):
    """One question on a person's paper, frozen at start: version, option order, key, points, answer."""

    __tablename__ = "attempt_items"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position", name="uq_attempt_items_position"),
        UniqueConstraint("attempt_id", "question_id", name="uq_attempt_items_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(120), default="")
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    # The version whose key graded this item, when a regrade applied a corrected key (else None).
    graded_version_id: Mapped[int | None] = mapped_column(ForeignKey("question_versions.id"))
    type: Mapped[str] = mapped_column(String(20))
    points: Mapped[Decimal] = mapped_column(POINTS)
    # What the learner sees: {"stem", "options": [{"key","text"}], "subquestions": [...]} (no key).
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    option_order: Mapped[list] = mapped_column(JSON, default=list)  # original keys in display order
    key: Mapped[object] = mapped_column(JSON)  # answer key in display labels; never sent before finish
    answer: Mapped[object | None] = mapped_column(JSON)
    answer_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # client sequence (may be a ms timestamp)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    is_correct: Mapped[bool | None] = mapped_column(Boolean)
    awarded: Mapped[Decimal | None] = mapped_column(POINTS)

    attempt: Mapped[Attempt] = relationship(back_populates="items")


class ExamOverride(db.Model):
    """A per-person exception: extra time, an extra attempt or a reopened window, with its reason."""

    __tablename__ = "exam_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer, default=0)  # extra_time
    until_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # reopen
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])


class AttemptEvent(db.Model):
    """Evidence for the examiner: page hidden/shown, focus lost, late answers refused."""

    __tablename__ = "attempt_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_at: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # A leave: when the person came back (server time), and whether it lasted long enough to count.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def away_seconds(self) -> int | None:
        """For a leave that ended: whole seconds away, by the server's clock."""
        return max(int((self.ended_at - self.at).total_seconds()), 0) if self.ended_at else None


class ExamResult(db.Model):
    """Each person's counted result of an exam, kept by Attempt.record_result (the one path that sets results).

    A summary the reports read instead of looking up every person's attempts (a province has a million):
    the counted attempt (highest score, earliest on a tie; or the latest), how many were finished, and the
    counted marks. `flask exams rebuild-results` recomputes it from the attempts.
    """

    __tablename__ = "exam_results"

    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), unique=True)
    attempts: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal] = mapped_column(POINTS)
    max_score: Mapped[Decimal] = mapped_column(POINTS)
    passed: Mapped[bool] = mapped_column(Boolean)
    excellent: Mapped[bool] = mapped_column(Boolean)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
