"""A cookie-less bearer practice answer is recorded before the hooks load the person (its token checked in the
answer's own context read); whatever it does not take, the hooks and the view answer as before."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from examapp.auth.models import ApiToken
from examapp.auth.services import issue_token
from examapp.db import utcnow
from examapp.extensions import db
from examapp.practice import answering
from tests.factories import PASSWORD
from tests.practice.conftest import RIGHT, WRONG

URL = "/api/v1/practice/answers"


def queries(statements: list[str]) -> list[str]:
    return [" ".join(s.split()) for s in statements if s.split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")]


def served(client, question, headers=None) -> None:
    response = client.get("/api/v1/practice/next", query_string={"question": question.id}, headers=headers or {})
    assert response.status_code == 200 and response.get_json()["question"]["id"] == question.id


def no_view(monkeypatch):
    """The view's answer must not run: the request is answered before the hooks."""
    def refuse(*args, **kwargs):
        raise AssertionError("the fast path did not answer")
    monkeypatch.setattr("examapp.api.practice.answer_question", refuse)


def test_a_token_answer_is_the_context_read_and_the_writes(client, bank, bearer, statements, monkeypatch):
    served(client, bank["s6"], bearer)  # the token's use is written by this request
    # Article 5's text is cached once read (for the library as it is), as in test_answer_cost.
    assert client.post(URL, json={"question_id": bank["s6"].id, "answer": "B"}, headers=bearer).status_code == 200
    served(client, bank["s1"], bearer)
    statements.clear()
    no_view(monkeypatch)
    response = client.post(URL, json={"question_id": bank["s1"].id, "answer": WRONG["single"]}, headers=bearer)
    assert response.status_code == 200 and response.get_json()["correct"] is False
    assert response.headers["Cache-Control"] == "no-store"
    statements = queries(statements)
    # No token and person load by the hooks: the token is checked in the context read, once.
    assert "api_tokens" in statements[0] and "must_change_password" in statements[0]
    # (today's earlier answers are found through the learner's serves of the question: an alias, correlated)
    assert statements[0].count("FROM api_tokens") == 1 and statements[0].count("FROM practice_serves JOIN") == 1
    assert statements[0].count("practice_serves_1.user_id = practice_serves.user_id") == 2
    assert not any(q.startswith("SELECT users.") or "FROM users WHERE" in q for q in statements)
    pg = db.engine.dialect.name == "postgresql"
    assert len(statements) == (2 if pg else 4), "\n".join(q[:160] for q in statements)


def test_the_fast_path_refuses_what_the_hooks_refuse(client, bank, bearer, org, login):
    served(client, bank["s1"], bearer)
    body = {"question_id": bank["s1"].id, "answer": RIGHT["single"]}
    assert client.post(URL, json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    org.learner.must_change_password = True
    db.session.commit()
    refused = client.post(URL, json=body, headers=bearer)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "password_change_required"
    org.learner.must_change_password = False
    org.learner.status = "retired"
    db.session.commit()
    assert client.post(URL, json=body, headers=bearer).status_code == 401
    org.learner.status = "active"
    db.session.execute(update(ApiToken).values(revoked_at=utcnow()))
    db.session.commit()
    assert client.post(URL, json=body, headers=bearer).status_code == 401
    db.session.execute(update(ApiToken).values(revoked_at=None))
    db.session.commit()
    # A session cookie's person wins over the token: the villager was not served this question.
    login(org.villager)
    mixed = client.post(URL, json=body, headers=bearer)
    assert mixed.status_code == 404 and mixed.get_json()["error"]["code"] == "not_served"
    client.post("/logout")
    client.delete_cookie("session")
    assert client.post(URL, json=body, headers=bearer).get_json()["correct"] is True


def test_what_is_not_plain_goes_to_the_view(client, bank, bearer):
    served(client, bank["s1"], bearer)
    unknown = client.post(URL, json={"question_id": bank["s1"].id, "answer": "A", "x": 1}, headers=bearer)
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "unknown_fields"
    misfit = client.post(URL, json={"question_id": bank["s1"].id, "answer": "Z"}, headers=bearer)
    assert misfit.status_code == 422
    first = client.post(URL, json={"question_id": bank["s1"].id, "answer": "A"}, headers=bearer).get_json()
    again = client.post(URL, json={"question_id": bank["s1"].id, "answer": "B"}, headers=bearer).get_json()
    assert first["repeated"] is False and again["repeated"] is True and again["correct"] is True
    assert client.post(URL, json={"question_id": bank["held"].id, "answer": "A"}, headers=bearer).status_code == 404


def test_a_held_question_falls_through(client, bank, bearer):
    served(client, bank["s2"], bearer)
    bank["s2"].needs_review = True
    db.session.commit()
    gone = client.post(URL, json={"question_id": bank["s2"].id, "answer": "A"}, headers=bearer)
    assert gone.status_code == 404 and gone.get_json()["error"]["code"] == "not_available"


@pytest.mark.parametrize("right", [True, False])
def test_fast_and_normal_paths_reply_the_same(client, app, bank, org, clock, monkeypatch, right):
    token = issue_token(org.learner, clock())
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    served(client, bank["s1"], headers)
    db.session.execute(update(ApiToken).values(last_used_at=clock()))  # the token's use is fresh at this hour
    db.session.commit()
    other = app.test_client()
    assert other.post("/login", data={"username": org.villager.username, "password": PASSWORD}).status_code == 302
    served(other, bank["s1"])
    value = (RIGHT if right else WRONG)["single"]
    with monkeypatch.context() as patch:
        no_view(patch)
        fast = client.post(URL, json={"question_id": bank["s1"].id, "answer": value}, headers=headers)
    normal = other.post(URL, json={"question_id": bank["s1"].id, "answer": value})
    assert fast.status_code == normal.status_code == 200
    assert fast.get_json() == normal.get_json() and fast.get_json()["correct"] is right


def test_the_token_context_names_the_serves_person_everywhere():
    sql = str(answering.context_statement(True))
    assert ":user_id" not in sql and sql.count(":q_token") == 1


def test_an_open_keep_out_exam_falls_through_and_is_refused(client, org, bank, clock):
    from tests.practice.test_sets import embargo_exam

    token = issue_token(org.learner, clock())
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    served(client, bank["s1"], headers)
    embargo_exam(org, bank, clock)
    db.session.execute(update(ApiToken).values(last_used_at=clock()))
    db.session.commit()
    response = client.post(URL, json={"question_id": bank["s1"].id, "answer": "A"}, headers=headers)
    assert response.status_code == 404 and "key" not in response.get_json()


def test_another_learners_reopened_keep_out_exam_leaves_the_fast_path_alone(client, app, org, bank, clock,
                                                                            monkeypatch):
    """The keep-out check names the serve's person in every subquery: another learner's reopened window (or
    attempt in progress) is not this learner's, and does not send their answer the slow way."""
    from examapp.exams.models import ExamOverride
    from tests.practice.test_sets import embargo_exam

    token = issue_token(org.learner, clock())
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    served(client, bank["s1"], headers)
    other = app.test_client()
    assert other.post("/login", data={"username": org.villager.username, "password": PASSWORD}).status_code == 302
    served(other, bank["s2"])  # the villager has a serve too
    exam = embargo_exam(org, bank, clock)
    exam.closes_at = clock.now - timedelta(minutes=1)  # closed, and reopened for the villager only
    db.session.add(ExamOverride(exam_id=exam.id, user_id=org.villager.id, kind="reopen", reason="病假",
                                until_at=clock.now + timedelta(days=1)))
    db.session.execute(update(ApiToken).values(last_used_at=clock()))
    db.session.commit()
    with monkeypatch.context() as patch:
        no_view(patch)
        response = client.post(URL, json={"question_id": bank["s1"].id, "answer": "A"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["correct"] is True
    refused = other.post(URL, json={"question_id": bank["s2"].id, "answer": "A"})  # the villager's is reopened
    assert refused.status_code == 404 and "key" not in refused.get_json()


def test_on_postgresql_a_token_answer_runs_without_begin_or_commit(client, bank, bearer, monkeypatch):
    """Its read and its single write are the request's first work: each runs on its own (autocommit), two round
    trips instead of four (BEGIN and COMMIT)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite commits once for the answer's several writes")
    served(client, bank["s1"], bearer)
    autocommit: list[bool] = []
    read = answering.answering_context

    def noting(*args, **kwargs):
        autocommit.append(db.session.connection().connection.driver_connection.autocommit)
        return read(*args, **kwargs)

    question_id = bank["s1"].id
    db.session.commit()  # the request shares the test's session: nothing of the test's may be open
    with monkeypatch.context() as patch:
        no_view(patch)
        patch.setattr(answering, "answering_context", noting)
        response = client.post(URL, json={"question_id": question_id, "answer": WRONG["single"]}, headers=bearer)
    assert response.status_code == 200 and response.get_json()["in_book"] is True
    assert autocommit == [True]
    assert client.get("/api/v1/practice/review", headers=bearer).get_json()["book"]["total"] == 1  # kept
