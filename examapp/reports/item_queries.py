"""Load an exam's counted attempts as plain responses for the item analysis."""

import string
from dataclasses import dataclass

from sqlalchemy import select

from ..bank.models import Question, QuestionVersion
from ..exams.models import AttemptItem, Exam
from ..extensions import db
from .items import Response, TestStats, analyse

LETTERS = string.ascii_uppercase


@dataclass
class QuestionInfo:
    code: str
    type: str
    stem: str
    options: dict[str, str]  # original key -> text
    key: object


def counted_attempt_ids(exam: Exam) -> list[int]:
    """One attempt per person, the one that counts (exam_results keeps it under the exam's rule)."""
    from ..exams.models import ExamResult

    return list(db.session.scalars(select(ExamResult.attempt_id).where(ExamResult.exam_id == exam.id)
                                   .order_by(ExamResult.attempt_id)))


def original_choices(answer, option_order) -> tuple[str, ...]:
    """Translate what was chosen (displayed letters) back to the question's own option keys."""
    if isinstance(answer, bool):
        return ("true",) if answer else ("false",)
    if not option_order or not isinstance(option_order, list) or isinstance(option_order[0], list):
        return ()
    picked = answer if isinstance(answer, list) else [answer] if isinstance(answer, str) else []
    keys = []
    for letter in picked:
        index = LETTERS.find(str(letter)) if len(str(letter)) == 1 else -1
        if 0 <= index < len(option_order):
            keys.append(option_order[index])
    return tuple(sorted(keys))


def load_responses(exam: Exam) -> tuple[list[dict[int, Response]], dict[int, int]]:
    """Return one {question id: Response} per counted attempt, and each question's latest version id."""
    ids = counted_attempt_ids(exam)
    attempts: dict[int, dict[int, Response]] = {}
    versions: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        stmt = (select(AttemptItem.attempt_id, AttemptItem.question_id, AttemptItem.question_version_id,
                       AttemptItem.awarded, AttemptItem.points, AttemptItem.answer, AttemptItem.option_order)
                .where(AttemptItem.attempt_id.in_(chunk)).order_by(AttemptItem.attempt_id, AttemptItem.position))
        for attempt_id, qid, version_id, awarded, points, answer, order in db.session.execute(stmt):
            attempts.setdefault(attempt_id, {})[qid] = Response(
                awarded=float(awarded or 0), points=float(points or 0),
                chosen=original_choices(answer, order) if answer is not None else ())
            versions[qid] = max(versions.get(qid, 0), version_id)
    return list(attempts.values()), versions


def question_info(versions: dict[int, int]) -> dict[int, QuestionInfo]:
    rows = db.session.execute(select(Question.id, Question.code, QuestionVersion).join(
        QuestionVersion, QuestionVersion.question_id == Question.id).where(
        QuestionVersion.id.in_(list(versions.values()))))
    info = {}
    for qid, code, version in rows:
        options = {str(o.get("key")): str(o.get("text", "")) for o in (version.options or [])
                   if isinstance(o, dict)}
        info[qid] = QuestionInfo(code=code, type=version.type, stem=version.stem, options=options,
                                 key=version.answer)
    return info


def exam_item_analysis(exam: Exam) -> tuple[TestStats, dict[int, QuestionInfo]]:
    attempts, versions = load_responses(exam)
    return analyse(attempts), question_info(versions)
