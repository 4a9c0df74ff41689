"""The attempt lifecycle: start (draw and freeze), save, submit, overdue finalisation, evidence."""

import functools
import logging
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import make_transient_to_detached

from ..bank.generation import current_generation
from ..db import json_dumps, lock_for_writing, upsert
from ..errors import Conflict, NotFound
from ..extensions import db
from ..org.models import User
from . import draw as drawing
from .availability import deadline_for, grace_seconds, open_attempt, standing
from .bank_source import frozen_sources, rule_pools, store_pools
from .models import IN_PROGRESS, Attempt, AttemptEvent, AttemptItem, Exam
from .present import refusal_message
from .scoring import Rules, grade, score_item
from .signals import attempt_finished
from .validation import parse_ref, validate_answer

log = logging.getLogger("examapp.exams")


class KeptRefusal(Conflict):
    """A refusal after work this request must keep (an overdue attempt finished): the caller commits, then 409."""


class TooLate(KeptRefusal):
    """An answer after the deadline and grace: the caller commits the finish and evidence, then answers 409."""


def start_attempt(exam: Exam, user: User, now: datetime) -> Attempt:
    """Resume the open attempt, or draw a new paper and start one (one open per person, by the DB)."""
    return start_or_resume(exam, user, now)[0]


def start_or_resume(exam: Exam, user: User, now: datetime) -> tuple[Attempt, list | None]:
    """start_attempt, also returning the new paper's items as inserted (None when an open attempt is resumed),
    so that a reply can show them without reading back the 50 rows it has just written."""
    situation = current_standing(exam, user, now)
    if situation.open_attempt is not None:
        return situation.open_attempt, None
    if situation.reason == "not_in_audience":  # an exam not meant for this person answers as a missing one
        raise NotFound(_("The page or item was not found."))
    if not situation.can_start:  # the overdue attempt current_standing may just have finished is kept
        raise KeptRefusal(refusal_message(situation), code=situation.reason)
    # Every column is given (none left to a default), so that the row inserted below is the object as it stands.
    attempt = Attempt(exam_id=exam.id, user_id=user.id, number=situation.next_number, state=IN_PROGRESS,
                      is_makeup=situation.is_makeup, started_at=now, seed=secrets.randbits(62),
                      deadline_at=deadline_for(exam, now, situation.window_closes_at, situation.extra_minutes),
                      finished_at=None, finish_reason="", score=None, passed=None, excellent=None, leave_count=0)
    attempt.variant = drawing.choose_variant(exam.blueprint or [], is_leader=user.is_leader,
                                             is_enforcement=user.is_enforcement, is_grid=user.is_grid_worker)
    items, record, pools, generation = build_paper(exam, attempt.variant, attempt.seed)
    attempt.draw, attempt.max_score = record, sum((i["points"] for i in items), Decimal(0))
    # SQLite: wait for the write lock now, after the draw (pure work) and before the writes. Without it the
    # transaction would begin with the reads below and, when another start committed meanwhile, fail at its first
    # INSERT ("database is locked") and be run again from the start: half the presses of a synchronised start did.
    lock_for_writing(db.session)
    attempt.id = claim(attempt)
    if attempt.id is None:
        return resume_winner(exam, user), None
    store_pools(pools, now, generation)
    # Plain rows through Core (insert_items) instead of 50 ORM objects flushed one INSERT at a time (the ORM's bulk
    # path costs as much again per row); attempt.items loads them when read.
    rows = [{**item, "attempt_id": attempt.id} for item in items]
    insert_items(rows)
    # The object becomes the session's persistent attempt as inserted (every column set), without a flush.
    make_transient_to_detached(attempt)
    db.session.add(attempt)
    return attempt, [SimpleNamespace(answer=None, **row) for row in rows]


def resume_winner(exam: Exam, user: User) -> Attempt:
    """Another request for the same person claimed the open attempt first: theirs, read in this transaction."""
    winner = open_attempt(exam, user)
    if winner is None:
        raise Conflict(_("Another attempt was started at the same moment. Reload the page."), code="start_conflict")
    return winner


def claim(attempt: Attempt) -> int | None:
    """INSERT the new attempt's row unless the person's one open attempt (or its number) is taken; its id, or None.

    ON CONFLICT DO NOTHING instead of a savepoint around an INSERT that may fail: nothing is written when another
    start for the same person won (PostgreSQL waits for that transaction first and, if it committed, skips the row;
    SQLite holds the write lock), so the caller can read the winner in the same transaction, and a start costs no
    SAVEPOINT and RELEASE. Core instead of the ORM's unit of work: one object's flush costs more than its INSERT.
    """
    connection = db.session.connection()
    values = {name: getattr(attempt, name) for name in attempt_columns()}
    return connection.execute(claim_statement(connection.dialect.name), values).scalar()


@functools.cache
def attempt_columns() -> tuple[str, ...]:
    return tuple(column.key for column in Attempt.__table__.columns if column.key != "id")


@functools.cache
def claim_statement(dialect: str):
    table = Attempt.__table__
    return upsert(table, dialect).on_conflict_do_nothing().returning(table.c.id)


def insert_items(rows: list[dict]) -> None:
    """Insert a new paper's rows. PostgreSQL: as one statement with one parameter, the rows as a JSON array that
    the server unpacks (json_to_recordset); psycopg would otherwise send one INSERT per row, each with a dozen
    parameters to adapt. SQLite: one executemany, a C loop over one prepared statement."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(AttemptItem.__table__), rows)
        return
    connection.execute(items_from_json(tuple(rows[0])), {"rows": json_dumps(rows, decimals=True)})


@functools.cache
def items_from_json(names: tuple[str, ...]):
    """INSERT INTO attempt_items (names) SELECT names FROM json_to_recordset(:rows) AS r(each name's type)."""
    table, dialect = AttemptItem.__table__, postgresql.dialect()
    columns = ", ".join(f'"{name}"' for name in names)
    spec = ", ".join(f'"{name}" {table.c[name].type.compile(dialect=dialect)}' for name in names)
    return text(f"INSERT INTO attempt_items ({columns}) SELECT {columns} FROM json_to_recordset(CAST(:rows AS json)) "
                f"AS r({spec})")


def build_paper(exam: Exam, variant: str, seed: int) -> tuple[list[dict], dict, list, int | None]:
    """Draw from the blueprint and freeze each question: version, option order, key and points.

    Returns the attempt_items rows (without attempt_id), the draw record, the pools it names and the bank's
    generation they were read under.
    """
    rules = drawing.variant_rules(exam.blueprint or [], variant)
    if not rules:
        raise Conflict(_("This exam has no questions yet."), code="empty_blueprint")
    generation = current_generation()  # one read for the pools and the versions (both cached under it)
    pools = rule_pools(rules, exam.allows_public_questions, generation)
    try:
        result = drawing.draw_paper(rules, [p.ids for p in pools], seed, digests=[p.digest for p in pools])
    except drawing.DrawError:
        raise Conflict(_("The question bank cannot fill this exam's paper now. Please tell the examiner."),
                       code="bank_short") from None
    versions = frozen_sources([p.question_id for p in result.picks], generation)
    items = []
    for position, pick in enumerate(result.picks, start=1):
        version = versions[pick.question_id]
        rng = drawing.random.Random(f"{seed}:{pick.question_id}")
        frozen = drawing.freeze_question(version["type"], version["stem"], version["options"], version["answer"],
                                         version["subquestions"], rng)
        items.append({"position": position, "section": pick.section, "question_id": pick.question_id,
                      "question_version_id": version["version_id"], "type": version["type"],
                      "points": pick.points, "answer_seq": 0, "is_flagged": False, **frozen})
    result.record["variant"] = variant
    return items, result.record, pools, generation


def settle(attempt: Attempt, now: datetime) -> Attempt:
    """Finish an attempt whose deadline and grace have passed, as of its deadline."""
    if attempt.state == IN_PROGRESS and not attempt.accepts_answers(now, grace_seconds()):
        finalise(attempt, now, finished_at=attempt.deadline_at, reason="overdue")
    return attempt


def current_standing(exam: Exam, user: User, now: datetime):
    """The person's standing after finishing an open attempt whose time has run out."""
    situation = standing(exam, user, now)
    if situation.open_attempt is not None and settle(situation.open_attempt, now).state != IN_PROGRESS:
        situation = standing(exam, user, now)
    return situation


def retry_offer(attempt: Attempt, user, now: datetime):
    """The person's standing when they may sit the exam again after this finished, failed attempt; else None."""
    if attempt.user_id != user.id or attempt.state == IN_PROGRESS or attempt.passed:
        return None
    situation = current_standing(attempt.exam, user, now)
    return situation if situation.can_start else None


def find_item(attempt: Attempt, question_id: int, lock: bool = False) -> AttemptItem:
    stmt = select(AttemptItem).where(AttemptItem.attempt_id == attempt.id,
                                     AttemptItem.question_id == question_id)
    item = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if item is None:
        raise NotFound(_("This question is not on your paper."))
    return item


def save_answer(attempt: Attempt, ref: str, answer, now: datetime, seq: int | None = None,
                flagged: bool | None = None, client_at: str = "", locked: bool = False) -> tuple[AttemptItem, bool]:
    """Store one answer (idempotent); return (item, stored) where stored is False for a stale seq.

    The attempt row must be share-locked (FOR SHARE) so that a submit, which UPDATEs the row, waits
    for this save and this save waits for a submit: pass locked=True if the caller loaded it so.
    """
    question_id, sub = parse_ref(ref)
    if not locked:
        db.session.refresh(attempt, with_for_update={"read": True})
    ensure_open(attempt, now, late_detail={"question": ref, "client_at": client_at[:40], "answer": answer})
    item = find_item(attempt, question_id, lock=True)
    value = validate_answer(item, sub, answer)
    if flagged is not None:
        item.is_flagged = bool(flagged)
    if seq is not None and seq <= item.answer_seq:
        return item, False
    if sub is not None:
        merged = dict(item.answer or {})
        merged.pop(str(sub), None) if value is None else merged.update({str(sub): value})
        value = merged or None
    item.answer, item.answered_at = value, now
    item.answer_seq = seq if seq is not None else item.answer_seq + 1
    db.session.flush()
    return item, True


def ensure_open(attempt: Attempt, now: datetime, late_detail: dict | None = None) -> None:
    """Refuse (409) writes to a finished attempt or after the deadline plus grace.

    An answer that arrives after the deadline plus grace (a phone's offline queue sent on reconnection, one
    answer after another) is kept as late-answer evidence for appeals, with the server's time and the client's,
    and never scored: the first one finishes the attempt as of its deadline, the rest find it finished.
    """
    past = now > attempt.deadline_at + timedelta(seconds=grace_seconds())
    if past and (attempt.state == IN_PROGRESS or late_detail is not None):
        keep_late_answer(attempt, now, late_detail or {})
    if attempt.state != IN_PROGRESS:
        refusal = TooLate if past and late_detail is not None else Conflict
        raise refusal(_("This attempt is already finished; answers can no longer be changed."),
                      code="attempt_finished")
    if past:
        finalise(attempt, now, finished_at=attempt.deadline_at, reason="overdue")
        raise TooLate(_("Time is up: the deadline has passed and this answer was not accepted."),
                       code="deadline_passed")


LATE_EVIDENCE_LIMIT = 200  # per attempt: enough for any paper's queue, and no endless growth from replays


def keep_late_answer(attempt: Attempt, now: datetime, detail: dict) -> None:
    kept = db.session.scalar(select(func.count(AttemptEvent.id)).where(
        AttemptEvent.attempt_id == attempt.id, AttemptEvent.kind == "late_answer"))
    if kept < LATE_EVIDENCE_LIMIT:
        db.session.add(AttemptEvent(attempt_id=attempt.id, kind="late_answer", at=now,
                                    client_at=str(detail.get("client_at") or "")[:40], detail=detail))


def submit(attempt: Attempt, now: datetime) -> Attempt:
    """Finish and score (exactly once); a repeat returns the stored result."""
    if attempt.state == IN_PROGRESS:
        if attempt.accepts_answers(now, grace_seconds()):
            finalise(attempt, now, finished_at=now, reason="submitted")
        else:
            finalise(attempt, now, finished_at=attempt.deadline_at, reason="overdue")
    db.session.refresh(attempt)
    return attempt


def finalise(attempt: Attempt, now: datetime, *, finished_at: datetime, reason: str) -> bool:
    """Claim the transition, score every item from the frozen keys, then tell listeners.

    The finish time is never after the deadline: a submit inside the network grace was sent in time.
    """
    if not attempt.finish(finished_at=min(finished_at, attempt.deadline_at), reason=reason):
        return False
    score_attempt(attempt)
    db.session.flush()
    try:
        with db.session.begin_nested():
            attempt_finished.send(attempt, now=now)
    except Exception:  # a listener's failure must not lose the learner's result
        log.exception("attempt_finished listener failed for attempt %s", attempt.id)
    return True


def score_attempt(attempt: Attempt) -> None:
    """(Re)compute every item's marks and the attempt's result from the frozen keys."""
    exam = attempt.exam
    rules = Rules(exam.multiple_rule, Decimal(exam.partial_share))
    total = Decimal(0)
    for item in attempt.items:
        mark = score_item(item.type, item.key, item.answer, Decimal(item.points), rules)
        item.awarded, item.is_correct = mark.awarded, mark.is_correct
        total += mark.awarded
    maximum = sum((Decimal(i.points) for i in attempt.items), Decimal(0))
    passed, excellent = grade(total, exam.pass_mark, exam.excellent_mark)
    attempt.record_result(score=total, max_score=maximum, passed=passed, excellent=excellent)


def overdue_ids(now: datetime) -> list[int]:
    cutoff = now - timedelta(seconds=grace_seconds())
    return list(db.session.scalars(select(Attempt.id).where(
        Attempt.state == IN_PROGRESS, Attempt.deadline_at < cutoff).order_by(Attempt.id)))


def finalise_overdue(attempt_id: int, now: datetime) -> bool:
    """Finish one overdue attempt as of its deadline (flushes); False if someone else finished it."""
    attempt = db.session.get(Attempt, attempt_id)
    return attempt is not None and finalise(attempt, now, finished_at=attempt.deadline_at, reason="overdue")
