"""纠错 from an exam review and a certificate page: only the owner, only once the review is shown."""
# ruff: noqa: F811  (the practice and exam fixtures are imported by name and used as arguments)

import pytest
from sqlalchemy import select, update

from examapp.bank.models import PUBLIC, Question, QuestionReport
from examapp.exams.models import Attempt
from examapp.extensions import db
from tests.exams.conftest import bank, clock, make_exam, right_answers, start, untangle  # noqa: F401  (fixtures)


def finish(client, exam) -> int:
    attempt_id = start(client, exam.id)["attempt_id"]
    for qid, answer in right_answers(attempt_id).items():
        client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"answer": answer})
    assert client.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    return attempt_id


def report_url(attempt_id: int, question_id: int) -> str:
    return f"/bank/reports/new?question_id={question_id}&source=exam&attempt_id={attempt_id}"


def test_report_from_the_review(org, login, bank, clock):
    db.session.execute(update(Question).values(visibility=PUBLIC))  # a confidential one waits (test below)
    exam = make_exam(org, allows_public_questions=True)
    client = login(org.learner)
    attempt_id = finish(client, exam)
    item = db.session.get(Attempt, attempt_id).items[0]
    review = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert report_url(attempt_id, item.question_id).replace("&", "&amp;") in review
    assert client.get(report_url(attempt_id, item.question_id)).status_code == 200
    sent = client.post(report_url(attempt_id, item.question_id), data={"reason": "explanation", "detail": ""})
    assert sent.status_code == 302
    row = db.session.scalar(select(QuestionReport))
    assert (row.source, row.attempt_id, row.version_id) == ("exam", attempt_id, item.question_version_id)
    not_in_paper = max(q.id for q in bank) + 1000
    assert client.get(report_url(attempt_id, not_in_paper)).status_code == 404
    other = login(org.villager)  # someone else's attempt
    assert other.get(report_url(attempt_id, item.question_id)).status_code == 404
    hr_view = login(org.hr).get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "/bank/reports/new" not in hr_view  # only the owner reports from the review


@pytest.mark.parametrize("fields", [{"review_policy": "never"}, {"review_policy": "after_close"}])
def test_no_report_before_the_review_is_shown(org, login, bank, clock, fields):
    exam = make_exam(org, **fields)
    client = login(org.learner)
    attempt_id = finish(client, exam)
    item = db.session.get(Attempt, attempt_id).items[0]
    assert client.get(report_url(attempt_id, item.question_id)).status_code == 403
    assert client.post(report_url(attempt_id, item.question_id), data={"reason": "key"}).status_code == 403
    assert db.session.scalar(select(QuestionReport)) is None


def test_no_report_of_a_confidential_question_before_the_exam_closes_for_everyone(org, login, bank, clock,
                                                                                 monkeypatch):
    """The report page shows the question: a confidential one is withheld from the review until then."""
    monkeypatch.setattr("examapp.bank.views_corrections.utcnow", clock)
    exam = make_exam(org, review_policy="after_submit")
    client = login(org.learner)
    attempt_id = finish(client, exam)
    item = db.session.get(Attempt, attempt_id).items[0]
    assert "/bank/reports/new" not in client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    response = client.get(report_url(attempt_id, item.question_id))
    assert response.status_code == 403 and "题干" not in response.get_data(as_text=True)
    clock.advance(days=11)  # the window has closed for everyone
    assert client.get(report_url(attempt_id, item.question_id)).status_code == 200


def test_no_report_while_the_attempt_runs(org, login, bank, clock):
    exam = make_exam(org)
    client = login(org.learner)
    data = start(client, exam.id)
    assert client.get(report_url(data["attempt_id"], data["questions"][0]["id"])).status_code == 403


def test_the_certificate_page_leads_to_the_review(org, login, bank, clock):
    exam = make_exam(org)
    client = login(org.learner)
    attempt_id = finish(client, exam)
    serial = client.get(f"/api/v1/attempts/{attempt_id}").get_json()["result"]["certificate_serial"]
    assert serial
    page = client.get(f"/records/certificates/{serial}").get_data(as_text=True)
    assert f"/exams/attempts/{attempt_id}/result#review" in page and "/bank/reports/mine" in page
    assert "certificate-review" not in login(org.admin).get(f"/records/certificates/{serial}").get_data(as_text=True)
