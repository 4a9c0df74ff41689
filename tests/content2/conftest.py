"""Fixtures for coverage, corrections and drafts: the statute library and a small hand-made bank."""

import pytest
from sqlalchemy import select

from examapp.bank.models import Question
from examapp.bank.services import create_questions
from examapp.db import utcnow
from examapp.extensions import db
from tests.bank.conftest import library, req  # noqa: F401  (the statute library, loaded once)

PML = "people-mediation-law-2010"


def basis(*numbers, law=PML) -> list[dict]:
    return [{"law": law, "article": n} for n in numbers]


def item(code, kind, difficulty, audience, status, cited, subs=None, law=PML, visibility="public") -> dict:
    answer = {"single": "A", "multiple": ["A", "B"], "true_false": True, "blank": ["三十日"], "case": None}[kind]
    options = [{"key": k, "text": t} for k, t in (("A", "甲"), ("B", "乙"))] if kind in ("single", "multiple") else []
    return {"code": code, "type": kind, "stem": f"题目 {code}" + ("____" if kind == "blank" else ""),
            "options": options, "answer": answer, "explanation": "解析", "basis": basis(*cited, law=law),
            "difficulty": difficulty, "tags": [], "audience": audience, "status": status, "visibility": visibility,
            "subquestions": subs, "law": law}


def sub(*numbers) -> dict:
    return {"type": "true_false", "stem": "小题", "options": [], "answer": True, "explanation": "",
            "basis": basis(*numbers)}


HAND_BANK = [
    item("q1", "single", 1, "all", "active", (1, 2)),
    item("q2", "true_false", 2, "grid", "active", (2,)),
    item("q3", "case", 3, "all", "active", (17,), subs=[sub(18), sub(28, 17)]),
    item("q4", "blank", 4, "leaders", "active", (7,)),
    item("q5", "single", 5, "all", "retired", (3,)),
    item("q6", "multiple", 2, "all", "draft", (4,)),
    item("q7", "single", 3, "all", "active", (1,), law="constitution-2018"),
]


@pytest.fixture
def hand_bank(library):  # noqa: F811
    """Seven questions with hand-computed coverage (see test_coverage.py)."""
    codes = create_questions(HAND_BANK, None, utcnow())
    db.session.commit()
    return {q.code: q for q in db.session.scalars(select(Question).where(Question.code.in_(codes)))}
