"""Seed a realistic exam-day data set for the benchmark (drops every table of the database it is given).

An organisation (a county, towns, village committees) with a few thousand learners, each with an API token;
a bank of public single, multiple and true/false questions on the shipped statutes; one open exam whose
blueprint draws a 50-question paper. Writes benchmarks/.run/fixtures.json for the load generators.
"""

import json
import secrets
from datetime import timedelta
from pathlib import Path

RUN_DIR = Path(__file__).resolve().parent / ".run"
LAWS = ("administrative-penalty-law-2021", "administrative-licensing-law-2019", "state-compensation-law-2012")
BLUEPRINT = [
    {"variant": "default", "section": "单选题", "type": "single", "count": 25, "points": "2"},
    {"variant": "default", "section": "多选题", "type": "multiple", "count": 15, "points": "2"},
    {"variant": "default", "section": "判断题", "type": "true_false", "count": 10, "points": "2"},
]


def make_units(town_count: int):
    """A county with towns, each with offices and village committees; return the leaf units."""
    from examapp.org.services import add_unit

    county = add_unit("基准县", None, kind="county")
    leaves = []
    for t in range(town_count):
        town = add_unit(f"第{t + 1}镇", county, kind="town")
        leaves += [add_unit(f"第{t + 1}镇第{v + 1}村民委员会", town, kind="village") for v in range(8)]
    return county, leaves


def make_learners(count: int, leaves) -> list[tuple[int, str]]:
    """Learners spread over the leaf units, each with a personal API token; return (user id, token)."""
    from examapp.auth.models import ApiToken, hash_token
    from examapp.extensions import db
    from examapp.org.models import User

    users = [User(username=f"bench{i:05d}", name=f"学员{i}", unit=leaves[i % len(leaves)], role="learner",
                  password_hash="!", is_grid_worker=i % 3 == 0) for i in range(count)]
    db.session.add_all(users)
    db.session.flush()
    tokens = ["exa_" + secrets.token_urlsafe(32) for _ in users]
    db.session.add_all(ApiToken(user_id=u.id, token_hash=hash_token(t)) for u, t in zip(users, tokens, strict=True))
    return [(u.id, t) for u, t in zip(users, tokens, strict=True)]


def question_content(i: int) -> dict:
    kind = ("single", "single", "multiple", "true_false")[i % 4]
    options = [{"key": k, "text": f"第{i}题的选项{k}，内容与法条对应"} for k in "ABCD"]
    answer = {"single": "ABCD"[i % 4], "multiple": ["A", "C"], "true_false": i % 2 == 0}[kind]
    return {"type": kind, "stem": f"根据相关法律规定，下列关于第{i}项情形的说法正确的是（  ）。",
            "options": options if kind != "true_false" else [], "answer": answer,
            "explanation": "依据法条的规定作答。", "basis": [{"law": LAWS[i % 3], "article": 1 + i % 30}],
            "chapter": "第一章 总则", "difficulty": 1 + i % 5}


def make_bank(count: int) -> None:
    """Public, active questions with one version each (inserted in batches)."""
    from examapp.bank.models import PUBLIC, Question, QuestionVersion
    from examapp.extensions import db

    for start in range(0, count, 1000):
        batch = range(start, min(count, start + 1000))
        contents = [question_content(i) for i in batch]
        questions = [Question(code=f"bench{i}", law_slug=c["basis"][0]["law"], type=c["type"], visibility=PUBLIC)
                     for i, c in zip(batch, contents, strict=True)]
        db.session.add_all(questions)
        db.session.flush()
        versions = [QuestionVersion(question_id=q.id, **c) for q, c in zip(questions, contents, strict=True)]
        db.session.add_all(versions)
        db.session.flush()
        for q, v in zip(questions, versions, strict=True):
            q.current_version_id = v.id
        db.session.flush()


def seed(app, learners: int, questions: int) -> dict:
    """Empty the database and seed it; return and write the fixtures the load generators read."""
    from examapp.db import utcnow
    from examapp.exams.models import Exam
    from examapp.extensions import db
    from examapp.study.loader import ensure_library

    with app.app_context():
        db.drop_all()
        db.create_all()
        now = utcnow()
        ensure_library(now)
        county, leaves = make_units(max(2, learners // 400))
        people = make_learners(learners, leaves)
        make_bank(questions)
        exam = Exam(title="基准年度学法考试", year=now.year, status="published", opens_at=now - timedelta(days=1),
                    closes_at=now + timedelta(days=2), duration_minutes=600, published_at=now, max_attempts=3,
                    audience={"unit_ids": [county.id]}, blueprint=BLUEPRINT,
                    allows_public_questions=True)  # the seeded bank is public
        db.session.add(exam)
        db.session.commit()
        fixtures = {"exam_id": exam.id, "learners": [{"id": uid, "token": tok} for uid, tok in people],
                    "questions": questions}
    RUN_DIR.mkdir(exist_ok=True)
    (RUN_DIR / "fixtures.json").write_text(json.dumps(fixtures))
    return fixtures
