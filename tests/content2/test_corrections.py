"""纠错 from practice: scope, duplicates, the daily limit, CSRF, the examiners' queue and replies, every role."""
# ruff: noqa: F811  (the practice and exam fixtures are imported by name and used as arguments)

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from examapp.bank import corrections
from examapp.bank.models import REPORT_DISMISSED, REPORT_FIXED, REPORT_OPEN, QuestionReport
from examapp.bank.services import update_question
from examapp.extensions import db
from tests.practice.conftest import bank, clock, library, practise, untangled  # noqa: F401  (fixtures)


def reports() -> list[QuestionReport]:
    return list(db.session.scalars(select(QuestionReport).order_by(QuestionReport.id)))


def url(question, source="practice") -> str:
    return f"/bank/reports/new?question_id={question.id}&source={source}"


def report(client, question, reason="key", detail="第五条写的是另一回事"):
    return client.post(url(question), data={"reason": reason, "detail": detail})


@pytest.fixture
def practised(org, login, bank, clock):
    """cadre1 has answered s1 and s2 in practice."""
    client = login(org.learner)
    practise(client, bank["s1"])
    practise(client, bank["s2"], right=False)
    return client


def test_a_learner_reports_a_practised_question_and_reads_it_back(practised, bank):
    page = practised.get(url(bank["s1"]))
    assert page.status_code == 200
    assert bank["s1"].current.stem in page.get_data(as_text=True)
    response = report(practised, bank["s1"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/bank/reports/mine")
    (row,) = reports()
    assert (row.question_id, row.version_id, row.source, row.reason, row.status) == (
        bank["s1"].id, bank["s1"].current_version_id, "practice", "key", REPORT_OPEN)
    mine = practised.get("/bank/reports/mine").get_data(as_text=True)
    assert "答案有误" in mine and "待处理" in mine and "第五条写的是另一回事" in mine


def test_only_questions_shown_with_feedback_can_be_reported(practised, bank, org, login):
    assert practised.get(url(bank["s3"])).status_code == 404  # never practised
    assert report(practised, bank["s3"]).status_code == 404
    assert practised.get(f"/bank/reports/new?question_id={bank['s1'].id}&source=elsewhere").status_code == 422
    assert practised.get("/bank/reports/new?source=practice").status_code == 400
    other = login(org.villager)  # grid1 never practised s1
    assert other.get(url(bank["s1"])).status_code == 404
    assert report(other, bank["s1"]).status_code == 404
    assert reports() == []


def test_bad_input_is_refused_and_changes_nothing(practised, bank):
    assert report(practised, bank["s1"], reason="nonsense").status_code == 422
    assert report(practised, bank["s1"], reason="other", detail="").status_code == 422
    assert report(practised, bank["s1"], detail="长" * 501).status_code == 422
    assert reports() == []


def test_one_open_report_per_question(practised, bank):
    assert report(practised, bank["s1"]).status_code == 302
    again = report(practised, bank["s1"], reason="stem")
    assert again.status_code == 409 and "已报告过" in again.get_data(as_text=True)
    assert len(reports()) == 1
    assert 'data-testid="already-reported"' in practised.get(url(bank["s1"])).get_data(as_text=True)


def test_the_daily_limit(practised, bank, org):
    version = bank["s2"].current
    earlier = org.now - timedelta(hours=25)
    for _n in range(corrections.REPORTS_PER_DAY):  # yesterday's reports do not count today
        corrections.file_report(org.learner, version, "practice", None, "key", "", earlier).status = REPORT_DISMISSED
    db.session.commit()
    assert report(practised, bank["s1"]).status_code == 302
    for row in reports()[:corrections.REPORTS_PER_DAY - 1]:
        row.created_at = row.created_at + timedelta(hours=24)  # now nine of them fall within the last day
    db.session.commit()
    refused = report(practised, bank["s2"])
    assert refused.status_code == 429 and "24 小时内已提交 10 条" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(QuestionReport.id))) == corrections.REPORTS_PER_DAY + 1


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_a_report_needs_the_csrf_token(client, org, bank, clock):
    import re

    from tests.factories import PASSWORD

    def token(path):
        return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)

    client.post("/login", data={"username": "cadre1", "password": PASSWORD, "csrf_token": token("/login")})
    headers = {"X-CSRFToken": token("/practice/")}
    client.get("/api/v1/practice/next", query_string={"question": bank["s1"].id})
    client.post("/api/v1/practice/answers", json={"question_id": bank["s1"].id, "answer": "A"}, headers=headers)
    assert report(client, bank["s1"]).status_code == 400
    assert reports() == []
    sent = client.post(url(bank["s1"]), data={"reason": "key", "detail": "", "csrf_token": token(url(bank["s1"]))})
    assert sent.status_code == 302 and len(reports()) == 1


def test_practice_feedback_offers_the_report_link(practised, bank):
    question_page = practised.get(f"/practice/question?question={bank['s3'].id}").get_data(as_text=True)
    assert 'data-report-url="/bank/reports/new?source=practice"' in question_page
    from examapp.practice.models import PracticeAnswer

    answer_id = db.session.scalar(select(PracticeAnswer.id).where(PracticeAnswer.question_id == bank["s1"].id))
    feedback = practised.get(f"/practice/feedback/{answer_id}").get_data(as_text=True)
    assert f"/bank/reports/new?question_id={bank['s1'].id}&amp;source=practice" in feedback


STAFF = [("anonymous", 302), ("learner", 403), ("villager", 403), ("hr", 403), ("unitadmin", 403),
         ("examiner", 200), ("admin", 200)]


@pytest.mark.parametrize("who,status", STAFF)
def test_queue_and_question_pages_by_role(practised, bank, client, org, login, who, status):
    report(practised, bank["s1"])
    browser = client if who == "anonymous" else login(getattr(org, who))
    if who == "anonymous":
        browser.post("/logout")
    assert browser.get("/bank/reports").status_code == status
    assert browser.get(f"/bank/reports/questions/{bank['s1'].id}").status_code == status
    resolved = browser.post(f"/bank/reports/questions/{bank['s1'].id}/resolve",
                            data={"action": "dismissed", "reply": "题目无误"})
    assert resolved.status_code == (302 if status in (200, 302) else status)
    expected = REPORT_DISMISSED if status == 200 else REPORT_OPEN
    assert reports()[0].status == expected


@pytest.mark.parametrize("who", ["anonymous", "hr", "unitadmin", "examiner", "admin"])
def test_reporting_needs_feedback_in_every_role(practised, bank, client, org, login, who):
    browser = client if who == "anonymous" else login(getattr(org, who))
    if who == "anonymous":
        browser.post("/logout")
    assert browser.get(url(bank["s1"])).status_code == (302 if who == "anonymous" else 404)
    assert browser.get("/bank/reports/mine").status_code == (302 if who == "anonymous" else 200)
    assert reports() == []


def test_the_queue_counts_reports_per_question(practised, bank, org, login, clock):
    report(practised, bank["s2"])
    report(practised, bank["s1"])
    other = login(org.villager)
    practise(other, bank["s1"])
    report(other, bank["s1"], reason="explanation")
    rows = corrections.queue()
    assert [(q.code, n) for q, n, _first in rows] == [("s1", 2), ("s2", 1)]
    page = login(org.examiner).get("/bank/reports").get_data(as_text=True)
    assert page.index("s1") < page.index("s2")
    detail = login(org.examiner).get(f"/bank/reports/questions/{bank['s1'].id}").get_data(as_text=True)
    assert "解析有误" in detail and "答案有误" in detail and f"/bank/questions/{bank['s1'].id}/edit" in detail


def test_dismiss_needs_a_reply_the_learner_then_reads(practised, bank, org, login):
    report(practised, bank["s1"])
    examiner = login(org.examiner)
    examiner.post(f"/bank/reports/questions/{bank['s1'].id}/resolve", data={"action": "dismissed", "reply": " "})
    assert reports()[0].status == REPORT_OPEN
    examiner.post(f"/bank/reports/questions/{bank['s1'].id}/resolve",
                  data={"action": "dismissed", "reply": "依照第五条，答案A正确。"})
    row = reports()[0]
    assert (row.status, row.reply, row.resolved_by_id) == (REPORT_DISMISSED, "依照第五条，答案A正确。", org.examiner.id)
    mine = login(org.learner).get("/bank/reports/mine").get_data(as_text=True)
    assert "未采纳" in mine and "依照第五条，答案A正确。" in mine


def test_fixed_needs_a_new_version(practised, bank, org, login):
    report(practised, bank["s1"])
    examiner = login(org.examiner)
    examiner.post(f"/bank/reports/questions/{bank['s1'].id}/resolve", data={"action": "fixed", "reply": ""})
    assert reports()[0].status == REPORT_OPEN  # nothing was edited yet
    question = bank["s1"]
    data = {**question.current.content(), "stem": question.current.stem + "（已修正）"}
    new = update_question(question, data, org.examiner, org.now)
    db.session.commit()
    examiner.post(f"/bank/reports/questions/{question.id}/resolve", data={"action": "fixed", "reply": "已改正题干。"})
    row = reports()[0]
    assert (row.status, row.fixed_version_id) == (REPORT_FIXED, new.id)
    assert corrections.queue() == []
    assert "已修正" in login(org.learner).get("/bank/reports/mine").get_data(as_text=True)
