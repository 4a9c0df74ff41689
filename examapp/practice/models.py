"""Practice: FSRS cards, served questions, answers, the wrong-answer book, question sets and settings."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db

# Where a served question came from (a set, a filter, the book or an article page).
MODES = ("daily", "random", "filter", "book", "review")
# Ratings as stored (the fsrs package's Rating values: Again=1, Hard=2, Good=3, Easy=4).
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
# Wrong-answer book entry states: in the book, left by two right reviews, removed by hand.
IN_BOOK, CLEARED, REMOVED = "in_book", "cleared", "removed"


class PracticeCard(db.Model):
    """One learner's FSRS card for one question (the question, not a version: edits keep the card)."""

    __tablename__ = "practice_cards"
    __table_args__ = (UniqueConstraint("user_id", "question_id", name="uq_practice_cards_user_question"),
                      Index("ix_practice_cards_user_due", "user_id", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # indexed by uq_…_user_question
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    # The fsrs package's own Card.to_dict(); due_at and the figures below are copies for queries.
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stability: Mapped[float | None] = mapped_column(Float)
    last_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)


class PracticeServe(db.Model):
    """A question handed to a learner; only a served question can be answered (no key fishing)."""

    __tablename__ = "practice_serves"
    __table_args__ = (Index("ix_practice_serves_user_question", "user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    mode: Mapped[str] = mapped_column(String(20), default="filter")
    # The filter or set the question was served for: reloading the page shows the same question.
    scope_key: Mapped[str] = mapped_column(String(300), default="")
    set_id: Mapped[int | None] = mapped_column(ForeignKey("practice_sets.id", ondelete="SET NULL"))
    served_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by answers given before 2026-12-02 only: a serve is answered when practice_answers has its row
    # (picking.answered(); serve_id is unique there, so that INSERT is also the claim against a double tap).
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PracticeAnswer(db.Model):
    """One answer given in practice, with its rating; the history the mastery map and streaks read."""

    __tablename__ = "practice_answers"
    __table_args__ = (Index("ix_practice_answers_user_day", "user_id", "day"),
                      Index("ix_practice_answers_question_correct", "question_id", "is_correct"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # indexed by ix_…_user_day
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    serve_id: Mapped[int] = mapped_column(ForeignKey("practice_serves.id", ondelete="CASCADE"), unique=True)
    answer: Mapped[object | None] = mapped_column(JSON)
    is_correct: Mapped[bool] = mapped_column(Boolean)
    rating: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(Integer, default=0)  # from serving to answering, on the server clock
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    day: Mapped[date] = mapped_column(Date)  # the site-time-zone day (streaks, credits, the book's exit rule)
    is_credited: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the card's next due date after this answer


class BookEntry(db.Model):
    """A question in a learner's wrong-answer book (错题本)."""

    __tablename__ = "practice_book"
    __table_args__ = (UniqueConstraint("user_id", "question_id", name="uq_practice_book_user_question"),
                      Index("ix_practice_book_user_status", "user_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    status: Mapped[str] = mapped_column(String(20), default=IN_BOOK)
    wrong_count: Mapped[int] = mapped_column(Integer, default=0)
    exam_wrong_count: Mapped[int] = mapped_column(Integer, default=0)
    first_wrong_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_wrong_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_wrong_day: Mapped[date] = mapped_column(Date)
    # Right answers on distinct later days since the last wrong one; two take the question out.
    right_days: Mapped[int] = mapped_column(Integer, default=0)
    last_right_day: Mapped[date | None] = mapped_column(Date)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExamBookImport(db.Model):
    """An exam attempt whose wrong answers went into its owner's book (each attempt once)."""

    __tablename__ = "practice_exam_imports"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeSet(db.Model):
    """A fixed list of questions: the day's 每日一练 (one per learner and day) or a 随机 10 题 round."""

    __tablename__ = "practice_sets"
    __table_args__ = (Index("uq_practice_sets_daily", "user_id", "day", unique=True,
                            sqlite_where=db.text("kind = 'daily'"), postgresql_where=db.text("kind = 'daily'")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # daily | random
    day: Mapped[date] = mapped_column(Date)
    question_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeSettings(db.Model):
    """Site-wide practice settings an admin sets (one row)."""

    __tablename__ = "practice_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
