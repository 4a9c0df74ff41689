"""The practice API: one question without its key, answering only what was served, feedback content."""

import json
from datetime import datetime, timedelta

import pytest

from examapp.extensions import db
from examapp.practice.models import PracticeServe
from tests.practice.conftest import RIGHT, WRONG, answer, practise, serve

SECRET_FIELDS = ("answer", "key", "explanation", "correct", "is_correct", "basis", "analysis", "key_text")


def keys_anywhere(data) -> set[str]:
    """Every key at any depth of a JSON value (an option's own {"key": "A", "text"} is its label, not the answer)."""
    found: set[str] = set()
    if isinstance(data, dict) and set(data) == {"key", "text"}:
        return found
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(key)
            found |= keys_anywhere(value)
    elif isinstance(data, list):
        for value in data:
            found |= keys_anywhere(value)
    return found


@pytest.mark.parametrize("qtype", ["single", "multiple", "true_false", "blank", "case"])
def test_next_never_carries_the_key_for_any_type(login, org, bank, qtype):
    client = login(org.learner)
    data = serve(client, type=qtype)
    assert data["question"]["type"] == qtype
    assert not keys_anywhere(data) & set(SECRET_FIELDS)
    text = json.dumps(data, ensure_ascii=False)
    assert "解析" not in text  # the explanation of every factory question contains 解析


def test_next_serves_public_active_questions_only(login, org, bank, clock):
    client = login(org.learner)
    seen = set()
    for _ in range(13):
        data = serve(client)
        if data["question"] is None:
            break
        seen.add(data["question"]["id"])
        answer(client, data["question"]["id"], RIGHT[data["question"]["type"]])
    public = {q.id for code, q in bank.items() if code not in ("secret", "retired", "held")}
    assert seen == public


def test_a_question_not_served_cannot_be_answered(login, org, bank):
    client = login(org.learner)
    for question in (bank["s1"], bank["secret"]):
        response = client.post("/api/v1/practice/answers", json={"question_id": question.id, "answer": "A"})
        assert response.status_code == 404
        assert "key" not in response.get_json()


def test_a_confidential_question_cannot_be_served_even_by_asking_for_it(login, org, bank):
    client = login(org.learner)
    assert serve(client, question=bank["secret"].id)["question"] is None
    response = client.post("/api/v1/practice/answers", json={"question_id": bank["secret"].id, "answer": "A"})
    assert response.status_code == 404


def test_another_learners_serve_does_not_open_the_question_to_me(login, org, bank):
    serve(login(org.villager), question=bank["s1"].id)
    client = login(org.learner)
    response = client.post("/api/v1/practice/answers", json={"question_id": bank["s1"].id, "answer": "A"})
    assert response.status_code == 404


def test_feedback_gives_verdict_key_explanation_article_and_due_date(login, org, bank, clock):
    client = login(org.learner)
    data = practise(client, bank["s1"], right=False)
    assert data["correct"] is False and data["key"] == "A" and data["key_text"] == "A"
    assert data["explanation"] == "s1 解析"
    [article] = data["articles"]
    assert article["article"] == 5 and "公正、公开" in article["text"]
    assert article["url"].endswith("/study/laws/administrative-penalty-law-2021/articles/5")
    assert datetime.fromisoformat(data["next_due"].replace("Z", "+00:00")) >= clock.now + timedelta(days=1)
    assert data["rating"] == "again" and data["in_book"] is True


def test_case_feedback_shows_each_sub_question_and_the_analysis(login, org, bank):
    client = login(org.learner)
    data = practise(client, bank["c1"], right=False)
    assert data["correct"] is False
    assert [(p["n"], p["correct"], p["key"]) for p in data["parts"]] == [(1, False, "B"), (2, True, False)]
    assert data["explanation"] == "c1 解析"


def test_a_repeated_answer_returns_the_first_result_and_changes_nothing(login, org, bank):
    client = login(org.learner)
    first = practise(client, bank["s2"], right=False)
    again = answer(client, bank["s2"].id, RIGHT["single"])
    assert again["correct"] is False and again["repeated"] is True and first["repeated"] is False
    assert db.session.query(PracticeServe).filter_by(question_id=bank["s2"].id).count() == 1


@pytest.mark.parametrize("value", ["Z", ["A"], "true", [1], {"9": "A"}, None])
def test_an_answer_that_does_not_fit_is_refused_and_can_be_sent_again(login, org, bank, value):
    client = login(org.learner)
    serve(client, question=bank["s3"].id)
    response = client.post("/api/v1/practice/answers", json={"question_id": bank["s3"].id, "answer": value})
    assert response.status_code == 422
    assert answer(client, bank["s3"].id, "A")["correct"] is True


def test_malformed_body_is_a_validation_error(login, org, bank):
    client = login(org.learner)
    for body in (None, [], {"answer": "A"}, {"question_id": "1", "answer": "A"}, {"question_id": True, "answer": 1}):
        response = client.post("/api/v1/practice/answers", json=body)
        assert response.status_code == 422


def test_reloading_next_returns_the_same_question_until_it_is_answered(login, org, bank):
    client = login(org.learner)
    first = serve(client, law="administrative-penalty-law-2021")
    assert serve(client, law="administrative-penalty-law-2021")["question"]["id"] == first["question"]["id"]
    answer(client, first["question"]["id"], WRONG[first["question"]["type"]])
    assert serve(client, law="administrative-penalty-law-2021")["question"]["id"] != first["question"]["id"]


def test_filters_choose_what_is_served(login, org, bank):
    client = login(org.learner)
    assert serve(client, type="blank")["question"]["id"] == bank["b1"].id
    data = serve(client, chapter="第四章 行政处罚的管辖和适用", type="true_false")
    assert data["question"]["chapter"].startswith("第四章")
    data = serve(client, article="administrative-penalty-law-2021:9", type="multiple")
    assert data["question"]["id"] == bank["m1"].id
    assert serve(client, law="no-such-law")["question"] is None


def test_unknown_mode_is_refused(login, org, bank):
    assert login(org.learner).get("/api/v1/practice/next?mode=exam").status_code == 422


def test_openapi_describes_the_practice_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/practice/next", "/api/v1/practice/answers", "/api/v1/practice/review",
            "/api/v1/practice/mastery"} <= set(paths)
    assert "never" in paths["/api/v1/practice/next"]["get"]["summary"]
