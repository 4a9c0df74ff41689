"""What the learner sees after finishing, per review policy (S-02); the cited article text; CLI; OpenAPI."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from examapp.bank.models import PUBLIC, Question
from examapp.exams import attempts
from examapp.exams.models import Attempt
from examapp.extensions import db

from .conftest import make_exam, make_question, right_answers, start


@pytest.fixture
def library(app):
    """The shipped statutes, loaded once (reference tables survive between tests)."""
    from examapp.db import utcnow
    from examapp.study.loader import LAWS_DIR, load_laws_dir
    from examapp.study.models import Law

    # Other tests add their own small laws to the kept reference tables: look for a shipped one.
    if db.session.scalar(select(Law.id).where(Law.slug == "administrative-penalty-law-2021")) is None:
        load_laws_dir(LAWS_DIR, utcnow())
        db.session.commit()
    return app


def finished_attempt(org, exam, login, clock):
    client = login(org.learner)
    aid = start(client, exam.id)["attempt_id"]
    for qid, answer in right_answers(aid).items():
        client.put(f"/api/v1/attempts/{aid}/answers/{qid}", json={"answer": answer})
    client.post(f"/api/v1/attempts/{aid}/submit")
    return client, aid


# policy, shows key, moment (before/after close) -> expected level for the owner
@pytest.mark.parametrize("policy,with_key,after_close,level", [
    ("after_submit", True, False, "full"), ("after_submit", False, False, "answers"),
    ("after_close", True, False, "none"), ("after_close", True, True, "full"),
    ("after_close", False, True, "answers"), ("never", True, False, "none"), ("never", True, True, "none"),
])
def test_review_policy_matrix(org, bank, login, clock, policy, with_key, after_close, level):
    """On public questions the policy alone decides (confidential ones: tests/exams/test_confidential.py)."""
    db.session.execute(update(Question).values(visibility=PUBLIC))
    exam = make_exam(org, review_policy=policy, review_shows_key=with_key, closes_at=org.now + timedelta(days=1),
                     allows_public_questions=True)
    client, aid = finished_attempt(org, exam, login, clock)
    if after_close:
        clock.advance(days=2)
    data = client.get(f"/api/v1/attempts/{aid}").get_json()
    assert data["review_level"] == level
    assert data["result"]["score"] == 100 and data["result"]["passed"] is True  # the score is always shown
    review = data["review"]
    assert (len(review) == 9) is (level != "none")
    if review:
        assert all("answer" in row and "awarded" in row for row in review)
        assert all(("key" in row) is (level == "full") and ("explanation" in row) is (level == "full")
                   for row in review)
    page = client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
    assert ('data-testid="review"' in page) is (level != "none")
    assert ("解析" in page) is (level == "full")  # the explanations read "<code> 解析"


def test_hr_in_scope_gets_marks_but_never_the_key(org, bank, login, clock):
    db.session.execute(update(Question).values(visibility=PUBLIC))
    exam = make_exam(org, review_policy="never", allows_public_questions=True)
    _client, aid = finished_attempt(org, exam, login, clock)
    data = login(org.hr).get(f"/api/v1/attempts/{aid}").get_json()
    assert data["result"]["score"] == 100
    assert data["review_level"] == "answers" and len(data["review"]) == 9
    assert all("key" not in row and "explanation" not in row and "awarded" in row for row in data["review"])
    page = login(org.hr).get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
    assert "解析" not in page and 'data-testid="review-key-1"' not in page and 'data-testid="score"' in page


def test_review_quotes_the_cited_article(org, library, login, clock, untangle):
    make_question("cite", basis=[{"law": "administrative-penalty-law-2021", "article": 5}], visibility=PUBLIC)
    exam = make_exam(org, allows_public_questions=True,
                     blueprint=[{"variant": "default", "type": "single", "count": 1, "points": "100"}])
    client, aid = finished_attempt(org, exam, login, clock)
    row = client.get(f"/api/v1/attempts/{aid}").get_json()["review"][0]
    assert row["basis"][0]["article"] == 5 and "公正、公开" in row["basis"][0]["text"]
    assert "公正、公开" in client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)


def test_case_questions_are_answered_per_sub_question(org, login, clock, untangle):
    from .conftest import CASE_SUBS

    make_question("case1", "case", subquestions=CASE_SUBS)
    exam = make_exam(org, blueprint=[{"variant": "default", "type": "case", "count": 1, "points": "10"}])
    client = login(org.learner)
    paper = start(client, exam.id)
    case = paper["questions"][0]
    assert [s["id"] for s in case["subquestions"]] == [f"{case['id']}-1", f"{case['id']}-2"]
    assert "answer" not in str(case["subquestions"])
    aid = paper["attempt_id"]
    right = right_answers(aid)[str(case["id"])]
    assert client.put(f"/api/v1/attempts/{aid}/answers/{case['id']}-1", json={"answer": right["1"]}).status_code == 200
    assert client.put(f"/api/v1/attempts/{aid}/answers/{case['id']}-2", json={"answer": "x"}).status_code == 422
    assert client.put(f"/api/v1/attempts/{aid}/answers/{case['id']}-3", json={"answer": True}).status_code == 422
    result = client.post(f"/api/v1/attempts/{aid}/submit").get_json()
    assert result["score"] == 5  # one of two sub-questions right: half the points


def test_close_overdue_command(org, exam, runner, monkeypatch):
    attempt = attempts.start_attempt(exam, org.learner, org.now)
    db.session.commit()
    monkeypatch.setattr("examapp.exams.cli.utcnow", lambda: org.now + timedelta(hours=2))
    result = runner.invoke(args=["exams", "close-overdue"])
    assert result.exit_code == 0 and "已为 1 份超时答卷交卷计分" in result.output
    db.session.expire_all()
    finished = db.session.get(Attempt, attempt.id)
    assert finished.state == "finished" and finished.finished_at == finished.deadline_at
    assert "已为 0 份超时答卷交卷计分" in runner.invoke(args=["exams", "close-overdue"]).output


def test_openapi_describes_the_exam_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/exams", "/api/v1/exams/{exam_id}/attempts", "/api/v1/attempts/{attempt_id}",
            "/api/v1/attempts/{attempt_id}/answers/{question_id}", "/api/v1/attempts/{attempt_id}/submit"} <= set(spec)
    put = spec["/api/v1/attempts/{attempt_id}/answers/{question_id}"]["put"]
    assert "<id>-<n>" in str(put["requestBody"]) and "409" in put["responses"]
