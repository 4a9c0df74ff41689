"""Every exam page, for every role: who gets 200, who 403/404, who is sent to log in."""

from datetime import timedelta

import pytest

from examapp.audit import AuditEvent
from examapp.exams import attempts, leaving
from examapp.exams.models import Exam, ExamOverride
from examapp.extensions import db
from tests.factories import make_user

from .conftest import make_exam


@pytest.fixture
def sat(org, exam):
    """A finished attempt by the office cadre and a running one by the village grid worker."""
    done = attempts.start_attempt(exam, org.learner, org.now)
    attempts.submit(done, org.now + timedelta(minutes=3))
    running = attempts.start_attempt(exam, org.villager, org.now)
    db.session.commit()
    return done, running


def test_learner_journey_pages(org, exam, login):
    client = login(org.learner)
    listing = client.get("/exams/")
    assert listing.status_code == 200 and exam.title in listing.get_data(as_text=True)
    detail = client.get(f"/exams/{exam.id}")
    assert detail.status_code == 200 and 'data-testid="start-exam"' in detail.get_data(as_text=True)
    started = client.post(f"/exams/{exam.id}/start")
    assert started.status_code == 302 and "/exams/attempts/" in started.location
    page = client.get(started.location)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for testid in ("save-status", "timer", "navigator", "submit-exam", "question-1"):
        assert f'data-testid="{testid}"' in html
    assert "<script>" not in html and "style=" not in html and "js/exam.js" in html
    aid = int(started.location.rstrip("/").split("/")[-1])
    submitted = client.post(f"/exams/attempts/{aid}/submit")
    assert submitted.status_code == 302
    result = client.get(f"/exams/attempts/{aid}/result")
    assert result.status_code == 200 and 'data-testid="score"' in result.get_data(as_text=True)
    assert client.get(f"/exams/attempts/{aid}").status_code == 302  # finished: to the result


def test_page_for_exam_outside_the_audience_is_404(org, bank, login):
    exam = make_exam(org, audience={"unit_ids": [org.other_town.id]})
    assert login(org.learner).get(f"/exams/{exam.id}").status_code == 404
    assert login(org.far).get(f"/exams/{exam.id}").status_code == 200


@pytest.mark.parametrize("who,take,result", [
    ("learner", 302, 200), ("villager", 404, 404), ("outsider", 404, 404), ("far", 404, 404),
    ("hr", 404, 200), ("admin", 404, 200), ("unitadmin", 404, 404), ("examiner", 404, 404),
])
def test_nobody_reads_another_persons_attempt(org, sat, login, who, take, result):
    done, _running = sat
    client = login(getattr(org, who))
    assert client.get(f"/exams/attempts/{done.id}").status_code == take
    assert client.get(f"/exams/attempts/{done.id}/result").status_code == result
    api = client.get(f"/api/v1/attempts/{done.id}")
    assert api.status_code == result
    if who != "learner":
        assert client.post(f"/api/v1/attempts/{done.id}/submit").status_code == 404
        assert client.put(f"/api/v1/attempts/{done.id}/answers/1", json={"answer": "A"}).status_code == 404


def test_unit_admin_reads_attempts_in_their_village_only(org, sat, login):
    _done, running = sat
    client = login(org.unitadmin)
    assert client.get(f"/api/v1/attempts/{running.id}").status_code == 200
    assert client.put(f"/api/v1/attempts/{running.id}/answers/1", json={"answer": "A"}).status_code == 404


def test_missing_and_foreign_attempts_look_the_same(org, sat, login):
    done, _ = sat
    client = login(org.outsider)
    foreign, missing = client.get(f"/api/v1/attempts/{done.id}"), client.get("/api/v1/attempts/999999")
    assert foreign.status_code == missing.status_code == 404 and foreign.get_json() == missing.get_json()


def test_anonymous_is_sent_to_log_in(client, org, sat):
    done, _ = sat
    assert client.get("/exams/").status_code in (302, 401)
    assert client.get(f"/exams/attempts/{done.id}/result").status_code in (302, 401)
    assert client.get(f"/api/v1/attempts/{done.id}").status_code == 401
    assert client.post("/api/v1/exams/1/attempts").status_code == 401


MANAGE_PAGES = ["/exams/manage", "/exams/manage/new", "/exams/manage/{id}", "/exams/manage/{id}/edit",
                "/exams/manage/{id}/overrides", "/exams/manage/{id}/regrade"]


@pytest.mark.parametrize("who,status", [("examiner", 200), ("admin", 200), ("hr", 403), ("learner", 403),
                                        ("unitadmin", 403)])
def test_examiner_pages_by_role(org, exam, login, who, status):
    client = login(getattr(org, who))
    for url in MANAGE_PAGES:
        assert client.get(url.format(id=exam.id)).status_code == status, url


@pytest.mark.parametrize("who,status", [("examiner", 200), ("admin", 200), ("hr", 200), ("learner", 403),
                                        ("unitadmin", 403)])
def test_attempts_and_evidence_pages(org, sat, exam, login, who, status):
    done, running = sat
    leaving.record_event(running, "leave", org.now, "2026-01-01T00:00:00Z")
    db.session.commit()
    client = login(getattr(org, who))
    listing = client.get(f"/exams/manage/{exam.id}/attempts")
    assert listing.status_code == status
    assert client.get(f"/exams/manage/attempts/{running.id}/evidence").status_code == status
    if status == 200:
        assert f"attempt-row-{running.id}" in listing.get_data(as_text=True)


def test_hr_sees_only_attempts_in_scope(org, bank, login):
    exam = make_exam(org, audience={})
    far_attempt = attempts.start_attempt(exam, org.far, org.now)
    db.session.commit()
    client = login(org.hr)
    assert f"attempt-row-{far_attempt.id}" not in client.get(f"/exams/manage/{exam.id}/attempts").get_data(as_text=True)
    assert client.get(f"/exams/manage/attempts/{far_attempt.id}/evidence").status_code == 404


def test_examiner_creates_adds_rules_and_publishes(org, bank, login):
    client = login(org.examiner)
    response = client.post("/exams/manage/new", data={
        "title": "2026年度执法资格考试", "year": 2026, "opens_at": "2026-12-01T08:00", "closes_at": "2026-12-20T18:00",
        "duration_minutes": 60, "pass_mark": "60", "excellent_mark": "90", "max_attempts": 2,
        "counted_rule": "highest", "multiple_rule": "partial", "partial_share": "0.5", "review_policy": "after_submit",
        "review_shows_key": "y", "counts_toward_record": "y", "is_qualification": "y", "certificate_valid_months": 36,
        "audience_units": [org.town.id], "audience_enforcement": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    exam = db.session.query(Exam).one()
    assert exam.is_qualification and exam.audience["enforcement"] and exam.multiple_rule == "partial"
    assert exam.opens_at.hour == 0  # 08:00 Beijing time is 00:00 UTC
    assert len(exam.blueprint) == 4  # the default 50-question paper
    page = client.get(f"/exams/manage/{exam.id}").get_data(as_text=True)
    assert "50" in page and 'data-testid="check-0"' in page
    refused = client.post(f"/exams/manage/{exam.id}/publish", follow_redirects=True)
    assert not db.session.get(Exam, exam.id).is_published and refused.status_code == 200
    for index in range(3, -1, -1):
        client.post(f"/exams/manage/{exam.id}/rules/{index}/delete")
    client.post(f"/exams/manage/{exam.id}/rules", data={"variant": "default", "section": "单选", "type": "single",
                                                        "law": "", "count": 5, "points": "20"})
    db.session.expire_all()
    assert db.session.get(Exam, exam.id).blueprint == [{"variant": "default", "section": "单选", "type": "single",
                                                        "count": 5, "points": "20"}]
    client.post(f"/exams/manage/{exam.id}/publish")
    db.session.expire_all()
    assert not db.session.get(Exam, exam.id).is_published  # no law-enforcement officer yet: nobody to take it
    make_user("officer1", org.village_a, is_enforcement=True)
    db.session.commit()
    client.post(f"/exams/manage/{exam.id}/publish")
    db.session.expire_all()
    assert db.session.get(Exam, exam.id).is_published
    assert db.session.query(AuditEvent).filter_by(action="exam.publish").count() == 1


def test_publish_check_ignores_questions_under_review(org, bank, login):
    from .conftest import make_question

    for i in range(10):
        make_question(f"r{i}", needs_review=True, law="civil-servant-law-2018")
    exam = make_exam(org, status="draft", blueprint=[{"variant": "default", "law": "civil-servant-law-2018",
                                                      "count": 1, "points": "100"}])
    login(org.examiner).post(f"/exams/manage/{exam.id}/publish")
    db.session.expire_all()
    assert not db.session.get(Exam, exam.id).is_published


def test_override_page_grants_with_reason(org, exam, login):
    client = login(org.examiner)
    response = client.post(f"/exams/manage/{exam.id}/overrides", data={
        "username": org.learner.username, "kind": "extra_time", "minutes": 20, "reason": "残疾人便利"})
    assert response.status_code == 302
    grant = db.session.query(ExamOverride).one()
    assert grant.granted_by_id == org.examiner.id and grant.reason == "残疾人便利" and grant.minutes == 20
    page = client.get(f"/exams/manage/{exam.id}/overrides").get_data(as_text=True)
    assert "残疾人便利" in page


def test_a_failed_result_offers_try_again_while_attempts_remain(org, bank, login):
    exam = make_exam(org, max_attempts=2)
    client = login(org.learner)
    results = []
    for minute in (0, 10):
        done = attempts.start_attempt(exam, org.learner, org.now + timedelta(minutes=minute))
        attempts.submit(done, org.now + timedelta(minutes=minute + 5))  # nothing answered: below the pass mark
        db.session.commit()
        results.append((done.id, client.get(f"/exams/attempts/{done.id}/result").get_data(as_text=True)))
    first_id, first = results[0]
    assert 'data-testid="result-retry"' in first and "再考一次" in first and "还可考 1 次" in first
    assert f'href="/exams/{exam.id}"' in first
    _, last = results[1]
    assert "result-retry" not in last and "再考一次" not in last  # no attempts left
    # Staff reading someone's result are not offered the learner's retry.
    staff = login(org.admin).get(f"/exams/attempts/{first_id}/result").get_data(as_text=True)
    assert "result-retry" not in staff
