"""Regrading: after an examiner corrects a key, or after the scoring rule itself changed (blanks judged by
meaning). A dry run lists before/after; running it is the examiner's decision and is audited."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit import record
from ..bank.models import Question, QuestionVersion
from ..db import lock_for_writing
from ..extensions import db
from ..org.models import User
from .draw import relabel_key
from .models import FINISHED, IN_PROGRESS, Attempt, AttemptItem, Exam
from .scoring import Mark, Rules, grade, score_item

GRADED = func.coalesce(AttemptItem.graded_version_id, AttemptItem.question_version_id)


@dataclass
class RegradeRow:
    attempt: Attempt
    item: AttemptItem
    new_key: object
    before: Decimal
    after: Decimal
    passed_before: bool
    passed_after: bool

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.passed_before != self.passed_after


def stale_questions(exam: Exam) -> list[tuple[Question, int]]:
    """Questions used in this exam's finished attempts whose current version is newer; with the count."""
    rows = db.session.execute(
        select(Question, func.count(AttemptItem.id))
        .join(AttemptItem, AttemptItem.question_id == Question.id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.exam_id == exam.id, Attempt.state == FINISHED,
               GRADED != Question.current_version_id)
        .group_by(Question.id).order_by(Question.id))
    return [(q, n) for q, n in rows]


def translate_key(item: AttemptItem, version: QuestionVersion):
    """The corrected key in this paper's displayed labels, or None if the options no longer match."""
    try:
        if item.type in ("single", "multiple"):
            return relabel_key(item.type, version.answer, item.option_order)
        if item.type == "case":
            subs = version.subquestions or []
            if len(subs) != len(item.key):
                return None
            return [{"type": s["type"], "key": relabel_key(s["type"], s["answer"], order)}
                    for s, order in zip(subs, item.option_order, strict=True)]
        if item.type == "blank" and len(version.answer or []) != len(item.key):
            return None
        return version.answer
    except (KeyError, TypeError):
        return None


def preview(exam: Exam, question: Question) -> list[RegradeRow]:
    """Before/after for every finished attempt of the exam that used an older version of the question."""
    version = db.session.get(QuestionVersion, question.current_version_id)
    rules = Rules(exam.multiple_rule, Decimal(exam.partial_share))
    rows = []
    items = db.session.scalars(
        select(AttemptItem).join(Attempt).where(
            Attempt.exam_id == exam.id, Attempt.state == FINISHED, AttemptItem.question_id == question.id,
            GRADED != question.current_version_id).order_by(Attempt.id))
    for item in items:
        new_key = translate_key(item, version)
        if new_key is None:
            continue
        attempt = item.attempt
        mark = score_item(item.type, new_key, item.answer, Decimal(item.points), rules)
        after = Decimal(attempt.score) - Decimal(item.awarded or 0) + mark.awarded
        passed_after, _excellent = grade(after, exam.pass_mark, exam.excellent_mark)
        rows.append(RegradeRow(attempt, item, new_key, Decimal(attempt.score), after, bool(attempt.passed),
                               passed_after))
    return rows


def rules_of(exam: Exam) -> Rules:
    return Rules(exam.multiple_rule, Decimal(exam.partial_share))


def apply_marks(attempt: Attempt, marks: list[tuple[AttemptItem, Mark]]) -> None:
    """Store new marks for these items only and total the attempt again; its other marks stay as they were."""
    for item, mark in marks:
        item.awarded, item.is_correct = mark.awarded, mark.is_correct
    total = sum((Decimal(i.awarded or 0) for i in attempt.items), Decimal(0))
    maximum = sum((Decimal(i.points) for i in attempt.items), Decimal(0))
    passed, excellent = grade(total, attempt.exam.pass_mark, attempt.exam.excellent_mark)
    attempt.record_result(score=total, max_score=maximum, passed=passed, excellent=excellent)


def correct_open_papers(exam: Exam, question: Question) -> list[int]:
    """Give attempts still in progress the corrected key, so that they are scored by it when they finish.

    Their rows are share-locked like an answer save locks them: a submit racing the regrade either finishes
    first (and the attempt is then regraded with the finished ones) or waits and scores with the new key.
    Returns the ids of the attempts corrected.
    """
    version = db.session.get(QuestionVersion, question.current_version_id)
    open_ids = list(db.session.scalars(select(Attempt.id).where(
        Attempt.exam_id == exam.id, Attempt.state == IN_PROGRESS).with_for_update(read=True)))
    items = db.session.scalars(select(AttemptItem).where(
        AttemptItem.attempt_id.in_(open_ids), AttemptItem.question_id == question.id,
        GRADED != question.current_version_id)) if open_ids else []
    corrected = []
    for item in items:
        new_key = translate_key(item, version)
        if new_key is not None:
            item.key, item.graded_version_id = new_key, question.current_version_id
            corrected.append(item.attempt_id)
    return sorted(corrected)


def run(exam: Exam, question: Question, actor: User, now: datetime) -> list[RegradeRow]:
    """Apply the corrected key to every listed attempt, and to the papers still being written; one audit entry."""
    lock_for_writing(db.session)  # SQLite: no submit may finish an attempt between the reads and the writes
    open_papers = correct_open_papers(exam, question)
    rows = preview(exam, question)
    for row in rows:
        row.item.key = row.new_key
        row.item.graded_version_id = question.current_version_id
        apply_marks(row.attempt, [(row.item, score_item(row.item.type, row.new_key, row.item.answer,
                                                        Decimal(row.item.points), rules_of(exam)))])
    db.session.flush()
    record("exam.regrade", actor=actor, target=f"exam:{exam.id}", now=now, detail={
        "question": question.code, "version": question.current_version_id, "in_progress": open_papers,
        "attempts": [{"attempt": r.attempt.id, "user": r.attempt.user.username, "before": str(r.before),
                      "after": str(r.after), "passed_before": r.passed_before, "passed_after": r.passed_after}
                     for r in rows]})
    return rows


@dataclass
class RuleRow:
    """A finished attempt whose stored marks differ from what today's scoring rule gives."""

    attempt: Attempt
    marks: list[tuple[AttemptItem, Mark]]
    before: Decimal
    after: Decimal
    passed_before: bool
    passed_after: bool


def changed_marks(attempt: Attempt, rules: Rules) -> list[tuple[AttemptItem, Mark]]:
    """The items whose mark under today's rule differs from the stored one, with the new mark."""
    out = []
    for item in sorted(attempt.items, key=lambda i: i.position):
        mark = score_item(item.type, item.key, item.answer, Decimal(item.points), rules)
        if mark.awarded != Decimal(item.awarded or 0) or mark.is_correct != item.is_correct:
            out.append((item, mark))
    return out


def rule_preview(exam: Exam) -> list[RuleRow]:
    """Dry run: every finished attempt whose score would change if its frozen keys were scored again today."""
    rules, rows = rules_of(exam), []
    attempts = db.session.scalars(select(Attempt).options(selectinload(Attempt.items), selectinload(Attempt.user))
                                  .where(Attempt.exam_id == exam.id, Attempt.state == FINISHED).order_by(Attempt.id))
    for attempt in attempts:
        marks = changed_marks(attempt, rules)
        if not marks:
            continue
        before = Decimal(attempt.score or 0)
        after = before + sum((m.awarded - Decimal(i.awarded or 0) for i, m in marks), Decimal(0))
        passed_after, _excellent = grade(after, exam.pass_mark, exam.excellent_mark)
        rows.append(RuleRow(attempt, marks, before, after, bool(attempt.passed), passed_after))
    return rows


def rule_run(exam: Exam, actor: User | None, now: datetime) -> list[RuleRow]:
    """Rescore the listed attempts under today's rule (only the items that change) with one audit entry."""
    rows = rule_preview(exam)
    for row in rows:
        apply_marks(row.attempt, row.marks)
    db.session.flush()
    ids = {item.question_id for row in rows for item, _mark in row.marks}
    codes = sorted(db.session.scalars(select(Question.code).where(Question.id.in_(ids)))) if ids else []
    record("exam.regrade", actor=actor, target=f"exam:{exam.id}", now=now, detail={
        "reason": "scoring rule", "questions": codes,
        "attempts": [{"attempt": r.attempt.id, "user": r.attempt.user.username, "before": str(r.before),
                      "after": str(r.after), "passed_before": r.passed_before, "passed_after": r.passed_after}
                     for r in rows]})
    return rows
