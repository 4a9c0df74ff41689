"""Practice fixtures: a small public bank on real articles, a movable server clock, answering helpers."""

import pytest

from examapp.bank.models import CONFIDENTIAL, PUBLIC, Question
from examapp.db import utcnow
from examapp.extensions import db
from examapp.study.loader import ensure_library
from tests.exams.conftest import CASE_SUBS, Clock, make_question
from tests.functional.world import untangle_bank

LAW = "administrative-penalty-law-2021"
CH1, CH2, CH4 = "第一章 总则", "第二章 行政处罚的种类和设定", "第四章 行政处罚的管辖和适用"
CLOCK_MODULES = ("examapp.practice.views", "examapp.practice.views_staff", "examapp.api.practice")


def public(question: Question) -> Question:
    question.visibility = PUBLIC
    return question


def make_public(code: str, qtype: str = "single", *, chapter: str = CH1, article: int = 5, **fields) -> Question:
    """A public question citing one article of the penalty law."""
    return public(make_question(code, qtype, chapter=chapter, basis=[{"law": LAW, "article": article}], **fields))


@pytest.fixture
def library(app):
    report = ensure_library(utcnow())
    assert not report.errors, report.errors


@pytest.fixture
def untangled(app):
    """Questions and versions point at each other: cut the link so the tables can be emptied."""
    yield
    untangle_bank()


@pytest.fixture
def bank(library, untangled):
    """Twelve public questions over three chapters (every type), one confidential, one retired, one held."""
    qs = {
        "s1": make_public("s1", chapter=CH1, article=5), "s2": make_public("s2", chapter=CH1, article=5),
        "s3": make_public("s3", chapter=CH2, article=9), "s4": make_public("s4", chapter=CH2, article=9),
        "m1": make_public("m1", "multiple", chapter=CH2, article=9),
        "t1": make_public("t1", "true_false", chapter=CH4, article=33),
        "t2": make_public("t2", "true_false", chapter=CH4, article=33),
        "b1": make_public("b1", "blank", chapter=CH4, article=33),
        "c1": make_public("c1", "case", chapter=CH4, article=33, subquestions=CASE_SUBS),
        "s5": make_public("s5", chapter=CH4, article=33), "s6": make_public("s6", chapter=CH1, article=5),
        "s7": make_public("s7", chapter=CH1, article=5),
    }
    qs["secret"] = make_question("secret", chapter=CH1, basis=[{"law": LAW, "article": 5}])
    assert qs["secret"].visibility == CONFIDENTIAL
    qs["retired"] = make_public("retired", chapter=CH1, status="retired")
    qs["held"] = make_public("held", chapter=CH1, needs_review=True)
    db.session.commit()
    return qs


@pytest.fixture
def clock(org, monkeypatch):
    """The server's clock for practice pages and the practice API, at 10:00 in Beijing; tests move it.

    A fixed hour keeps "the same day" the same day whenever the suite runs (days are site-time-zone days).
    """
    clock = Clock(org.now.replace(hour=2, minute=0, second=0, microsecond=0))
    for module in CLOCK_MODULES:
        monkeypatch.setattr(f"{module}.utcnow", clock)
    return clock


RIGHT = {"single": "A", "multiple": ["A", "C"], "true_false": True, "blank": ["七日"], "case": {"1": "B", "2": False}}
WRONG = {"single": "B", "multiple": ["A"], "true_false": False, "blank": ["三日"], "case": {"1": "A", "2": False}}


def serve(client, **args) -> dict:
    response = client.get("/api/v1/practice/next", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def answer(client, question_id: int, value) -> dict:
    response = client.post("/api/v1/practice/answers", json={"question_id": question_id, "answer": value})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def practise(client, question: Question, right: bool = True) -> dict:
    """Serve exactly this question and answer it right or wrong."""
    data = serve(client, question=question.id)
    assert data["question"]["id"] == question.id
    return answer(client, question.id, (RIGHT if right else WRONG)[question.type])
