"""A practice answer is one small JSON request per question: keep its statements few."""

import pytest
from sqlalchemy import event

from examapp.extensions import db
from tests.practice.conftest import RIGHT, WRONG, serve


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        # Log-in (person, session or token) is the same for every request and is not counted here.
        if statement.split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE") and not any(
                f"FROM {table} " in statement for table in ("users", "user_sessions", "api_tokens")):
            seen.append(" ".join(statement.split())[:160])

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def answer_counting(client, statements, question, value) -> tuple[dict, list[str]]:
    assert serve(client, question=question.id)["question"]["id"] == question.id
    statements.clear()
    response = client.post("/api/v1/practice/answers", json={"question_id": question.id, "answer": value})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json(), list(statements)


def test_a_wrong_answer_costs_at_most_six_statements(login, org, bank, statements):
    client = login(org.learner)
    data, queries = answer_counting(client, statements, bank["s1"], WRONG["single"])
    assert data["correct"] is False and data["in_book"] is True and data["articles"][0]["law_title"]
    # serve with version, bank check, any open exam keeping questions out, card, book entry, earlier answers
    # today, law, retention and credit rule; claim; card insert; answer insert; book upsert; cited articles
    assert len(queries) <= 6, "\n".join(queries)  # was 11
    assert not any("study_credits" in q or "study_requirements" in q for q in queries[1:])  # no credit work


def test_a_first_right_answer_with_a_credit_costs_at_most_six_statements(login, org, bank, statements):
    client = login(org.learner)
    data, queries = answer_counting(client, statements, bank["s2"], RIGHT["single"])
    assert data["correct"] is True and data["credited"] is True and data["next_due"]
    # the wrong answer's statements with the credit upsert in place of the book's
    assert len(queries) <= 6, "\n".join(queries)  # was 16
    assert sum(q.startswith("INSERT INTO study_credits") for q in queries) == 1
    assert sum(q.startswith("INSERT INTO practice_cards") for q in queries) == 1
    assert not any(q.startswith("UPDATE practice_cards") for q in queries)  # a new card is inserted reviewed
