"""The learner's journey through the API: start, resume, save, deadline, submit, result."""

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from examapp.bank.models import Question, QuestionVersion
from examapp.exams.models import Attempt, AttemptEvent, AttemptItem, Exam
from examapp.extensions import db

from .conftest import make_exam, make_question, right_answers, start


def put(client, attempt_id, qid, answer, **extra):
    return client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"answer": answer, **extra})


def test_start_resume_and_same_deadline_on_another_device(org, exam, login, clock, app):
    client = login(org.learner)
    paper = start(client, exam.id)
    assert paper["state"] == "in_progress" and len(paper["questions"]) == 9
    assert paper["deadline"].endswith("Z") and paper["remaining_seconds"] == 90 * 60
    clock.advance(minutes=10)
    other = app.test_client()
    other.post("/login", data={"username": org.learner.username, "password": "Secret-pass-123"})
    again = start(other, exam.id)
    assert again["attempt_id"] == paper["attempt_id"] and again["deadline"] == paper["deadline"]
    assert [q["id"] for q in again["questions"]] == [q["id"] for q in paper["questions"]]
    assert [q.get("options") for q in again["questions"]] == [q.get("options") for q in paper["questions"]]
    assert again["remaining_seconds"] == 80 * 60


def test_save_is_idempotent_and_acknowledged(org, exam, login, clock):
    client = login(org.learner)
    paper = start(client, exam.id)
    single = next(q for q in paper["questions"] if q["type"] == "single")
    for _ in range(2):
        response = put(client, paper["attempt_id"], single["id"], "B")
        assert response.status_code == 200 and response.get_json()["saved"] is True
    state = client.get(f"/api/v1/attempts/{paper['attempt_id']}").get_json()
    assert state["answers"] == {str(single["id"]): "B"}


def test_stale_sequence_is_ignored(org, exam, login, clock):
    client = login(org.learner)
    paper = start(client, exam.id)
    qid = next(q["id"] for q in paper["questions"] if q["type"] == "single")
    assert put(client, paper["attempt_id"], qid, "C", seq=5).get_json()["stored"] is True
    replay = put(client, paper["attempt_id"], qid, "A", seq=3).get_json()
    assert replay["stored"] is False and replay["answer"] == "C"


def test_answers_of_the_wrong_shape_or_foreign_questions_are_refused(org, exam, login, clock, bank):
    client = login(org.learner)
    paper = start(client, exam.id)
    by_type = {q["type"]: q for q in paper["questions"]}
    aid = paper["attempt_id"]
    assert put(client, aid, by_type["single"]["id"], "Z").status_code == 422
    assert put(client, aid, by_type["single"]["id"], ["A"]).status_code == 422
    assert put(client, aid, by_type["multiple"]["id"], "A").status_code == 422
    assert put(client, aid, by_type["true_false"]["id"], "true").status_code == 422
    assert put(client, aid, by_type["blank"]["id"], ["a", "b"]).status_code == 422
    on_paper = {q["id"] for q in paper["questions"]}
    foreign = next(q.id for q in bank if q.id not in on_paper)
    assert put(client, aid, foreign, "A").status_code == 404
    assert put(client, aid, "abc", "A").status_code == 422
    # Digits that are not ASCII ("²", "٣") and ids no column could hold are refused, not a server error.
    for ref in ("%C2%B2", "%D9%A3", "9" * 30, "1-%C2%B2", "1-" + "9" * 30):
        assert put(client, aid, ref, "A").status_code == 422, ref
    assert client.put(f"/api/v1/attempts/{aid}/answers/{by_type['single']['id']}", json={"x": 1}).status_code == 422


def test_late_answers_are_refused_and_the_attempt_finalises_at_its_deadline(org, exam, login, clock, app):
    client = login(org.learner)
    paper = start(client, exam.id)
    aid, qid = paper["attempt_id"], paper["questions"][0]["id"]
    clock.advance(minutes=90, seconds=app.config["EXAM_GRACE_SECONDS"] - 1)
    assert put(client, aid, qid, "A").status_code == 200  # inside the grace
    clock.advance(seconds=2)
    late = put(client, aid, qid, "B")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "deadline_passed"
    attempt = db.session.get(Attempt, aid)
    db.session.refresh(attempt)
    assert attempt.state == "finished" and attempt.finished_at == attempt.deadline_at
    assert attempt.finish_reason == "overdue"
    item = db.session.query(AttemptItem).filter_by(attempt_id=aid, question_id=qid).one()
    assert item.answer == "A"  # the late write changed nothing
    assert db.session.query(AttemptEvent).filter_by(attempt_id=aid, kind="late_answer").count() == 1
    assert put(client, aid, qid, "B").get_json()["error"]["code"] == "attempt_finished"


def test_a_submit_inside_the_grace_finishes_as_of_the_deadline(org, exam, login, clock, app):
    """Found by C-06: the grace is for the network, not extra time; the finish time was the later arrival."""
    client = login(org.learner)
    aid = start(client, exam.id)["attempt_id"]
    deadline = db.session.get(Attempt, aid).deadline_at
    clock.now = deadline + timedelta(seconds=app.config["EXAM_GRACE_SECONDS"] - 1)
    assert client.post(f"/api/v1/attempts/{aid}/submit").get_json()["finish_reason"] == "submitted"
    attempt = db.session.get(Attempt, aid)
    db.session.refresh(attempt)
    assert attempt.finished_at == deadline


def test_a_refused_start_still_finishes_the_overdue_attempt_it_found(org, bank, login, clock, app):
    """Found by C-06: the start found the open attempt overdue and finished it, then refused (the window had
    closed) and the refusal rolled the finish back: the attempt stayed in progress."""
    exam = make_exam(org, max_attempts=1)
    client = login(org.learner)
    aid = start(client, exam.id)["attempt_id"]
    clock.now = exam.closes_at + timedelta(hours=1)
    refused = client.post(f"/api/v1/exams/{exam.id}/attempts")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "closed"
    attempt = db.session.get(Attempt, aid)
    db.session.refresh(attempt)
    assert (attempt.state, attempt.finished_at, attempt.finish_reason) == ("finished", attempt.deadline_at, "overdue")


def test_submit_scores_exactly_and_is_idempotent(org, exam, login, clock):
    client = login(org.learner)
    paper = start(client, exam.id)
    aid = paper["attempt_id"]
    for qid, answer in right_answers(aid).items():
        assert put(client, aid, qid, answer).status_code == 200
    first = client.post(f"/api/v1/attempts/{aid}/submit")
    assert first.status_code == 200
    result = first.get_json()
    assert result["score"] == 100 and result["max_score"] == 100 and result["passed"] is True
    assert "certificate_serial" in result
    clock.advance(minutes=1)
    assert client.post(f"/api/v1/attempts/{aid}/submit").get_json() == result
    assert put(client, aid, paper["questions"][0]["id"], "B").status_code == 409


def test_pass_line_is_reached_exactly_at_sixty(org, exam, login, clock):
    client = login(org.learner)
    paper = start(client, exam.id)
    aid = paper["attempt_id"]
    keys = right_answers(aid)
    items = {i.question_id: i for i in db.session.query(AttemptItem).filter_by(attempt_id=aid)}
    # 4 singles x10 + 1 blank x20 = 60 points
    for qid, item in items.items():
        if item.type in ("single", "blank"):
            put(client, aid, qid, keys[str(qid)])
    result = client.post(f"/api/v1/attempts/{aid}/submit").get_json()
    assert result["score"] == 60 and result["passed"] is True


def test_overdue_attempt_is_finalised_on_the_next_read(org, exam, login, clock):
    client = login(org.learner)
    aid = start(client, exam.id)["attempt_id"]
    clock.advance(hours=3)
    state = client.get(f"/api/v1/attempts/{aid}").get_json()
    assert state["state"] == "finished" and state["result"]["score"] == 0
    attempt = db.session.get(Attempt, aid)
    db.session.refresh(attempt)
    assert attempt.finished_at == attempt.deadline_at


def test_deadline_is_capped_by_the_window(org, bank, login, clock):
    from datetime import timedelta

    exam = make_exam(org, closes_at=org.now + timedelta(minutes=20))
    paper = start(login(org.learner), exam.id)
    assert paper["remaining_seconds"] == 20 * 60


VOLATILE = re.compile(r'(csrf-token" content="[^"]+"|value="[^"]{40,}"|\d{4}-\d\d-\d\dT[\d:.]+Z?|'
                      r'"(\w*_id|id|remaining_seconds)": ?\d+|/(attempts|exams)/\d+|'
                      r'data-(attempt|exam)-id="\d+"|data-remaining="\d+"|"exam-\d+"|\d+:\d\d(:\d\d)?)')


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def twin_responses(org, login, twin: str, monkeypatch) -> list[str]:
    """Everything a learner can fetch before finishing, from a bank whose key is `twin`."""
    monkeypatch.setattr("examapp.exams.attempts.secrets.randbits", lambda _bits: 1234567)
    for i in range(4):
        make_question(f"twin{i}", answer=twin, id=9000 + i, options=[{"key": k, "text": f"项{k}{i}"} for k in "ABCD"])
    exam = make_exam(org, blueprint=[{"variant": "default", "section": "单选", "type": "single", "count": 4,
                                      "points": "25"}])
    client = login(org.learner)
    assert client.get(f"/exams/{exam.id}").status_code == 200
    bodies = [client.get("/exams/").get_data(as_text=True),
              client.get(f"/exams/{exam.id}").get_data(as_text=True),
              client.post(f"/api/v1/exams/{exam.id}/attempts").get_data(as_text=True),
              client.get("/api/v1/exams").get_data(as_text=True)]
    aid = db.session.query(Attempt.id).scalar()
    qid = db.session.query(AttemptItem.question_id).filter_by(attempt_id=aid, position=1).scalar()
    bodies += [client.get(f"/api/v1/attempts/{aid}").get_data(as_text=True),
               page_of(client, f"/exams/attempts/{aid}"),
               client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True),
               put(client, aid, qid, "B").get_data(as_text=True),
               client.get("/static/js/exam.js").get_data(as_text=True)]
    db.session.query(AttemptItem).delete()
    db.session.query(Attempt).delete()
    db.session.execute(update(Question).values(current_version_id=None))
    db.session.query(QuestionVersion).delete()
    db.session.query(Question).delete()
    db.session.query(Exam).delete()
    db.session.commit()
    return [VOLATILE.sub("#", body) for body in bodies]


def test_key_never_reaches_the_browser_before_finishing(org, login, clock, untangle, monkeypatch):
    """Twin banks differing only in the right option give byte-identical responses (S-01)."""
    first, second = (twin_responses(org, login, twin, monkeypatch) for twin in ("A", "C"))
    assert len(first) == 9
    for one, other in zip(first, second, strict=True):
        assert one == other
        for word in ("answer_key", "is_correct", "正确答案", "explanation", "解析", '"key": [', "awarded"):
            assert word not in one


def test_flag_is_kept(org, exam, login, clock):
    client = login(org.learner)
    paper = start(client, exam.id)
    qid = paper["questions"][0]["id"]
    put(client, paper["attempt_id"], qid, None, flagged=True)
    assert client.get(f"/api/v1/attempts/{paper['attempt_id']}").get_json()["flagged"] == [qid]


def test_max_score_is_exact_decimal(org, exam, login, clock):
    aid = start(login(org.learner), exam.id)["attempt_id"]
    assert db.session.get(Attempt, aid).max_score == Decimal("100.00")


def test_client_time_claims_and_extra_fields_change_nothing(org, exam, login, clock, app):
    client = login(org.learner)
    paper = client.post(f"/api/v1/exams/{exam.id}/attempts",
                        json={"deadline_at": "2099-01-01T00:00:00Z", "seed": 1, "number": 9}).get_json()
    assert paper["remaining_seconds"] == 90 * 60 and paper["number"] == 1
    aid, qid = paper["attempt_id"], paper["questions"][0]["id"]
    clock.advance(minutes=90, seconds=app.config["EXAM_GRACE_SECONDS"] + 1)
    tampered = {"answer": None, "time_left": 9999, "timeup": 0, "client_time": "2026-01-01T00:00:00Z",
                "deadline": "2099-01-01T00:00:00Z", "state": "in_progress", "score": 100}
    assert client.put(f"/api/v1/attempts/{aid}/answers/{qid}", json=tampered).status_code == 409
    result = client.post(f"/api/v1/attempts/{aid}/submit", json={"score": 100}).get_json()
    assert result["score"] == 0 and result["finish_reason"] == "overdue"
    late = db.session.query(AttemptEvent).filter_by(attempt_id=aid, kind="late_answer").one()
    assert late.detail["question"] == str(qid)


def test_sequence_may_be_a_millisecond_timestamp_but_not_absurd(org, exam, login, clock):
    client = login(org.learner)
    paper = start(client, exam.id)
    qid = next(q["id"] for q in paper["questions"] if q["type"] == "single")
    assert put(client, paper["attempt_id"], qid, "A", seq=1795848723885).status_code == 200
    assert put(client, paper["attempt_id"], qid, "A", seq=2**60).status_code == 422
    assert put(client, paper["attempt_id"], qid, "A", seq=-1).status_code == 422
    assert put(client, paper["attempt_id"], qid, "A", seq="7").status_code == 422
