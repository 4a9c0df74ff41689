"""The wrong-answer book: in on a wrong answer (practice, or exams once the review shows the key), out after
right answers on two later days, removable by hand, filtered by law and chapter."""

from datetime import timedelta

from examapp.exams.models import Attempt
from examapp.extensions import db
from examapp.practice.models import CLEARED, IN_BOOK, REMOVED, BookEntry
from tests.practice.conftest import CH2, CH4, LAW, practise


def entry(question) -> BookEntry | None:
    return db.session.scalar(db.select(BookEntry).filter_by(question_id=question.id))


def test_a_wrong_answer_puts_the_question_in_the_book_with_how_often_and_when(login, org, bank, clock):
    client = login(org.learner)
    practise(client, bank["s1"], right=False)
    clock.advance(days=1)
    practise(client, bank["s1"], right=False)
    row = entry(bank["s1"])
    assert row.status == IN_BOOK and row.wrong_count == 2 and row.last_wrong_at == clock.now
    html = client.get("/practice/book").get_data(as_text=True)
    assert "s1 题干" in html and "答错 2 次" in html


def test_a_question_leaves_after_right_answers_on_two_later_days(login, org, bank, clock):
    client = login(org.learner)
    practise(client, bank["s2"], right=False)
    assert practise(client, bank["s2"])["in_book"] is True  # the same day: it proves little
    clock.advance(days=1)
    practise(client, bank["s2"])
    practise(client, bank["s2"])  # twice on one day counts once
    assert entry(bank["s2"]).status == IN_BOOK and entry(bank["s2"]).right_days == 1
    clock.advance(days=1)
    reply = practise(client, bank["s2"])
    assert reply["left_book"] is True and entry(bank["s2"]).status == CLEARED


def test_a_wrong_answer_in_between_starts_the_count_again(login, org, bank, clock):
    client = login(org.learner)
    practise(client, bank["s3"], right=False)
    clock.advance(days=1)
    practise(client, bank["s3"])
    clock.advance(days=1)
    practise(client, bank["s3"], right=False)
    clock.advance(days=1)
    practise(client, bank["s3"])
    assert entry(bank["s3"]).status == IN_BOOK and entry(bank["s3"]).right_days == 1


def test_days_are_counted_in_the_site_time_zone(login, org, bank, clock):
    client = login(org.learner)
    clock.now = clock.now.replace(hour=15, minute=0)  # 23:00 in Beijing
    practise(client, bank["s4"], right=False)
    clock.advance(hours=2)  # 01:00 the next Beijing day, still the same UTC day
    practise(client, bank["s4"])
    assert entry(bank["s4"]).right_days == 1


def test_a_learner_removes_a_question_by_hand_and_a_new_mistake_brings_it_back(login, org, bank, clock):
    client = login(org.learner)
    practise(client, bank["t1"], right=False)
    row = entry(bank["t1"])
    assert client.post(f"/practice/book/{row.id}/remove").status_code == 302
    assert entry(bank["t1"]).status == REMOVED
    assert "t1 题干" not in client.get("/practice/book").get_data(as_text=True)
    practise(client, bank["t1"], right=False)
    assert entry(bank["t1"]).status == IN_BOOK


def test_nobody_removes_another_learners_entry(login, org, bank, clock):
    practise(login(org.learner), bank["t2"], right=False)
    row = entry(bank["t2"])
    client = login(org.villager)
    assert client.post(f"/practice/book/{row.id}/remove").status_code == 404
    assert entry(bank["t2"]).status == IN_BOOK


def test_the_book_filters_by_law_and_chapter(login, org, bank, clock):
    client = login(org.learner)
    for code in ("s1", "s3", "t1"):
        practise(client, bank[code], right=False)
    html = client.get("/practice/book", query_string={"law": LAW, "chapter": CH2}).get_data(as_text=True)
    assert "s3 题干" in html and "s1 题干" not in html and "t1 题干" not in html
    html = client.get("/practice/book", query_string={"law": LAW, "chapter": CH4}).get_data(as_text=True)
    assert "t1 题干" in html and "s3 题干" not in html
    assert client.get("/practice/book?law=other-law").get_data(as_text=True).count('data-testid="book-entry"') == 0
    counts = client.get("/api/v1/practice/review").get_json()["book"]
    assert counts == {"total": 3, "by_law": {LAW: 3}}


def test_retry_from_the_book_serves_its_questions(login, org, bank, clock):
    client = login(org.learner)
    practise(client, bank["s1"], right=False)
    practise(client, bank["b1"], right=False)
    clock.advance(days=1)
    served = client.get("/api/v1/practice/next?mode=book").get_json()["question"]["id"]
    assert served in (bank["s1"].id, bank["b1"].id)
    page = client.get(f"/practice/question?mode=filter&question={bank['b1'].id}").get_data(as_text=True)
    assert "b1 题干" in page


def finish_exam_with_wrongs(org, bank, clock, **exam_fields):
    """A finished attempt of cadre1 with a public and a confidential question answered wrong, one left blank."""
    from examapp.exams.models import AttemptItem
    from tests.exams.conftest import make_exam

    exam = make_exam(org, blueprint=[], **exam_fields)
    attempt = Attempt(exam_id=exam.id, user_id=org.learner.id, number=1, seed=1, started_at=clock.now,
                      deadline_at=clock.now + timedelta(hours=1), state="finished", finished_at=clock.now,
                      score=0, max_score=3, passed=False)
    db.session.add(attempt)
    db.session.flush()
    for position, (question, answer) in enumerate(((bank["s5"], "B"), (bank["secret"], "B"), (bank["s6"], None)), 1):
        db.session.add(AttemptItem(attempt_id=attempt.id, position=position, question_id=question.id,
                                   question_version_id=question.current_version_id, type="single", points=1,
                                   content={}, key="A", answer=answer, is_correct=False, awarded=0))
    db.session.commit()
    return exam


def test_wrong_exam_answers_enter_the_book_once_the_review_shows_the_key(login, org, bank, clock):
    exam = finish_exam_with_wrongs(org, bank, clock, review_policy="after_close",
                                   closes_at=clock.now + timedelta(days=1))
    client = login(org.learner)
    assert client.get("/api/v1/practice/review").get_json()["book"]["total"] == 0
    clock.advance(days=2)
    assert client.get("/api/v1/practice/review").get_json()["book"]["total"] == 1
    row = entry(bank["s5"])
    assert row.exam_wrong_count == 1 and row.wrong_count == 0
    assert entry(bank["secret"]) is None  # confidential questions are exam-only
    assert entry(bank["s6"]) is None  # left blank: not answered wrong
    client.get("/practice/book")
    assert entry(bank["s5"]).exam_wrong_count == 1  # each attempt is taken once
    assert exam.id


def test_an_exam_whose_review_never_shows_the_key_adds_nothing(login, org, bank, clock):
    finish_exam_with_wrongs(org, bank, clock, review_shows_key=False)
    client = login(org.learner)
    assert client.get("/api/v1/practice/review").get_json()["book"]["total"] == 0
