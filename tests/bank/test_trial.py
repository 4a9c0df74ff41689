"""The editor's trial-answer box: which inputs the scorer would accept, per blank (examiners only)."""

import pytest

from examapp.extensions import db
from tests.bank.test_pages import csrf_token
from tests.exams.conftest import make_question, untangle  # noqa: F401  (fixture)

JSON = {"Accept": "application/json"}


@pytest.fixture
def blank(library, untangle):  # noqa: F811
    question = make_question("trial-blank", "blank", answer=[["七日", "七个工作日"], ["2021年7月15日"]])
    db.session.commit()
    return question


def test_detail_page_offers_the_box_and_marks_each_blank(blank, org, login):
    client = login(org.examiner)
    assert 'id="trial"' in client.get(f"/bank/questions/{blank.id}").get_data(as_text=True)
    page = client.post(f"/bank/questions/{blank.id}/try", data={"answer": ["7天", "2021年7月16日"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.count("✓") == 1 and text.count("✗") == 1 and "七日" in text


def test_json_answers_per_blank(blank, org, login):
    client = login(org.examiner)
    response = client.post(f"/bank/questions/{blank.id}/try", json={"answers": ["7个工作日", "二○二一年七月十五日"]})
    assert response.get_json() == {"all_accepted": True, "blanks": [
        {"answer": "7个工作日", "accepted": True, "matches": "七个工作日"},
        {"answer": "二○二一年七月十五日", "accepted": True, "matches": "2021年7月15日"}]}
    wrong = client.post(f"/bank/questions/{blank.id}/try", json={"answers": ["十五日", ""]}).get_json()
    assert wrong["all_accepted"] is False and [b["accepted"] for b in wrong["blanks"]] == [False, False]


@pytest.mark.parametrize("answers", [["七日"], ["七日", 7], "七日", ["七日", "x" * 201]])
def test_bad_trial_answers_are_refused(blank, org, login, answers):
    client = login(org.examiner)
    response = client.post(f"/bank/questions/{blank.id}/try", json={"answers": answers}, headers=JSON)
    assert response.status_code == 422 and response.get_json()["error"]["message"]
    form = client.post(f"/bank/questions/{blank.id}/try", data={"answer": ["七日"]})
    assert form.status_code == 422 and "2" in form.get_data(as_text=True)


def test_only_blank_questions_have_the_box(library, untangle, org, login):  # noqa: F811
    single = make_question("trial-single")
    db.session.commit()
    assert login(org.examiner).post(f"/bank/questions/{single.id}/try", json={"answers": []}).status_code == 404


def test_key_being_edited(library, org, login):
    client = login(org.examiner)
    editor = client.get("/bank/questions/new").get_data(as_text=True)
    assert 'id="key-trial"' in editor and "js/bank.js" in editor
    response = client.post("/bank/try-blank", json={"key": "十二个月|七日/七个工作日", "answers": ["一年", "7天"]})
    assert response.status_code == 200 and response.get_json()["all_accepted"] is True
    response = client.post("/bank/try-blank", json={"key": "六个月", "answers": ["六月"]})
    assert response.get_json()["blanks"] == [{"answer": "六月", "accepted": False, "matches": None}]
    for body in ({"key": "", "answers": [""]}, {"answers": ["x"]}, {"key": "七日|三日", "answers": ["七日"]}):
        assert client.post("/bank/try-blank", json=body, headers=JSON).status_code == 422


def test_roles(blank, org, login, client):
    url = f"/bank/questions/{blank.id}/try"
    for user in (org.learner, org.hr, org.unitadmin, org.villager):
        other = login(user)
        assert other.post(url, json={"answers": ["七日", "x"]}).status_code == 403
        assert other.post("/bank/try-blank", json={"key": "七日", "answers": ["七日"]}).status_code == 403
    assert login(org.admin).post(url, json={"answers": ["七日", "x"]}).status_code == 200


def test_anonymous_is_sent_to_log_in(blank, app):
    anonymous = app.test_client()
    assert anonymous.post(f"/bank/questions/{blank.id}/try", json={"answers": ["七日", "x"]}).status_code in (302, 401)
    assert anonymous.post("/bank/try-blank", json={"key": "七日", "answers": ["七日"]}).status_code in (302, 401)


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_csrf_is_required(blank, org, app):
    from tests.factories import PASSWORD

    client = app.test_client()
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"username": org.examiner.username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    url = f"/bank/questions/{blank.id}/try"
    assert client.post(url, data={"answer": ["七日", "x"]}).status_code == 400
    assert client.post("/bank/try-blank", json={"key": "七日", "answers": ["七日"]}).status_code == 400
    token = csrf_token(client, f"/bank/questions/{blank.id}")
    assert client.post(url, data={"answer": ["七日", "x"], "csrf_token": token}).status_code == 200
    assert client.post("/bank/try-blank", json={"key": "七日", "answers": ["七日"]},
                       headers={"X-CSRFToken": token}).status_code == 200


def test_the_editor_names_a_form_the_scorer_already_accepts(library, untangle, org, login):  # noqa: F811
    client = login(org.examiner)
    form = {"type": "blank", "stem": "应当在____内作出处理决定。", "answer": "七日/7天", "explanation": "第五十六条。",
            "basis": "《行政处罚法》第五十六条", "difficulty": 2, "tags": "", "audience": "all", "status": "active"}
    response = client.post("/bank/questions/new", data=form, follow_redirects=True)
    assert response.status_code == 200 and "7天" in response.get_data(as_text=True)
    assert "七日" in response.get_data(as_text=True)
