"""The practice pages work as plain forms (no script): question, answer (Post/Redirect/Get), feedback."""

import re

import pytest

from examapp.extensions import db
from examapp.practice.models import PracticeAnswer, PracticeSettings
from tests.factories import PASSWORD
from tests.practice.conftest import LAW


def question_page(client, **args) -> str:
    response = client.get("/practice/question", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_hub_offers_every_way_to_practise(login, org, bank):
    html = login(org.learner).get("/practice/").get_data(as_text=True)
    for text in ("每日一练", "今日复习", "随机 10 题", "错题本", "按专题练习", "行政处罚法（12）",
                 "第二章 行政处罚的种类和设定"):
        assert text in html


@pytest.mark.parametrize("code", ["s1", "m1", "t1", "b1", "c1"])
def test_the_question_page_never_shows_the_key_or_explanation(login, org, bank, code):
    html = question_page(login(org.learner), question=bank[code].id)
    assert f"{code} 题干" in html and f"{code} 解析" not in html
    if code == "b1":
        assert "七日" not in html and 'name="a-1"' in html
    if code == "c1":
        assert "子题一" in html and 'name="a-1"' in html and 'name="a-2"' in html


def test_a_plain_form_answer_redirects_to_feedback(login, org, bank, clock):
    client = login(org.learner)
    question_page(client, question=bank["s1"].id, law=LAW)
    response = client.post(f"/practice/answer?mode=filter&question={bank['s1'].id}&law={LAW}",
                           data={"question_id": bank["s1"].id, "a": "B"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert re.search(r"/practice/feedback/\d+\?", location) and f"law={LAW}" in location
    html = client.get(location).get_data(as_text=True)
    assert "回答错误" in html and 'data-testid="key">A<' in html and "s1 解析" in html
    assert "行政处罚遵循公正、公开的原则" in html and "/study/laws/administrative-penalty-law-2021/articles/5" in html
    assert "已记入错题本" in html and "下一题" in html
    assert f"question={bank['s1'].id}" in html.split('data-testid="next-question"')[0].rsplit("href=", 1)[1]


def test_plain_form_answers_for_every_type(login, org, bank, clock):
    client = login(org.learner)
    forms = {"m1": {"a": ["A", "C"]}, "t1": {"a": "true"}, "b1": {"a-1": " 7日 "}, "c1": {"a-1": "B", "a-2": "false"}}
    for code, fields in forms.items():
        question_page(client, question=bank[code].id)
        response = client.post("/practice/answer", data={"question_id": bank[code].id, **fields})
        assert response.status_code == 302, code
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "回答正确" in html, code
    case = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "第 1 小题" in case and "法理分析" in case and "c1 解析" in case


def test_an_empty_plain_answer_is_refused_and_nothing_is_recorded(login, org, bank):
    client = login(org.learner)
    question_page(client, question=bank["s2"].id)
    response = client.post("/practice/answer", data={"question_id": bank["s2"].id})
    assert response.status_code == 422 and "请先选择或填写答案" in response.get_data(as_text=True)
    assert db.session.query(PracticeAnswer).count() == 0


def test_a_plain_answer_to_a_question_not_served_is_not_found(login, org, bank):
    client = login(org.learner)
    assert client.post("/practice/answer", data={"question_id": bank["secret"].id, "a": "A"}).status_code == 404


def test_feedback_belongs_to_its_learner(login, org, bank, clock):
    client = login(org.learner)
    question_page(client, question=bank["s1"].id)
    location = client.post("/practice/answer", data={"question_id": bank["s1"].id, "a": "A"}).headers["Location"]
    path = location.split("?")[0]
    assert login(org.villager).get(path).status_code == 404


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_answers_need_the_csrf_token(client, org, bank):
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "cadre1", "password": PASSWORD, "csrf_token": token})
    token = re.search(r'name="csrf-token" content="([^"]+)"', question_page(client, question=bank["s1"].id)).group(1)
    assert client.post("/practice/answer", data={"question_id": bank["s1"].id, "a": "A"}).status_code == 400
    api = client.post("/api/v1/practice/answers", json={"question_id": bank["s1"].id, "answer": "A"})
    assert api.status_code == 400
    assert db.session.query(PracticeAnswer).count() == 0
    ok = client.post("/api/v1/practice/answers", json={"question_id": bank["s1"].id, "answer": "A"},
                     headers={"X-CSRFToken": token})
    assert ok.status_code == 200


def test_nothing_left_shows_a_friendly_page(login, org, bank):
    html = question_page(login(org.learner), mode="review")
    assert "现在没有到期的复习题" in html


def test_the_article_page_offers_practice_when_questions_cite_it(login, org, bank):
    client = login(org.learner)
    html = client.get(f"/study/laws/{LAW}/articles/5").get_data(as_text=True)
    assert "练一练本条（4 题）" in html and "article=administrative-penalty-law-2021:5" in html
    html = client.get(f"/study/laws/{LAW}/articles/6").get_data(as_text=True)
    assert "练一练本条" not in html
    page = question_page(client, mode="filter", article=f"{LAW}:5")
    assert "第一章 总则" in page


def test_the_admin_sets_the_desired_retention(login, org):
    client = login(org.admin)
    assert 'value="0.9"' in client.get("/practice/settings").get_data(as_text=True)
    assert client.post("/practice/settings", data={"desired_retention": "0.85"}).status_code == 302
    assert db.session.get(PracticeSettings, 1).desired_retention == 0.85
    bad = client.post("/practice/settings", data={"desired_retention": "1.5"})
    assert bad.status_code == 200 and db.session.get(PracticeSettings, 1).desired_retention == 0.85
    assert login(org.examiner).get("/practice/settings").status_code == 403
