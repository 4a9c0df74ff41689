"""Issue 9: exams draw confidential questions; public ones only by the examiner's recorded choice, with a
warning; keys for examiners and admins only, who never sit; a review waits until no one can still answer."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from examapp.audit import AuditEvent
from examapp.bank.models import PUBLIC, Question
from examapp.exams import attempts
from examapp.exams.availability import review_released
from examapp.exams.models import Attempt, AttemptItem, Exam, ExamOverride
from examapp.extensions import db

from .conftest import make_exam, make_question, right_answers, start

WARNING = "所用题目已公开"
ONE_SINGLE = [{"variant": "default", "type": "single", "count": 2, "points": "50"}]


@pytest.fixture
def mixed_bank(untangle):
    """Four confidential and four public single-choice questions."""
    secret = [make_question(f"sec{i}") for i in range(4)]
    public = [make_question(f"pub{i}", visibility=PUBLIC) for i in range(4)]
    db.session.commit()
    return {q.id for q in secret}, {q.id for q in public}


def paper_ids(attempt_id: int) -> set[int]:
    return set(db.session.scalars(select(AttemptItem.question_id).where(AttemptItem.attempt_id == attempt_id)))


def finish(client, exam_id: int) -> int:
    aid = start(client, exam_id)["attempt_id"]
    for qid, answer in right_answers(aid).items():
        client.put(f"/api/v1/attempts/{aid}/answers/{qid}", json={"answer": answer})
    assert client.post(f"/api/v1/attempts/{aid}/submit").status_code == 200
    return aid


def test_papers_draw_confidential_questions_only_by_default(org, mixed_bank, login, clock):
    secret, _public = mixed_bank
    exam = make_exam(org, blueprint=[{"variant": "default", "type": "single", "count": 4, "points": "25"}],
                     max_attempts=5)
    client = login(org.learner)
    for _ in range(3):
        aid = finish(client, exam.id)
        assert paper_ids(aid) == secret


def test_an_exam_allowing_public_questions_may_draw_them_and_every_page_says_so(org, mixed_bank, login, clock):
    secret, public = mixed_bank
    exam = make_exam(org, blueprint=[{"variant": "default", "type": "single", "count": 8, "points": "10"}],
                     allows_public_questions=True)
    client = login(org.learner)
    assert WARNING in client.get(f"/exams/{exam.id}").get_data(as_text=True)
    aid = start(client, exam.id)["attempt_id"]
    assert paper_ids(aid) == secret | public
    assert WARNING in client.get(f"/exams/attempts/{aid}").get_data(as_text=True)
    client.post(f"/api/v1/attempts/{aid}/submit")
    assert WARNING in client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
    staff = login(org.examiner)
    for path in ("/exams/manage", f"/exams/manage/{exam.id}", f"/exams/manage/{exam.id}/attempts",
                 f"/exams/manage/{exam.id}/overrides", f"/exams/manage/{exam.id}/regrade"):
        assert WARNING in staff.get(path).get_data(as_text=True), path


def test_a_confidential_exam_shows_no_warning(org, mixed_bank, login, clock):
    exam = make_exam(org, blueprint=ONE_SINGLE)
    assert WARNING not in login(org.learner).get(f"/exams/{exam.id}").get_data(as_text=True)
    assert WARNING not in login(org.examiner).get(f"/exams/manage/{exam.id}").get_data(as_text=True)


def test_publishing_without_enough_confidential_questions_is_refused_clearly(org, untangle, login):
    for i in range(5):
        make_question(f"pub{i}", visibility=PUBLIC)
    exam = make_exam(org, status="draft", blueprint=ONE_SINGLE)
    client = login(org.examiner)
    page = client.post(f"/exams/manage/{exam.id}/publish", follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Exam, exam.id).is_published
    assert "保密题" in page and "允许使用已公开题目" in page  # what is missing, and the two ways out
    assert 'data-testid="check-public-0"' in page  # the check counts the public ones it may not draw


def test_allowing_public_questions_is_an_explicit_audited_choice_on_the_form(org, untangle, login):
    for i in range(5):
        make_question(f"pub{i}", visibility=PUBLIC)
    exam = make_exam(org, status="draft", blueprint=ONE_SINGLE)
    client = login(org.examiner)
    form = client.get(f"/exams/manage/{exam.id}/edit").get_data(as_text=True)
    assert 'name="allows_public_questions"' in form
    data = edit_data(exam, allows_public_questions="y")
    assert client.post(f"/exams/manage/{exam.id}/edit", data=data).status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "exam.update")).one()
    assert event.detail["before"]["allows_public_questions"] is False
    assert event.detail["after"]["allows_public_questions"] is True
    assert event.actor_id == org.examiner.id
    client.post(f"/exams/manage/{exam.id}/publish")
    db.session.expire_all()
    assert db.session.get(Exam, exam.id).is_published


def edit_data(exam: Exam, **changes) -> dict:
    data = {"title": exam.title, "year": exam.year, "opens_at": local(exam.opens_at),
            "closes_at": local(exam.closes_at),
            "duration_minutes": exam.duration_minutes, "pass_mark": "60", "excellent_mark": "90",
            "max_attempts": exam.max_attempts, "counted_rule": "highest", "multiple_rule": "all_or_nothing",
            "partial_share": "0.5", "review_policy": exam.review_policy, "review_shows_key": "y",
            "counts_toward_record": "y", "audience_units": exam.audience.get("unit_ids", [])}
    data.update(changes)
    return data


def local(moment) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def test_editing_a_published_exam_is_audited_with_before_and_after(org, mixed_bank, login):
    exam = make_exam(org, blueprint=ONE_SINGLE)
    client = login(org.examiner)
    data = edit_data(exam, pass_mark="75", review_policy="after_close")
    assert client.post(f"/exams/manage/{exam.id}/edit", data=data).status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "exam.update")).one()
    before, after = event.detail["before"], event.detail["after"]
    assert event.detail["published"] is True
    assert (float(before["pass_mark"]), float(after["pass_mark"])) == (60, 75)
    assert (before["review_policy"], after["review_policy"]) == ("after_submit", "after_close")
    assert "title" not in after  # only what changed
    desk = login(org.admin).get("/audit/").get_data(as_text=True)
    assert "考试设置已修改" in desk and "及格分数线" in desk and "考试时段结束后" in desk
    client.post(f"/exams/manage/{exam.id}/edit", data=data)
    assert db.session.query(AuditEvent).filter_by(action="exam.update").count() == 1  # nothing changed: no record


def test_the_demo_exam_draws_the_public_bank_and_says_so(org, untangle, login):
    from examapp.exams.demo import seed_demo_exam

    for i in range(25):
        make_question(f"pub{i}", visibility=PUBLIC)
    db.session.commit()
    assert "公开" in seed_demo_exam(org.now)
    db.session.commit()
    exam = db.session.scalars(select(Exam)).one()
    assert exam.allows_public_questions
    assert WARNING in login(org.examiner).get(f"/exams/manage/{exam.id}").get_data(as_text=True)


# --- who sees keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["examiner", "admin"])
def test_key_holders_cannot_start_an_exam_as_a_candidate(org, bank, login, who):
    exam = make_exam(org, audience={"roles": ["learner", "examiner", "admin"]})  # names them: still refused
    client = login(getattr(org, who))
    response = client.post(f"/api/v1/exams/{exam.id}/attempts")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "key_holder"
    assert "不能以考生身份参加考试" in response.get_json()["error"]["message"]
    page = client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert "不能以考生身份参加考试" in page and 'data-testid="start-exam"' not in page
    client.post(f"/exams/{exam.id}/start")
    assert db.session.query(Attempt).count() == 0


@pytest.mark.parametrize("who", ["hr", "unitadmin"])
def test_hr_and_unit_admins_may_sit_but_never_see_keys(org, bank, login, clock, who):
    db.session.execute(update(Question).values(visibility=PUBLIC))
    exam = make_exam(org, audience={"roles": ["learner", "hr", "unit_admin"]}, allows_public_questions=True,
                     review_policy="after_submit")
    villager_attempt = finish(login(org.villager), exam.id)  # grid1 of 东山村: in both staff members' scope
    staff = login(getattr(org, who))
    own = finish(staff, exam.id)  # staff may sit: they never see keys
    clock.advance(days=30)  # long after the window: still no keys for HR or unit admins
    data = staff.get(f"/api/v1/attempts/{villager_attempt}").get_json()
    assert data["result"]["score"] == 100 and data["review_level"] == "answers"
    assert all("key" not in row and "explanation" not in row for row in data["review"])
    page = staff.get(f"/exams/attempts/{villager_attempt}/result").get_data(as_text=True)
    assert 'data-testid="score"' in page and "解析" not in page and "review-key-" not in page
    assert staff.get(f"/api/v1/attempts/{own}").get_json()["review_level"] == "full"  # their own, by the policy


def test_admins_see_keys_of_a_finished_attempt_at_once(org, bank, login, clock):
    exam = make_exam(org, review_policy="never")
    aid = finish(login(org.learner), exam.id)
    data = login(org.admin).get(f"/api/v1/attempts/{aid}").get_json()
    assert data["review_level"] == "full" and data["review_withheld"] == 0
    assert all("key" in row and "explanation" in row for row in data["review"])


def test_staff_reading_an_attempt_in_progress_get_no_paper(org, bank, login, clock):
    exam = make_exam(org)
    aid = start(login(org.learner), exam.id)["attempt_id"]
    data = login(org.hr).get(f"/api/v1/attempts/{aid}").get_json()
    assert data["state"] == "in_progress" and "questions" not in data


# --- confidential questions in the review ---------------------------------------------------------------


def test_confidential_questions_stay_out_of_the_review_until_the_exam_closes_for_everyone(org, bank, login, clock):
    exam = make_exam(org, review_policy="after_submit", closes_at=org.now + timedelta(hours=2))
    client = login(org.learner)
    aid = finish(client, exam.id)
    data = client.get(f"/api/v1/attempts/{aid}").get_json()
    assert data["result"]["score"] == 100  # the score is shown at once
    assert data["review_withheld"] == 9 and len(data["review"]) == 9
    for row in data["review"]:
        assert row["withheld"] is True
        assert not {"stem", "options", "answer", "is_correct", "awarded", "key", "explanation"} & set(row)
    page = client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
    assert 'data-testid="review-withheld"' in page and "题干" not in page
    clock.advance(hours=3)
    data = client.get(f"/api/v1/attempts/{aid}").get_json()
    assert data["review_withheld"] == 0 and all("key" in row for row in data["review"])


def test_after_close_review_waits_for_a_candidate_with_extra_time(org, bank, login, clock):
    """cadre1 finishes; grid1 has 30 extra minutes and is still answering after the window closes."""
    closes = org.now + timedelta(hours=1)
    exam = make_exam(org, review_policy="after_close", closes_at=closes, allows_public_questions=True)
    db.session.execute(update(Question).values(visibility=PUBLIC))
    db.session.add(ExamOverride(exam_id=exam.id, user_id=org.villager.id, kind="extra_time", minutes=30,
                                reason="视力障碍", granted_by_id=org.examiner.id, granted_at=org.now))
    db.session.commit()
    learner = login(org.learner)
    aid = finish(learner, exam.id)
    clock.advance(minutes=5)
    other = login(org.villager)
    running = start(other, exam.id)["attempt_id"]
    deadline = db.session.get(Attempt, running).deadline_at
    assert timedelta(0) <= deadline - (closes + timedelta(minutes=30)) < timedelta(seconds=1)
    learner = login(org.learner)
    for minutes in (56, 60 + 10, 60 + 30):  # window closed at 60; grid1 may answer until 90 (+ grace)
        clock.now = org.now + timedelta(minutes=minutes)
        assert learner.get(f"/api/v1/attempts/{aid}").get_json()["review_level"] == "none", minutes
    clock.now = org.now + timedelta(minutes=91)  # past grid1's deadline and the 30-second grace
    assert learner.get(f"/api/v1/attempts/{aid}").get_json()["review_level"] == "full"


def test_review_released_counts_reopenings_makeup_and_grace(org, bank):
    exam = make_exam(org, closes_at=org.now + timedelta(hours=1))
    later = org.now + timedelta(hours=2)
    assert not review_released(exam, org.now)
    assert review_released(exam, later)
    exam.makeup_opens_at, exam.makeup_closes_at = org.now + timedelta(hours=3), org.now + timedelta(hours=4)
    assert not review_released(exam, later)
    assert review_released(exam, org.now + timedelta(hours=4))
    db.session.add(ExamOverride(exam_id=exam.id, user_id=org.learner.id, kind="reopen", reason="病假",
                                until_at=org.now + timedelta(hours=6)))
    db.session.flush()
    assert not review_released(exam, org.now + timedelta(hours=5))
    attempt = attempts.start_attempt(exam, org.learner, org.now + timedelta(hours=5, minutes=59))
    db.session.flush()
    deadline = attempt.deadline_at
    assert not review_released(exam, deadline + timedelta(seconds=29))  # still inside the network grace
    assert review_released(exam, deadline + timedelta(seconds=31))
