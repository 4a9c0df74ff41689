"""Overdue finalisation by the CLI, regrade, leave-page evidence, listeners, counted attempt."""

from datetime import timedelta
from decimal import Decimal

from examapp.audit import AuditEvent
from examapp.bank.models import Question, QuestionVersion
from examapp.exams import attempts, leaving, regrade
from examapp.exams.cli import close_overdue
from examapp.exams.models import Attempt, AttemptEvent, AttemptItem
from examapp.exams.queries import counted_attempt
from examapp.exams.signals import attempt_finished
from examapp.extensions import db

from .conftest import make_exam, right_answers


def started(org, exam, user=None, when=None):
    attempt = attempts.start_attempt(exam, user or org.learner, when or org.now)
    db.session.commit()
    return attempt


def test_close_overdue_finalises_with_the_deadline_and_keeps_saved_answers(org, exam, runner, app):
    late = started(org, exam)
    fresh = started(org, exam, org.villager, when=org.now + timedelta(hours=5))
    keys = right_answers(late.id)
    item = late.items[0]
    attempts.save_answer(late, str(item.question_id), keys[str(item.question_id)], org.now)
    db.session.commit()
    result = runner.invoke(args=["exams", "close-overdue"], catch_exceptions=False)
    assert "已为 0 份超时答卷交卷计分" in result.output  # nothing overdue yet (the real clock is org.now)
    closed, failed = close_overdue(org.now + timedelta(hours=3))
    db.session.commit()
    assert (closed, failed) == (1, 0)
    db.session.refresh(late)
    db.session.refresh(fresh)
    assert late.state == "finished" and late.finished_at == late.deadline_at and late.score == item.points
    assert fresh.state == "in_progress"
    assert close_overdue(org.now + timedelta(hours=3)) == (0, 0)  # safe to run again


def test_close_overdue_skips_a_broken_attempt_and_finishes_the_others(org, exam, monkeypatch):
    first, second = started(org, exam), started(org, exam, org.villager)
    real = attempts.score_attempt

    def poisoned(attempt):
        if attempt.id == first.id:
            raise RuntimeError("poisoned")
        real(attempt)

    monkeypatch.setattr(attempts, "score_attempt", poisoned)
    assert close_overdue(org.now + timedelta(hours=3)) == (1, 1)
    assert db.session.get(Attempt, second.id).state == "finished"
    assert db.session.get(Attempt, first.id).state == "in_progress"


def test_finished_signal_sent_once_and_listener_failure_keeps_result(org, exam):
    seen = []

    def listener(sender, now=None, **_):
        seen.append(sender.id)
        raise RuntimeError("records is broken")

    attempt = started(org, exam)
    with attempt_finished.connected_to(listener):
        attempts.submit(attempt, org.now + timedelta(minutes=5))
        attempts.submit(attempt, org.now + timedelta(minutes=6))
    db.session.commit()
    assert seen == [attempt.id]
    assert db.session.get(Attempt, attempt.id).state == "finished"


def test_leave_limit_finishes_the_attempt(org, bank):
    exam = make_exam(org, leave_policy="submit", leave_limit=2)
    attempt = started(org, exam)
    for minute in range(3):
        leaving.record_event(attempt, "leave", org.now + timedelta(minutes=minute), "x")
        leaving.record_event(attempt, "return", org.now + timedelta(minutes=minute, seconds=5))
    db.session.commit()
    db.session.refresh(attempt)
    assert attempt.state == "finished" and attempt.finish_reason == "left_page" and attempt.leave_count == 3
    assert db.session.query(AttemptEvent).filter_by(attempt_id=attempt.id, kind="leave").count() == 3


def correct_key(question: Question, new_answer, org):
    old = db.session.get(QuestionVersion, question.current_version_id)
    version = QuestionVersion(question_id=question.id, number=old.number + 1, type=old.type, stem=old.stem,
                              options=old.options, answer=new_answer, explanation="更正后的解析", basis=old.basis,
                              audience=old.audience)
    db.session.add(version)
    db.session.flush()
    question.current_version_id = version.id
    db.session.commit()
    return version


def test_regrade_dry_run_then_run(org, exam):
    attempt = started(org, exam)
    item = next(i for i in attempt.items if i.type == "single")
    attempts.save_answer(attempt, str(item.question_id), item.key, org.now)  # right under the old key
    attempts.submit(attempt, org.now + timedelta(minutes=5))
    db.session.commit()
    before = attempt.score
    question = db.session.get(Question, item.question_id)
    wrong = "B" if item.key != "B" else "C"  # a label that was not right under the old key
    version = correct_key(question, item.option_order["ABCD".index(wrong)], org)
    assert [q.id for q, _n in regrade.stale_questions(exam)] == [question.id]
    rows = regrade.preview(exam, question)
    assert len(rows) == 1 and rows[0].before == before and rows[0].after == before - item.points
    db.session.rollback()
    assert db.session.get(Attempt, attempt.id).score == before  # the dry run changed nothing
    regrade.run(exam, question, org.examiner, org.now)
    db.session.commit()
    item = db.session.get(AttemptItem, item.id)
    assert item.key == wrong and item.graded_version_id == version.id and item.awarded == 0
    assert db.session.get(Attempt, attempt.id).score == before - item.points
    audit = db.session.query(AuditEvent).filter_by(action="exam.regrade").one()
    assert audit.detail["attempts"][0]["after"] == str(before - item.points)
    assert regrade.stale_questions(exam) == []


def test_a_regrade_corrects_the_key_of_papers_still_being_written(org, exam):
    """Found by C-06: an attempt in progress during a regrade kept the old key and was scored by it on finish."""
    attempt = started(org, exam)
    item = next(i for i in attempt.items if i.type == "single")
    attempts.save_answer(attempt, str(item.question_id), item.key, org.now)  # right under the old key
    db.session.commit()
    question = db.session.get(Question, item.question_id)
    wrong = "B" if item.key != "B" else "C"
    version = correct_key(question, item.option_order["ABCD".index(wrong)], org)
    regrade.run(exam, question, org.examiner, org.now)
    db.session.commit()
    item = db.session.get(AttemptItem, item.id)
    assert item.key == wrong and item.graded_version_id == version.id
    attempts.submit(db.session.get(Attempt, attempt.id), org.now + timedelta(minutes=5))
    db.session.commit()
    assert db.session.get(AttemptItem, item.id).awarded == 0
    audit = db.session.query(AuditEvent).filter_by(action="exam.regrade").one()
    assert audit.detail["in_progress"] == [attempt.id] and regrade.stale_questions(exam) == []


def test_counted_attempt_highest_or_latest(org, exam):
    scores = [Decimal(70), Decimal(90), Decimal(50)]
    for n, score in enumerate(scores, start=1):
        attempt = Attempt(exam_id=exam.id, user_id=org.learner.id, number=n, seed=n, started_at=org.now,
                          deadline_at=org.now, state="finished", score=score, max_score=100, passed=score >= 60)
        db.session.add(attempt)
    db.session.commit()
    assert counted_attempt(org.learner, exam).score == 90
    exam.counted_rule = "latest"
    assert counted_attempt(org.learner, exam).score == 50
    assert counted_attempt(org.villager, exam) is None


def test_passing_returns_the_certificate_serial_from_records(org, bank, login):
    """Integration with the records domain: its attempt_finished handler issues, submit reports the serial."""
    exam = make_exam(org, is_qualification=True, certificate_valid_months=36)
    client = login(org.learner)
    aid = client.post(f"/api/v1/exams/{exam.id}/attempts").get_json()["attempt_id"]
    for qid, answer in right_answers(aid).items():
        client.put(f"/api/v1/attempts/{aid}/answers/{qid}", json={"answer": answer})
    first = client.post(f"/api/v1/attempts/{aid}/submit").get_json()
    again = client.post(f"/api/v1/attempts/{aid}/submit").get_json()
    assert first["passed"] is True and first["certificate_serial"] and again == first
