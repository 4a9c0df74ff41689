"""An autosave is the exam day's hottest request: it must stay a few statements, with every check still made."""

import time
from datetime import timedelta

import pytest
from jinja2 import pass_context
from sqlalchemy import event, inspect, select

from examapp.auth.models import ApiToken
from examapp.auth.services import issue_token
from examapp.db import utcnow
from examapp.exams import paper_html
from examapp.exams.models import Attempt
from examapp.extensions import db
from tests.conftest import IS_POSTGRES


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def paper(client, exam, bearer) -> dict:
    response = client.post(f"/api/v1/exams/{exam.id}/attempts", headers=bearer)
    assert response.status_code == 201
    return response.get_json()


def single_question(data: dict) -> int:
    return next(q["id"] for q in data["questions"] if q["type"] == "single")


def test_answer_save_with_a_bearer_token_is_one_or_two_statements(client, exam, bearer, statements):
    data = paper(client, exam, bearer)
    qid = single_question(data)
    client.put(f"/api/v1/attempts/{data['attempt_id']}/answers/{qid}", json={"answer": "A"}, headers=bearer)
    statements.clear()
    response = client.put(f"/api/v1/attempts/{data['attempt_id']}/answers/{qid}", json={"answer": "B"},
                          headers=bearer)
    assert response.status_code == 200 and response.get_json()["seq"] == 2
    assert response.headers["Cache-Control"] == "no-store"
    queries = [" ".join(s.split()) for s in statements if s.split()[0] in ("SELECT", "UPDATE", "INSERT", "DELETE")]
    # The token is checked inside the save's own statement (no separate token and person load by the hooks),
    # no user reload after the commit, no token write every request.
    assert queries[-1].startswith("UPDATE attempt_items") and "EXISTS" in queries[-1]
    assert "api_tokens" in queries[0] and "users" in queries[0] and "must_change_password" in queries[0]
    if db.session.get_bind().dialect.name == "postgresql":
        # One UPDATE checks token, person, owner, open, deadline (under the share lock), type and sequence and
        # returns the item's shape to check the answer against before the commit.
        assert len(queries) == 1, queries
        assert "FOR SHARE" in queries[0] and "RETURNING" in queries[0]
        return
    # SQLite: the item with its attempt and the token's person (no lock); the update, guarded by the sequence
    # read and by the attempt still being open, with the write lock taken after the read.
    assert len(queries) == 2, queries
    assert "FROM attempt_items JOIN attempts" in queries[0] and "FOR" not in queries[0]
    flat = [" ".join(s.split()) for s in statements]
    locking = [n for n, s in enumerate(flat) if s.startswith(("BEGIN IMMEDIATE", "SELECT attempt_items"))]
    assert [flat[n].split()[0] for n in locking] == ["SELECT", "BEGIN"], flat


def test_an_answer_that_does_not_fit_leaves_the_saved_one_as_it_was(client, exam, bearer, statements):
    # On PostgreSQL the quick save writes first and checks the answer against the shape its UPDATE returns: a
    # refused answer must be rolled back (value, sequence and time), then refused by the full path as before.
    data = paper(client, exam, bearer)
    by_type = {q["type"]: q for q in data["questions"]}
    url = f"/api/v1/attempts/{data['attempt_id']}/answers/"

    def saved(qid):
        state = client.get(f"/api/v1/attempts/{data['attempt_id']}", headers=bearer).get_json()
        return state["answers"].get(str(qid))

    single, multiple = by_type["single"]["id"], by_type["multiple"]["id"]
    assert client.put(url + str(single), json={"answer": "A"}, headers=bearer).get_json()["seq"] == 1
    refused = client.put(url + str(single), json={"answer": "Z"}, headers=bearer)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid_answer"
    assert saved(single) == "A"
    assert client.put(url + str(multiple), json={"answer": ["C", "A", "C"]}, headers=bearer).get_json()["answer"] \
        == ["A", "C"]
    assert client.put(url + str(multiple), json={"answer": ["A", "Z"]}, headers=bearer).status_code == 422
    assert client.put(url + str(multiple), json={"answer": "A"}, headers=bearer).status_code == 422
    assert saved(multiple) == ["A", "C"]
    statements.clear()
    again = client.put(url + str(single), json={"answer": "B"}, headers=bearer).get_json()
    assert again["seq"] == 2 and again["stored"] is True and saved(single) == "B"
    cleared = client.put(url + str(multiple), json={"answer": None, "flagged": True}, headers=bearer).get_json()
    assert cleared["answer"] is None and cleared["flagged"] is True and cleared["seq"] == 2
    assert saved(multiple) is None
    blank, true_false = by_type["blank"]["id"], by_type["true_false"]["id"]
    assert client.put(url + str(blank), json={"answer": ["七日"]}, headers=bearer).get_json()["answer"] == ["七日"]
    assert client.put(url + str(blank), json={"answer": ["a", "b"]}, headers=bearer).status_code == 422
    assert client.put(url + str(true_false), json={"answer": False}, headers=bearer).get_json()["answer"] is False
    assert saved(blank) == ["七日"] and saved(true_false) is False


def test_another_learners_token_still_gets_404(client, exam, bearer, org):
    data = paper(client, exam, bearer)
    other = issue_token(org.villager, utcnow())
    db.session.commit()
    response = client.put(f"/api/v1/attempts/{data['attempt_id']}/answers/{single_question(data)}",
                          json={"answer": "A"}, headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404


def test_revoked_token_and_retired_person_are_refused(client, exam, bearer, org):
    data = paper(client, exam, bearer)
    url = f"/api/v1/attempts/{data['attempt_id']}/answers/{single_question(data)}"
    org.learner.status = "retired"
    db.session.commit()
    assert client.put(url, json={"answer": "A"}, headers=bearer).status_code == 401
    org.learner.status = "active"
    db.session.execute(ApiToken.__table__.update().values(revoked_at=utcnow()))
    db.session.commit()
    assert client.put(url, json={"answer": "A"}, headers=bearer).status_code == 401


def test_token_use_is_written_at_most_every_five_minutes(client, exam, bearer, monkeypatch):
    now = utcnow()

    def set_clock(at):  # the loader's clock and the token autosave's (which checks the token itself)
        for module in ("examapp.auth.loaders", "examapp.api.exams"):
            monkeypatch.setattr(f"{module}.utcnow", lambda: at)

    set_clock(now)
    data = paper(client, exam, bearer)
    url = f"/api/v1/attempts/{data['attempt_id']}/answers/{single_question(data)}"

    def used_at_after_a_save_at(minutes: int):
        set_clock(now + timedelta(minutes=minutes))
        assert client.put(url, json={"answer": "A"}, headers=bearer).status_code == 200
        db.session.expire_all()
        return db.session.scalar(select(ApiToken.last_used_at))

    assert used_at_after_a_save_at(0) == now
    assert used_at_after_a_save_at(2) == now
    assert used_at_after_a_save_at(6) == now + timedelta(minutes=6)


def test_the_draw_record_is_loaded_only_when_read(client, exam, bearer):
    attempt_id = paper(client, exam, bearer)["attempt_id"]
    db.session.expunge_all()
    attempt = db.session.scalar(select(Attempt).where(Attempt.id == attempt_id))
    assert "draw" not in inspect(attempt).dict
    assert attempt.draw["variant"] == "default"


def test_starting_an_attempt_is_a_few_set_based_statements(client, exam, bearer, statements, org):
    other_bearer = {"Authorization": f"Bearer {issue_token(org.villager, utcnow())}"}
    db.session.commit()
    assert client.get("/api/v1/exams", headers=bearer).status_code == 200  # the token's use is written now
    statements.clear()
    data = paper(client, exam, bearer)
    assert len(data["questions"]) == 9
    queries = [s for s in statements if s.split()[0] in ("SELECT", "UPDATE", "INSERT", "DELETE")]
    # all rule pools in one statement, the drawn versions in one, the 9 items in one executemany
    # (it was one pool query per rule and one INSERT per item: 27 statements for this 9-question paper);
    # the person's attempts in one read (their number too); the new attempt is not read again after the commit.
    # The bank's generation and the stored pools are read too: a second start reuses the pools (below).
    assert len([s for s in queries if s.startswith("INSERT INTO attempt_items")]) == 1, queries
    assert len([s for s in queries if "FROM questions" in s]) == 2, queries
    assert len(queries) <= 14, queries
    statements.clear()
    client.post(f"/api/v1/exams/{exam.id}/attempts", headers=other_bearer)
    queries = [s for s in statements if s.split()[0] in ("SELECT", "UPDATE", "INSERT", "DELETE")]
    # the drawn versions only, and none of those the first start already read (kept per bank generation)
    assert len([s for s in queries if "FROM questions" in s]) <= 1, queries
    assert not [s for s in queries if s.startswith("INSERT INTO draw_pools")], queries


def test_rule_pools_keep_the_banks_rules(org, bank):
    from examapp.bank.models import Question
    from examapp.exams.bank_source import rule_pools

    from .conftest import make_question

    under_review = make_question("rev", needs_review=True)
    retired = make_question("old", status="retired")
    hard = make_question("hard", difficulty=5)
    unfinished = Question(code="draft", law_slug=under_review.law_slug, type="single")  # no version yet
    db.session.add(unfinished)
    db.session.commit()
    singles, hardest, multiples = (list(p.ids) for p in rule_pools(
        [{"type": "single"}, {"type": "single", "difficulty": 5}, {"type": "multiple", "law": under_review.law_slug}]))
    expected = sorted(q.id for q in bank if q.type == "single") + [hard.id]
    assert singles == expected and hardest == [hard.id]
    assert multiples == sorted(q.id for q in bank if q.type == "multiple")
    assert not {under_review.id, retired.id, unfinished.id} & set(singles)


def test_the_exam_page_reads_each_thing_once(client, exam, bearer, statements, org):
    attempt_id = paper(client, exam, bearer)["attempt_id"]
    statements.clear()
    response = client.get(f"/exams/attempts/{attempt_id}", headers=bearer)
    assert response.status_code == 200 and exam.title in response.get_data(as_text=True)
    assert org.learner.name in response.get_data(as_text=True)
    queries = [s for s in statements if s.split()[0] in ("SELECT", "UPDATE", "INSERT", "DELETE")]
    # token and person; attempt and exam joined, with whether a leave is open; the items. Nothing is reloaded
    # after the commit (it was 7: the attempt, the exam and the person again; then 4, the open leave apart).
    assert len(queries) == 3, queries
    assert "exams" in queries[1] and "attempt_events" in queries[1] and "attempt_items" in queries[-1]


def test_the_exam_page_translates_its_labels_once_not_per_question(app, client, exam, bearer, monkeypatch, clock):
    # The clock is frozen: two renders a second apart would differ in the remaining time, not in what is tested.
    attempt_id = paper(client, exam, bearer)["attempt_id"]
    translate = app.jinja_env.globals["gettext"]
    looked_up: list[str] = []
    translated = []

    @pass_context
    def counting(context, message, **variables):
        looked_up.append(message)
        return translate(context, message, **variables)

    original = paper_html.translated

    def counting_translated(lazy):
        translated.append(lazy)
        return original(lazy)

    monkeypatch.setattr(paper_html, "translated", counting_translated)
    monkeypatch.setitem(app.jinja_env.globals, "gettext", counting)
    paper_html._SHAPES.clear()
    pages = [client.get(f"/exams/attempts/{attempt_id}", headers=bearer).get_data(as_text=True) for _ in range(2)]
    assert pages[0].count('data-flag data-testid="flag-') == 9 and pages[1] == pages[0]
    shapes = len([key for key in paper_html._SHAPES if len(key) == 5])  # questions' (not the answer sheet's)
    # The labels and words once per question shape, when it is built: not per question, not per page.
    assert 0 < shapes < 9 and len(translated) == 2 * shapes
    for label in ("Mark for review", "%(n)s pts", "True", "False"):
        assert label not in looked_up


def test_a_token_save_before_the_hooks_refuses_what_they_refuse(client, exam, bearer, org, login):
    # The token autosave runs before the request hooks; whatever it does not take, they answer as before.
    data = paper(client, exam, bearer)
    url = f"/api/v1/attempts/{data['attempt_id']}/answers/{single_question(data)}"
    assert client.put(url, json={"answer": "A"}, headers={"Authorization": "Bearer nope"}).status_code == 401
    unknown = f"/api/v1/attempts/{data['attempt_id']}/answers/abc"
    assert client.put(unknown, json={"answer": "A"}, headers={"Authorization": "Bearer nope"}).status_code == 401
    org.learner.must_change_password = True
    db.session.commit()
    refused = client.put(url, json={"answer": "A"}, headers=bearer)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "password_change_required"
    org.learner.must_change_password = False
    db.session.commit()
    assert client.put(url, json={"answer": "A"}, headers=bearer).status_code == 200
    # A session cookie's person wins over the token, as in Flask-Login: another person's session gets 404.
    login(org.villager)
    assert client.put(url, json={"answer": "B"}, headers=bearer).status_code == 404
    state = client.get(f"/api/v1/attempts/{data['attempt_id']}", headers=bearer)
    assert state.status_code == 404


def statements_and_commits(action) -> tuple[list[str], object]:
    """The statements (their first 40 characters) and COMMITs an action sends, and what it returns."""
    seen: list[str] = []

    def statement(conn, cursor, sql, *args):
        seen.append(" ".join(sql.split())[:40])

    def commit(conn):
        seen.append("COMMIT")

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        return seen, action()
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite's write lock; PostgreSQL: the test below")
def test_a_tokens_use_is_committed_before_the_start_views_transaction(client, exam, bearer):
    # Flushed by the start view's first query, the token's UPDATE held SQLite's write lock through the paper
    # draw (database is locked in a synchronised start); it is now its own short transaction, committed first.
    seen, data = statements_and_commits(lambda: paper(client, exam, bearer))
    touch = next(n for n, s in enumerate(seen) if s.startswith("UPDATE api_tokens"))
    started = next(n for n, s in enumerate(seen) if s.startswith("INSERT INTO attempts"))
    assert "COMMIT" in seen[touch:started], seen
    assert seen[touch + 1] == "COMMIT", seen  # nothing else in the touch's transaction
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None
    assert len(data["questions"]) == 9


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL: the token's use goes with the request's transaction")
def test_a_first_use_of_a_token_adds_no_transaction_to_a_start(client, exam, bearer):
    # A transaction of its own cost every first use a COMMIT, the pool's ping and a new BEGIN.
    seen, data = statements_and_commits(lambda: paper(client, exam, bearer))
    assert seen.count("COMMIT") == 1 and seen[-1] == "COMMIT", seen
    assert len([s for s in seen if s.startswith("UPDATE api_tokens")]) == 1, seen
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None
    assert len(data["questions"]) == 9


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL's row locks")
def test_a_token_whose_row_another_transaction_holds_does_not_wait_for_it(client, exam, bearer):
    """Two first uses of one token at once (a double tap): the second does not wait for the first's transaction
    to write the same use; it is written once, by the first."""
    with db.engine.connect() as other:
        other.execute(select(ApiToken.id).with_for_update())  # holds the token's row, as a request's touch would
        started = time.monotonic()
        data = paper(client, exam, bearer)
        waited = time.monotonic() - started
        other.rollback()
    assert waited < 2, waited  # before: until the other transaction ended (here: never; statement timeout, 503)
    assert len(data["questions"]) == 9
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is None  # the holder's (rolled back) use: next time
    paper(client, exam, bearer)
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None
