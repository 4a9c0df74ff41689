"""Rolling out blanks judged by meaning: a dry run lists the attempts whose score would change; running it
is the examiner's decision, audited; a key correction never rescores other answers on the side."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.bank.models import Question
from examapp.exams import attempts, regrade
from examapp.exams.models import Attempt, AttemptItem
from examapp.extensions import db

from .conftest import make_exam, make_question
from .test_lifecycle import correct_key

BLUEPRINT = [{"variant": "default", "section": "单选", "type": "single", "count": 1, "points": "40"},
             {"variant": "default", "section": "填空", "type": "blank", "count": 1, "points": "60"}]
KEY = [["2021年7月15日"], ["十二个月"]]


@pytest.fixture
def rule_exam(org, untangle):
    make_question("rule-single")
    make_question("rule-blank", "blank", answer=KEY)
    db.session.commit()
    return make_exam(org, blueprint=BLUEPRINT, pass_mark=60, excellent_mark=90)


def finished_under_the_old_rule(org, exam, user, blank_answer) -> Attempt:
    """An attempt submitted before the rollout: its blank was marked by spelling (0 unless spelt as the key)."""
    attempt = attempts.start_attempt(exam, user, org.now)
    for item in attempt.items:
        attempts.save_answer(attempt, str(item.question_id), item.key if item.type == "single" else blank_answer,
                             org.now)
    attempts.submit(attempt, org.now + timedelta(minutes=5))
    blank = next(i for i in attempt.items if i.type == "blank")
    if blank_answer != [forms[0] for forms in KEY]:
        blank.awarded, blank.is_correct = Decimal(0), False
        attempt.record_result(score=Decimal(40), max_score=Decimal(100), passed=False, excellent=False)
    db.session.commit()
    return attempt


@pytest.fixture
def two_attempts(org, rule_exam):
    spelt_otherwise = finished_under_the_old_rule(org, rule_exam, org.learner, ["2021-07-15", "一年"])
    spelt_as_key = finished_under_the_old_rule(org, rule_exam, org.villager, ["2021年7月15日", "十二个月"])
    return spelt_otherwise, spelt_as_key


def test_dry_run_lists_only_attempts_whose_score_changes_and_changes_nothing(rule_exam, two_attempts):
    changed, same = two_attempts
    rows = regrade.rule_preview(rule_exam)
    assert [r.attempt.id for r in rows] == [changed.id]
    row = rows[0]
    assert (row.before, row.after, row.passed_before, row.passed_after) == (40, 100, False, True)
    assert [(item.type, mark.awarded) for item, mark in row.marks] == [("blank", Decimal(60))]
    db.session.rollback()
    assert db.session.get(Attempt, changed.id).score == 40


def test_running_it_rescores_and_is_audited(org, rule_exam, two_attempts):
    changed, same = two_attempts
    regrade.rule_run(rule_exam, org.examiner, org.now)
    db.session.commit()
    attempt = db.session.get(Attempt, changed.id)
    assert attempt.score == 100 and attempt.passed is True and attempt.excellent is True
    assert db.session.get(Attempt, same.id).score == 100
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "exam.regrade")).one()
    assert event.detail["reason"] == "scoring rule" and event.detail["questions"] == ["rule-blank"]
    assert event.detail["attempts"] == [{"attempt": changed.id, "user": org.learner.username, "before": "40.00",
                                         "after": "100.00", "passed_before": False, "passed_after": True}]
    assert regrade.rule_preview(rule_exam) == []


def test_a_key_correction_does_not_rescore_other_answers(org, rule_exam, two_attempts):
    changed, _same = two_attempts
    single = next(i for i in changed.items if i.type == "single")
    question = db.session.get(Question, single.question_id)
    wrong = "B" if single.key != "B" else "C"
    correct_key(question, single.option_order["ABCD".index(wrong)], org)
    regrade.run(rule_exam, question, org.examiner, org.now)
    db.session.commit()
    blank = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == changed.id,
                                                         AttemptItem.type == "blank")).one()
    assert blank.awarded == 0  # still the published mark: only the examiner's rule regrade changes it
    assert db.session.get(Attempt, changed.id).score == 0


def test_pages_dry_run_then_run(org, rule_exam, two_attempts, login):
    changed, _same = two_attempts
    client = login(org.examiner)
    assert "regrade/rule" in client.get(f"/exams/manage/{rule_exam.id}/regrade").get_data(as_text=True)
    page = client.get(f"/exams/manage/{rule_exam.id}/regrade/rule").get_data(as_text=True)
    assert page.count('data-testid="rule-row"') == 1 and "2021-07-15" in page and "rule-blank" in page
    assert db.session.get(Attempt, changed.id).score == 40
    response = client.post(f"/exams/manage/{rule_exam.id}/regrade/rule")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Attempt, changed.id).score == 100


def test_pages_for_other_roles(org, rule_exam, two_attempts, login):
    for user in (org.learner, org.hr, org.unitadmin):
        client = login(user)
        assert client.get(f"/exams/manage/{rule_exam.id}/regrade/rule").status_code == 403
        assert client.post(f"/exams/manage/{rule_exam.id}/regrade/rule").status_code == 403
    db.session.expire_all()
    assert db.session.get(Attempt, two_attempts[0].id).score == 40


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_running_needs_the_csrf_token(org, rule_exam, two_attempts, app):
    from tests.factories import PASSWORD

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/login", data={"username": org.examiner.username, "password": PASSWORD, "csrf_token": token})
    url = f"/exams/manage/{rule_exam.id}/regrade/rule"
    assert client.post(url).status_code == 400
    db.session.expire_all()
    assert db.session.get(Attempt, two_attempts[0].id).score == 40
    token = client.get(url).get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Attempt, two_attempts[0].id).score == 100


def test_cli_dry_run_then_apply(org, rule_exam, two_attempts, runner):
    changed, _same = two_attempts
    dry = runner.invoke(args=["exams", "regrade-rule", str(rule_exam.id)])
    assert dry.exit_code == 0 and "预览：1 份答卷的得分会变" in dry.output and "40.00 分 → 100.00 分" in dry.output
    db.session.expire_all()
    assert db.session.get(Attempt, changed.id).score == 40
    done = runner.invoke(args=["exams", "regrade-rule", str(rule_exam.id), "--apply"])
    assert done.exit_code == 0 and "已重新计分 1 份答卷" in done.output
    db.session.expire_all()
    assert db.session.get(Attempt, changed.id).score == 100
    assert runner.invoke(args=["exams", "regrade-rule", "999999"]).exit_code == 1


def test_cli_every_exam_by_default(org, rule_exam, two_attempts, runner):
    other = make_exam(org, title="另一场考试")
    dry = runner.invoke(args=["exams", "regrade-rule"])
    assert dry.exit_code == 0 and f"考试 {rule_exam.id} 答卷 {two_attempts[0].id}" in dry.output
    assert f"考试 {other.id} " not in dry.output and "预览：1 份答卷的得分会变" in dry.output
