"""Leaving the exam page: the examiner's policy per exam, counted by server times, warned on return."""

import re
from datetime import timedelta

import pytest

from examapp.exams.models import Attempt, AttemptEvent, Exam
from examapp.extensions import db

from .conftest import make_exam, start

WARNING_HIDDEN = re.compile(r'id="leave-warning"[^>]*\shidden>')


def event(client, attempt_id, kind, **extra):
    response = client.post(f"/api/v1/attempts/{attempt_id}/events", json={"kind": kind, **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def away(client, clock, attempt_id, seconds, **extra):
    """Leave the page, let the server clock run, come back; return the server's answer to the return."""
    assert event(client, attempt_id, "leave")["message"] == ""
    clock.advance(seconds=seconds)
    return event(client, attempt_id, "return", **extra)


def attempt_of(attempt_id) -> Attempt:
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)


@pytest.fixture
def sitting(org, bank, login, clock):
    """Start the exam with a given leave policy; return (client, attempt id)."""
    def begin(policy="record", limit=None):
        exam = make_exam(org, leave_policy=policy, leave_limit=limit)
        client = login(org.learner)
        return client, start(client, exam.id)["attempt_id"]
    return begin


def test_record_only_is_the_default_and_never_submits(org, bank, sitting, clock):
    assert make_exam(org, title="默认").leave_policy == "record"
    client, aid = sitting()
    for n in range(1, 8):
        back = away(client, clock, aid, 40)
        assert back["state"] == "in_progress" and back["counted"] is True and back["leaves"] == n
    assert "第 7 次" in back["message"] and "40 秒" in back["message"] and "不会" not in back["message"]
    assert "考试继续" in back["message"]
    assert attempt_of(aid).leave_count == 7


def test_warn_says_the_count_on_every_return_and_never_submits(sitting, clock):
    client, aid = sitting("warn")
    messages = [away(client, clock, aid, 10)["message"] for _ in range(12)]
    assert all("注意" in m for m in messages)
    assert "12 次" in messages[-1] and "1 次" in messages[0]
    assert attempt_of(aid).state == "in_progress"


def test_submit_after_n_leaves_says_what_comes_next_then_submits_on_the_next(sitting, clock):
    client, aid = sitting("submit", 2)
    first = away(client, clock, aid, 5)
    assert "再离开 2 次" in first["message"] and first["state"] == "in_progress"
    second = away(client, clock, aid, 5)
    assert "再离开 1 次" in second["message"]
    third = away(client, clock, aid, 5)
    assert third["state"] == "finished" and third["leaves"] == 3
    attempt = attempt_of(aid)
    assert attempt.state == "finished" and attempt.finish_reason == "left_page" and attempt.score is not None


def test_switches_shorter_than_three_seconds_are_kept_but_never_count(sitting, clock):
    client, aid = sitting("submit", 1)
    for _ in range(10):
        short = away(client, clock, aid, 2)
        assert short["counted"] is False and short["message"] == "" and short["state"] == "in_progress"
    leaves = db.session.query(AttemptEvent).filter_by(attempt_id=aid, kind="leave").all()
    assert len(leaves) == 10 and all(e.ended_at is not None and not e.is_counted for e in leaves)
    assert attempt_of(aid).leave_count == 0


def test_the_server_times_decide_not_the_device(sitting, clock):
    client, aid = sitting("submit", 1)
    claimed = away(client, clock, aid, 1, away_ms=600_000)  # the device says ten minutes; the server saw 1 s
    assert claimed["counted"] is False and attempt_of(aid).leave_count == 0
    back = db.session.query(AttemptEvent).filter_by(attempt_id=aid, kind="return").one()
    assert back.detail == {"device_away_ms": 600000}  # kept as evidence all the same
    assert away(client, clock, aid, 30, away_ms=500)["counted"] is True  # and a long leave counts


def test_a_second_return_does_not_count_the_same_leave_twice(sitting, clock):
    client, aid = sitting()
    away(client, clock, aid, 10)
    clock.advance(seconds=10)
    again = event(client, aid, "return")
    assert again["counted"] is None and again["leaves"] == 1


def test_reopening_the_page_after_a_leave_is_the_return(sitting, clock):
    client, aid = sitting("submit", 1)
    event(client, aid, "leave")
    clock.advance(minutes=2)  # the browser was closed; the learner opens the exam again
    page = client.get(f"/exams/attempts/{aid}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "再离开 1 次" in html and "2 分 0 秒" in html
    kinds = [e.kind for e in db.session.query(AttemptEvent).filter_by(attempt_id=aid).order_by(AttemptEvent.id)]
    assert kinds == ["leave", "resume"]
    assert not WARNING_HIDDEN.search(html)
    assert WARNING_HIDDEN.search(client.get(f"/exams/attempts/{aid}").get_data(as_text=True))  # no leave open now
    event(client, aid, "leave")
    clock.advance(minutes=1)
    assert client.get(f"/exams/attempts/{aid}").status_code == 302  # the second leave submitted the paper
    assert attempt_of(aid).finish_reason == "left_page"


@pytest.mark.parametrize("policy,limit,text", [
    ("record", None, "不会因此交卷"), ("warn", None, "每次返回时都会提醒"), ("submit", 4, "离开超过 4 次")])
def test_the_policy_is_shown_before_starting_and_on_the_exam_page(org, bank, login, policy, limit, text):
    exam = make_exam(org, leave_policy=policy, leave_limit=limit)
    client = login(org.learner)
    assert text in client.get(f"/exams/{exam.id}").get_data(as_text=True)
    started = client.post(f"/exams/{exam.id}/start")
    page = client.get(started.location).get_data(as_text=True)
    assert 'data-testid="leave-policy"' in page and text in page and "短于 3 秒" in page


def test_the_api_tells_the_policy_before_starting(org, bank, login):
    exam = make_exam(org, leave_policy="submit", leave_limit=4)
    rows = login(org.learner).get("/api/v1/exams").get_json()["exams"]
    policy = next(row for row in rows if row["id"] == exam.id)["leave_policy"]
    assert policy["kind"] == "submit" and policy["limit"] == 4 and "离开超过 4 次" in policy["text"]


def test_the_evidence_page_lists_every_leave_with_how_long_and_whether_it_counted(org, sitting, clock, login):
    client, aid = sitting()
    away(client, clock, aid, 1)
    away(client, clock, aid, 75)
    event(client, aid, "leave")
    html = login(org.examiner).get(f"/exams/manage/attempts/{aid}/evidence").get_data(as_text=True)
    assert "1 秒 · 时间过短，不计" in html and "1 分 15 秒 · 计入" in html and "未记录返回" in html
    assert "计入的离开：1 次" in html


def exam_form(org, **fields):
    data = {"title": "2026年度学法考试", "year": 2026, "opens_at": "2026-12-01T08:00",
            "closes_at": "2026-12-20T18:00", "duration_minutes": 60, "pass_mark": "60", "excellent_mark": "90",
            "max_attempts": 2, "counted_rule": "highest", "multiple_rule": "partial", "partial_share": "0.5",
            "review_policy": "after_submit", "audience_units": [org.town.id]}
    return {**data, **fields}


def test_the_examiner_chooses_the_policy_and_submit_needs_a_number(org, bank, login):
    client = login(org.examiner)
    refused = client.post("/exams/manage/new", data=exam_form(org, leave_policy="submit"), follow_redirects=True)
    assert "允许离开几次" in refused.get_data(as_text=True) and db.session.query(Exam).count() == 0
    bad = client.post("/exams/manage/new", data=exam_form(org, leave_policy="explode"))
    assert bad.status_code == 200 and db.session.query(Exam).count() == 0
    client.post("/exams/manage/new", data=exam_form(org, leave_policy="submit", leave_limit=5))
    exam = db.session.query(Exam).one()
    assert (exam.leave_policy, exam.leave_limit) == ("submit", 5)
    client.post(f"/exams/manage/{exam.id}/edit", data=exam_form(org, leave_policy="warn", leave_limit=5))
    db.session.expire_all()
    assert (exam.leave_policy, exam.leave_limit) == ("warn", None)  # a number only means something for "submit"
    assert client.post("/exams/manage/new", data=exam_form(org)).status_code == 302
    assert db.session.query(Exam).order_by(Exam.id.desc()).first().leave_policy == "record"


@pytest.mark.parametrize("who", ["villager", "examiner", "hr"])
def test_only_the_owner_reports_leaves(org, sitting, login, who):
    _client, aid = sitting("submit", 1)
    other = login(getattr(org, who))
    assert other.post(f"/api/v1/attempts/{aid}/events", json={"kind": "leave"}).status_code == 404
    assert db.session.query(AttemptEvent).filter_by(attempt_id=aid).count() == 0


def test_an_unknown_kind_is_refused(sitting):
    client, aid = sitting()
    assert client.post(f"/api/v1/attempts/{aid}/events", json={"kind": "teleport"}).status_code == 422


def test_a_return_after_deadline_and_grace_finishes_the_attempt_as_of_its_deadline_not_as_left(sitting, clock):
    """Found by C-06: a return reported after the deadline + grace (the attempt not yet closed by the job)
    counted the leave and submitted the paper as "left the page" at that later time."""
    client, aid = sitting("submit", 1)
    away(client, clock, aid, 5)
    assert event(client, aid, "leave")["state"] == "in_progress"
    deadline = attempt_of(aid).deadline_at
    clock.now = deadline + timedelta(minutes=5)
    back = event(client, aid, "return")
    attempt = attempt_of(aid)
    assert back["state"] == "finished" and back["leaves"] == 1
    assert (attempt.finish_reason, attempt.finished_at, attempt.leave_count) == ("overdue", deadline, 1)


def test_a_paper_submitted_by_leaving_inside_the_grace_finishes_at_the_deadline(sitting, clock):
    client, aid = sitting("submit", 1)
    away(client, clock, aid, 5)
    deadline = attempt_of(aid).deadline_at
    assert event(client, aid, "leave")["state"] == "in_progress"
    clock.now = deadline + timedelta(seconds=10)  # inside the 30 s network grace
    assert event(client, aid, "return")["state"] == "finished"
    attempt = attempt_of(aid)
    assert (attempt.finish_reason, attempt.finished_at) == ("left_page", deadline)
