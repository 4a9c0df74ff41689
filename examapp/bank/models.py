"""Questions, their immutable versions and the amendment-review queue."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

TYPES = ("single", "multiple", "true_false", "blank", "case")
SUB_TYPES = ("single", "multiple", "true_false")
STATUSES = ("draft", "active", "retired")
AUDIENCES = ("all", "leaders", "enforcement", "grid")
# public: published for study and practice (the shipped bank); confidential: exam-only.
PUBLIC, CONFIDENTIAL = "public", "confidential"
VISIBILITIES = (PUBLIC, CONFIDENTIAL)
# What an examiner can do with a review item.
REVIEW_OPEN, REVIEW_CONFIRMED, REVIEW_EDITED = "open", "confirmed", "edited"


class Question(TimestampMixin, db.Model):
    """A question's identity; its content lives in versions."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    law_slug: Mapped[str] = mapped_column(String(100), index=True, default="")
    type: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default="active")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    visibility: Mapped[str] = mapped_column(String(20), index=True, default=CONFIDENTIAL,
                                            server_default=CONFIDENTIAL)
    # use_alter: questions and versions point at each other; SET NULL lets a table wipe (tests) go in any order.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_versions.id", use_alter=True, name="fk_questions_current_version_id",
                   ondelete="SET NULL"))

    current: Mapped["QuestionVersion | None"] = relationship(foreign_keys=[current_version_id], post_update=True)
    versions: Mapped[list["QuestionVersion"]] = relationship(
        back_populates="question", foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.number")


class QuestionVersion(db.Model):
    """One immutable state of a question; exams and attempts point here."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number", name="uq_question_versions_question_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    number: Mapped[int] = mapped_column(Integer, default=1)
    type: Mapped[str] = mapped_column(String(20))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON, default=list)
    answer: Mapped[object] = mapped_column(JSON, nullable=True)
    explanation: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[list] = mapped_column(JSON, default=list)
    chapter: Mapped[str] = mapped_column(String(200), default="", index=True)
    # False for questions imported from other tools without a legal basis (listed for examiners).
    has_basis: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    difficulty: Mapped[int] = mapped_column(Integer, default=3, index=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    # "|tag1|tag2|": lets SQLite and PostgreSQL filter by tag with one LIKE.
    tag_index: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(20), default="all", index=True)
    subquestions: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # Normalised stem+options digest: finds exact duplicates without loading every version.
    fingerprint: Mapped[str] = mapped_column(String(64), default="", index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    question: Mapped[Question] = relationship(back_populates="versions", foreign_keys=[question_id])

    def content(self) -> dict:
        """Return the version's content as a plain question dict."""
        return {
            "type": self.type, "stem": self.stem, "options": self.options or [], "answer": self.answer,
            "explanation": self.explanation or "", "basis": self.basis or [], "difficulty": self.difficulty,
            "tags": self.tags or [], "audience": self.audience, "subquestions": self.subquestions,
        }


@event.listens_for(QuestionVersion, "before_update")
def _versions_are_immutable(_mapper, _connection, target):
    raise RuntimeError("question versions are immutable; create a new version")


class QuestionReview(db.Model):
    """A question flagged 待复核 because an article it cites changed in a new law version."""

    __tablename__ = "question_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    old_law: Mapped[str] = mapped_column(String(100))
    new_law: Mapped[str] = mapped_column(String(100))
    # [{"article": old number, "new_article": number|None, "status": "changed"|"moved"|"removed"}]
    changes: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=REVIEW_OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    question: Mapped[Question] = relationship()
    version: Mapped[QuestionVersion] = relationship()


# Learners' error reports (纠错): open until an examiner fixes the question (a new version) or dismisses it.
REPORT_OPEN, REPORT_FIXED, REPORT_DISMISSED = "open", "fixed", "dismissed"
REPORT_REASONS = ("key", "explanation", "stem", "basis", "other")
REPORT_SOURCES = ("practice", "exam")


class QuestionReport(db.Model):
    """A learner's report that a question they were shown with its feedback or review is wrong."""

    __tablename__ = "question_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))  # the version the learner saw
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # practice | exam
    attempt_id: Mapped[int | None] = mapped_column(Integer)  # the exam attempt whose review showed it
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=REPORT_OPEN, index=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    fixed_version_id: Mapped[int | None] = mapped_column(ForeignKey("question_versions.id"))

    question: Mapped[Question] = relationship()
    version: Mapped[QuestionVersion] = relationship(foreign_keys=[version_id])
    user = relationship("User", foreign_keys=[user_id])
