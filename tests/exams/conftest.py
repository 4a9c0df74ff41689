"""Exam fixtures: a small bank built directly from the bank models, and an open exam."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from examapp.bank.models import Question, QuestionVersion
from examapp.exams.models import Exam
from examapp.extensions import db

LAW = "administrative-penalty-law-2021"


def make_question(code, qtype="single", *, answer=None, options=None, law=LAW, audience="all", difficulty=2,
                  tags=(), chapter="", status="active", needs_review=False, subquestions=None, stem=None,
                  basis=None, id=None, explanation=None, visibility="confidential") -> Question:
    """Create a question with one current version (no bank services needed)."""
    if options is None and qtype in ("single", "multiple"):
        options = [{"key": k, "text": f"{code} 选项{k}"} for k in "ABCD"]
    if answer is None:
        answer = {"single": "A", "multiple": ["A", "C"], "true_false": True, "blank": [["七日", "7日"]],
                  "case": None}[qtype]
    question = Question(id=id, code=code, law_slug=law, type=qtype, status=status, needs_review=needs_review,
                        visibility=visibility)
    db.session.add(question)
    db.session.flush()
    version = QuestionVersion(id=id, question_id=question.id, number=1, type=qtype, stem=stem or f"{code} 题干",
                              options=options or [], answer=answer, explanation=explanation or f"{code} 解析",
                              basis=basis if basis is not None else [{"law": LAW, "article": 5}],
                              chapter=chapter, difficulty=difficulty, tags=list(tags),
                              tag_index="".join(f"|{t}" for t in tags) + "|", audience=audience,
                              subquestions=subquestions)
    db.session.add(version)
    db.session.flush()
    question.current_version_id = version.id
    db.session.flush()
    return question


def make_bank(singles=6, multiples=3, tfs=3, blanks=2, cases=0, leaders=0) -> list[Question]:
    qs = [make_question(f"s{i}") for i in range(singles)]
    qs += [make_question(f"m{i}", "multiple") for i in range(multiples)]
    qs += [make_question(f"t{i}", "true_false") for i in range(tfs)]
    qs += [make_question(f"b{i}", "blank") for i in range(blanks)]
    qs += [make_question(f"c{i}", "case", subquestions=CASE_SUBS) for i in range(cases)]
    qs += [make_question(f"l{i}", audience="leaders") for i in range(leaders)]
    db.session.commit()
    return qs


CASE_SUBS = [
    {"type": "single", "stem": "子题一", "options": [{"key": k, "text": f"子{k}"} for k in "ABCD"], "answer": "B",
     "explanation": "", "basis": []},
    {"type": "true_false", "stem": "子题二", "answer": False, "explanation": "", "basis": []},
]

SMALL_BLUEPRINT = [
    {"variant": "default", "section": "单选", "type": "single", "count": 4, "points": "10"},
    {"variant": "default", "section": "多选", "type": "multiple", "count": 2, "points": "15"},
    {"variant": "default", "section": "判断", "type": "true_false", "count": 2, "points": "5"},
    {"variant": "default", "section": "填空", "type": "blank", "count": 1, "points": "20"},
]  # 9 questions, 100 points


def make_exam(org, **fields) -> Exam:
    now = org.now
    data = dict(title="2026年度学法考试", year=now.year, status="published", opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=10), duration_minutes=90, blueprint=SMALL_BLUEPRINT,
                audience={"unit_ids": [org.town.id]}, max_attempts=3, published_at=now)
    data.update(fields)
    exam = Exam(**data)
    db.session.add(exam)
    db.session.commit()
    return exam


@pytest.fixture
def untangle(app):
    """Questions and versions point at each other; cut that link so the tables can be emptied."""
    yield
    db.session.rollback()
    db.session.execute(update(Question).values(current_version_id=None))
    db.session.commit()


@pytest.fixture
def bank(untangle):
    return make_bank()


@pytest.fixture
def exam(org, bank):
    return make_exam(org)


class Clock:
    """The server's clock as the exam API sees it; tests move it."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now = self.now + timedelta(**delta)
        return self.now


@pytest.fixture
def clock(org, monkeypatch):
    clock = Clock(org.now)
    for module in ("examapp.api.exams", "examapp.exams.views", "examapp.exams.views_admin",
                   "examapp.exams.views_monitor"):
        monkeypatch.setattr(f"{module}.utcnow", clock)
    return clock


def start(client, exam_id):
    response = client.post(f"/api/v1/exams/{exam_id}/attempts")
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()


def right_answers(attempt_id) -> dict:
    """The frozen keys of an attempt, read from the database (what a perfect learner would send)."""
    from examapp.exams.models import AttemptItem

    items = db.session.query(AttemptItem).filter_by(attempt_id=attempt_id).all()
    answers = {}
    for item in items:
        if item.type == "blank":
            answers[str(item.question_id)] = [alternatives[0] for alternatives in item.key]
        elif item.type == "case":
            answers[str(item.question_id)] = {str(n): sub["key"] for n, sub in enumerate(item.key, start=1)}
        else:
            answers[str(item.question_id)] = item.key
    return answers
