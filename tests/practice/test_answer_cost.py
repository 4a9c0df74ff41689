"""A practice answer is one small JSON request per question: keep its statements few.

On PostgreSQL the answer, the card, the book entry and the credit are one statement (a data-modifying WITH whose
first part, the answer's INSERT, is the claim), so an answer is two statements there, as many as an exam save.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from examapp.db import utcnow
from examapp.extensions import db
from examapp.practice import answering
from examapp.practice.models import PracticeAnswer, PracticeCard
from examapp.study.loader import LAWS_DIR, load_law_file
from examapp.study.models import StudyCredit
from tests.practice.conftest import LAW, RIGHT, WRONG, serve


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        # Log-in (person, session or token) is the same for every request and is not counted here.
        if statement.split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH") and not any(
                f"FROM {table} " in statement for table in ("users", "user_sessions", "api_tokens")):
            seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def answer_counting(client, statements, question, value) -> tuple[dict, list[str]]:
    assert serve(client, question=question.id)["question"]["id"] == question.id
    statements.clear()
    response = client.post("/api/v1/practice/answers", json={"question_id": question.id, "answer": value})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json(), list(statements)


def single_write() -> bool:
    return db.engine.dialect.name == "postgresql"


def writes(queries: list[str], start: str) -> int:
    """How many times the requests' statements do this write (standing alone or as a part of a WITH)."""
    return sum(q.startswith(start) or f"AS ({start}" in q for q in queries)


def listing(queries: list[str]) -> str:
    return "\n".join(q[:200] for q in queries)


def warm(client, question) -> None:
    """Answer a question citing article 5 once: its text is then cached in this process for the library as is."""
    serve(client, question=question.id)
    assert client.post("/api/v1/practice/answers", json={"question_id": question.id, "answer": WRONG["single"]}) \
        .status_code == 200


def test_a_wrong_answer_costs_at_most_four_statements(login, org, bank, statements):
    client = login(org.learner)
    warm(client, bank["s6"])
    data, queries = answer_counting(client, statements, bank["s1"], WRONG["single"])
    assert data["correct"] is False and data["in_book"] is True and data["articles"][0]["law_title"]
    # serve with version, whether it was answered, bank check, any open exam keeping questions out, card, book entry,
    # earlier answers today, law, retention, credit rule and the statute library's digests; the answer's INSERT
    # (which is the claim); card insert; book upsert. The cited article's text is cached for the library as read.
    assert len(queries) <= (2 if single_write() else 4), listing(queries)  # was 11, then 6, then 4 on both
    assert not any("study_credits" in q or "study_requirements" in q for q in queries[1:])  # no credit work
    assert writes(queries, "INSERT INTO practice_book") == 1
    assert not any(q.startswith("UPDATE practice_serves") or "FROM articles" in q for q in queries)


def test_a_first_right_answer_with_a_credit_costs_at_most_four_statements(login, org, bank, statements):
    client = login(org.learner)
    warm(client, bank["s6"])
    data, queries = answer_counting(client, statements, bank["s2"], RIGHT["single"])
    assert data["correct"] is True and data["credited"] is True and data["next_due"]
    # the wrong answer's statements with the credit upsert in place of the book's
    assert len(queries) <= (2 if single_write() else 4), listing(queries)  # was 16, then 6, then 4 on both
    # the claim comes before any other write (in a WITH, every other write takes its rows from the claim's)
    assert queries[1].startswith("WITH claim AS (INSERT INTO practice_answers" if single_write()
                                 else "INSERT INTO practice_answers")
    assert writes(queries, "INSERT INTO study_credits") == 1
    assert writes(queries, "INSERT INTO practice_cards") == 1
    assert writes(queries, "UPDATE practice_cards") == 0  # a new card is inserted reviewed


def test_a_reviewed_card_is_one_update(login, org, bank, clock, statements):
    client = login(org.learner)
    warm(client, bank["s1"])
    clock.advance(days=1)
    data, queries = answer_counting(client, statements, bank["s1"], RIGHT["single"])
    # a right answer also counts in the book
    assert data["correct"] is True and len(queries) <= (2 if single_write() else 5), listing(queries)
    assert writes(queries, "UPDATE practice_cards") == 1 and writes(queries, "UPDATE practice_book") == 1
    assert db.session.scalar(select(PracticeCard.reviews).where(PracticeCard.question_id == bank["s1"].id)) == 2


def test_a_reloaded_law_shows_its_new_text_in_the_feedback(login, org, bank, tmp_path, statements):
    client = login(org.learner)
    warm(client, bank["s6"])
    source = LAWS_DIR / f"{LAW}.md"
    changed = tmp_path / source.name
    text = source.read_text(encoding="utf-8")
    changed.write_text(text.replace("公正、公开的原则。", "公正、公开的原则（修改后的文本）。", 1), encoding="utf-8")
    assert load_law_file(changed, None, utcnow()) == ("updated", LAW)
    db.session.commit()
    data, queries = answer_counting(client, statements, bank["s1"], WRONG["single"])
    assert "修改后的文本" in data["articles"][0]["text"]
    assert any("FROM articles" in q for q in queries)  # read again: the library changed


def test_a_double_tap_that_read_before_the_first_answer_counts_once(login, org, bank, monkeypatch):
    """Two requests for one serve both read it unanswered; the second finds the answer's row there and changes
    nothing (the answer's INSERT is the claim): no second card review, no second credit."""
    client = login(org.learner)
    question = bank["s2"]
    serve(client, question=question.id)
    stale = answering.answering_context

    def read_before_the_first_answer(user, question_id, day, now):
        found = stale(user, question_id, day, now)
        found.answered = False
        return found

    first = client.post("/api/v1/practice/answers", json={"question_id": question.id, "answer": RIGHT["single"]})
    monkeypatch.setattr(answering, "answering_context", read_before_the_first_answer)
    second = client.post("/api/v1/practice/answers", json={"question_id": question.id, "answer": RIGHT["single"]})
    assert first.status_code == second.status_code == 200
    assert first.get_json()["credited"] is True and second.get_json()["repeated"] is True
    assert db.session.scalar(select(func.count(PracticeAnswer.id)).where(PracticeAnswer.question_id == question.id)) \
        == 1
    assert db.session.scalar(select(PracticeCard.reviews).where(PracticeCard.question_id == question.id)) == 1
    assert db.session.scalar(select(func.sum(StudyCredit.practice_answers))) == 1


def test_the_answer_context_read_is_sent_as_compiled(app):
    """Nothing in the context read is rendered into its text per execution: SQLAlchemy writes such values (an
    aggregate's separator given as a string) into the statement again on every answer."""
    compiled = answering.context_statement().compile(dialect=db.engine.dialect)
    assert not compiled.literal_execute_params and not compiled.post_compile_params


def test_cached_article_links_follow_the_application_root(login, org, bank):
    client = login(org.learner)
    warm(client, bank["s6"])  # article 5's reply entry is cached with its link under the root /
    assert serve(client, question=bank["s1"].id)["question"]["id"] == bank["s1"].id
    response = client.post("/api/v1/practice/answers", json={"question_id": bank["s1"].id, "answer": WRONG["single"]},
                           base_url="http://localhost/exam")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["articles"][0]["url"].startswith("/exam/")


def test_the_next_due_text_is_the_due_day_in_the_site_time_zone(login, org, bank, clock):
    clock.advance(hours=15)  # 17:00 UTC, 01:00 the next day in Beijing: the due day differs between the two
    client = login(org.learner)
    assert serve(client, question=bank["s1"].id)["question"]["id"] == bank["s1"].id
    data = client.post("/api/v1/practice/answers", json={"question_id": bank["s1"].id, "answer": RIGHT["single"]}) \
        .get_json()
    due = datetime.fromisoformat(data["next_due"])
    assert data["next_due_text"] == due.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert data["next_due_text"] != due.astimezone(UTC).date().isoformat()
