"""The common autosave in one or two statements, every check of the full path made in SQL or just after it.

Anything not plain returns None having changed nothing, and the caller takes attempts.save_answer's full path.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Boolean, and_, bindparam, case, cast, func, literal, literal_column, or_, select, true, update
from sqlalchemy.dialects.postgresql import JSONB

from ..auth.tokens import identity, token_owner
from ..db import lock_for_writing
from ..errors import Invalid
from ..extensions import db
from .availability import grace_seconds
from .models import IN_PROGRESS, Attempt, AttemptItem
from .validation import MAX_BLANK_CHARS, check_value, parse_ref


@dataclass
class QuickSave:
    """What a stored autosave answers with."""

    seq: int
    answer: object
    flagged: bool
    deadline_at: datetime


@cache
def _quick_statements(by_token: bool = False):
    """quick_save's two statements, built once per process (bound parameters only)."""
    attempts, items = Attempt.__table__, AttemptItem.__table__
    read = (select(items.c.id, items.c.type, items.c.content, items.c.answer_seq, items.c.is_flagged,
                   attempts.c.state, attempts.c.deadline_at)
            .join(attempts, attempts.c.id == items.c.attempt_id)
            .where(items.c.attempt_id == bindparam("q_attempt"), items.c.question_id == bindparam("q_question"),
                   attempts.c.user_id == token_owner(by_token)))
    # The attempt is still open, checked under the write lock (SQLite) or a share lock a submit must wait for
    # (PostgreSQL, FOR SHARE in the subquery): a submit either scores this answer or finds it refused.
    # The state as a literal: bound, it would make SQLite prepare the statement again on every save (the
    # partial index uq_attempts_one_open depends on it).
    still_open = (select(literal(1)).where(attempts.c.id == bindparam("q_attempt"),
                                           attempts.c.state == literal_column(f"'{IN_PROGRESS}'"),
                                           attempts.c.deadline_at >= bindparam("q_cutoff"))
                  .with_for_update(read=True).exists())
    write = (update(items)
             .where(items.c.id == bindparam("q_item"), items.c.answer_seq == bindparam("q_read_seq"), still_open)
             .values(answer=bindparam("q_answer"), answered_at=bindparam("q_now"), answer_seq=bindparam("q_seq"),
                     is_flagged=func.coalesce(bindparam("q_flagged", type_=Boolean), items.c.is_flagged)))
    return read, write


# quick_save's PostgreSQL write, by the kind of JSON value sent: the item types whose answer it could be.
CANDIDATE_TYPES = {"text": ("single",), "bool": ("true_false",), "list": ("multiple", "blank"),
                   "null": ("single", "multiple", "true_false", "blank")}
# Longer values take the full path (validated before writing); a blank's answer is never longer than a text here.
CANDIDATE_LIST_LIMIT, CANDIDATE_TEXT_LIMIT = 50, MAX_BLANK_CHARS


def candidate_kind(answer) -> str | None:
    """Which of CANDIDATE_TYPES a sent answer could fit, judged by its JSON kind and size alone; None: full path."""
    if answer is None:
        return "null"
    if isinstance(answer, bool):
        return "bool"
    if isinstance(answer, str):
        return "text" if plain_text(answer) else None
    if isinstance(answer, list) and len(answer) <= CANDIDATE_LIST_LIMIT and all(plain_text(v) for v in answer):
        return "list"
    return None


def plain_text(value) -> bool:
    """Short text without NUL (which PostgreSQL's jsonb, in which _fits compares, refuses): the full path's."""
    return isinstance(value, str) and len(value) <= CANDIDATE_TEXT_LIMIT and "\x00" not in value


def _fits(kind: str):
    """PostgreSQL: the answer fits its item as validation.check_value judges it, for a value of this JSON kind.

    A choice is among the item's option keys (its options contain {"key": value} for each value sent, q_keys);
    a blank answer has one string per blank (each no longer than MAX_BLANK_CHARS: candidate_kind refuses longer
    ones); true/false and clearing fit any item they are a candidate for.
    """
    items = AttemptItem.__table__
    content = cast(items.c.content, JSONB)
    keys_known = content["options"].contains(bindparam("q_keys", type_=JSONB))
    if kind == "text":
        return keys_known
    if kind == "list":
        return or_(and_(items.c.type == literal_column("'multiple'"), keys_known),
                   and_(items.c.type == literal_column("'blank'"),
                        content["blanks"] == bindparam("q_count", type_=JSONB)))
    return true()


@cache
def _pg_write(kind: str, by_token: bool = False):
    """PostgreSQL: the checks of quick_save's read and of the answer's shape folded into its UPDATE.

    Owner (or token and person: token_owner), open, deadline (share-locked, as in the two-statement write), not a
    case question, a type the value's JSON kind could fit, the value fitting that item, and the sequence (a
    stale seq writes nothing), all in one statement: whatever it writes is what the full path would store.
    """
    attempts, items = Attempt.__table__, AttemptItem.__table__
    owned_and_open = (select(literal(1)).where(attempts.c.id == bindparam("q_attempt"),
                                               attempts.c.user_id == token_owner(by_token),
                                               attempts.c.state == literal_column(f"'{IN_PROGRESS}'"),
                                               attempts.c.deadline_at >= bindparam("q_cutoff"))
                      .with_for_update(read=True).exists())
    deadline = select(attempts.c.deadline_at).where(attempts.c.id == items.c.attempt_id).scalar_subquery()
    given_seq = bindparam("q_seq", type_=items.c.answer_seq.type)
    answer_type = items.c.answer.type
    return (update(items)
            .where(items.c.attempt_id == bindparam("q_attempt"), items.c.question_id == bindparam("q_question"),
                   items.c.type.in_([literal_column(f"'{t}'") for t in CANDIDATE_TYPES[kind]]), _fits(kind),
                   or_(given_seq.is_(None), items.c.answer_seq < given_seq), owned_and_open)
            .values(answer=case((items.c.type == literal_column("'multiple'"),
                                 bindparam("q_as_multiple", type_=answer_type)),
                                else_=bindparam("q_answer", type_=answer_type)),
                    answered_at=bindparam("q_now"), answer_seq=func.coalesce(given_seq, items.c.answer_seq + 1),
                    is_flagged=func.coalesce(bindparam("q_flagged", type_=Boolean), items.c.is_flagged))
            .returning(items.c.type, items.c.answer_seq, items.c.is_flagged, deadline.label("deadline_at")))


def quick_save_pg(user_id: int | None, attempt_id: int, question_id: int, answer, now: datetime, seq: int | None,
                  flagged: bool | None, token_hash: str | None = None) -> QuickSave | None:
    """quick_save on PostgreSQL: one UPDATE that makes every check, the answer's shape included.

    The value is written as the question type would store it (a multiple choice as a sorted set). When the save
    is the request's first work (the token autosave, before the hooks), the statement runs on its own
    (autocommit): one round trip, no BEGIN and no COMMIT. When it writes nothing, the full path answers.
    """
    kind = candidate_kind(answer)
    if kind is None:
        return None
    as_multiple = sorted(set(answer)) or None if kind == "list" else answer
    alone = not db.session().in_transaction()
    connection = db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"} if alone else None)
    row = connection.execute(_pg_write(kind, token_hash is not None), {
        **identity(user_id, token_hash, now), "q_attempt": attempt_id, "q_question": question_id,
        "q_cutoff": now - timedelta(seconds=grace_seconds()), "q_answer": answer, "q_as_multiple": as_multiple,
        "q_keys": [{"key": value} for value in sorted(set(answer))] if kind == "list" else [{"key": answer}],
        "q_count": len(answer) if kind == "list" else None,
        "q_now": now, "q_seq": seq, "q_flagged": flagged}).first()
    if row is None:
        if alone:
            db.session.rollback()  # end the autocommit connection's use: the full path takes a new transaction
        return None
    return QuickSave(row.answer_seq, as_multiple if row.type == "multiple" else answer, row.is_flagged,
                     row.deadline_at)


def quick_save(user_id: int | None, attempt_id: int, ref: str, answer, now: datetime, seq: int | None = None,
               flagged: bool | None = None, token_hash: str | None = None) -> QuickSave | None:
    """The common autosave in two statements (one on PostgreSQL: quick_save_pg), holding the write lock only for
    the second.

    Reads the item with its attempt (no lock), checks ownership, the deadline, the answer's shape and the
    sequence, then writes with one UPDATE guarded by the sequence it read and by the attempt still being open
    (re-checked under the lock). Returns None, having changed nothing, whenever anything is not plain — not
    the owner, finished or late, a case sub-question, a stale or racing sequence, an answer that does not fit
    — and the caller takes save_answer's full path, which gives the exact answer (404, 409, 422, stored: false)
    and keeps late answers as evidence.
    """
    question_id, sub = parse_ref(ref)
    if sub is not None:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        return quick_save_pg(user_id, attempt_id, question_id, answer, now, seq, flagged, token_hash)
    read, write = _quick_statements(token_hash is not None)
    connection = db.session.connection()
    row = connection.execute(read, {**identity(user_id, token_hash, now), "q_attempt": attempt_id,
                                    "q_question": question_id}).first()
    if (row is None or row.state != IN_PROGRESS or row.type == "case"
            or now > row.deadline_at + timedelta(seconds=grace_seconds())
            or (seq is not None and seq <= row.answer_seq)):
        return None
    try:
        value = check_value(row.type, row.content, answer)
    except Invalid:
        return None
    new_seq = seq if seq is not None else row.answer_seq + 1
    lock_for_writing(db.session)  # SQLite: BEGIN IMMEDIATE now, after the read, for the one UPDATE
    written = connection.execute(write, {
        "q_item": row.id, "q_read_seq": row.answer_seq, "q_attempt": attempt_id,
        "q_cutoff": now - timedelta(seconds=grace_seconds()), "q_answer": value, "q_now": now, "q_seq": new_seq,
        "q_flagged": flagged})
    if written.rowcount != 1:
        return None
    return QuickSave(new_seq, value, row.is_flagged if flagged is None else flagged, row.deadline_at)
