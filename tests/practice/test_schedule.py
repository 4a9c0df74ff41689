"""Spaced review: the rating mapping, and due dates that equal the fsrs package's own scheduler."""

from datetime import timedelta

import pytest
from fsrs import Card, Rating, ReviewLog, Scheduler

from examapp.extensions import db
from examapp.practice.models import AGAIN, GOOD, HARD, PracticeAnswer, PracticeCard, PracticeSettings
from examapp.practice.schedule import rating_for
from tests.practice.conftest import RIGHT, WRONG, answer, serve


@pytest.mark.parametrize(("correct", "seconds", "parts", "second_try", "rating"), [
    (False, 5, 1, False, AGAIN), (False, 500, 1, True, AGAIN),
    (True, 5, 1, False, GOOD), (True, 30, 1, False, GOOD), (True, 31, 1, False, HARD),
    (True, 5, 1, True, HARD), (True, 59, 2, False, GOOD), (True, 61, 2, False, HARD),
])
def test_rating_mapping(correct, seconds, parts, second_try, rating):
    assert rating_for(correct, seconds, parts=parts, second_try=second_try) == rating


def package_scheduler(retention: float) -> Scheduler:
    return Scheduler(desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def answer_at(client, clock, question, right: bool, look_seconds: int) -> dict:
    serve(client, question=question.id)
    clock.advance(seconds=look_seconds)
    return answer(client, question.id, (RIGHT if right else WRONG)[question.type])


@pytest.mark.parametrize("retention", [None, 0.85])
def test_due_dates_equal_the_fsrs_packages_own_scheduler(login, org, bank, clock, retention):
    if retention is not None:
        db.session.add(PracticeSettings(id=1, desired_retention=retention))
        db.session.commit()
    client = login(org.learner)
    question = bank["s1"]
    # wrong, then the same day right again (a second try), right quickly at the due date, right after a long
    # look, wrong; the clock moves to each due date except after a wrong answer
    steps = [(False, 5, Rating.Again), (True, 4, Rating.Hard), (True, 10, Rating.Good), (True, 45, Rating.Hard),
             (False, 8, Rating.Again)]
    package = package_scheduler(retention or 0.9)
    card, logs = Card(card_id=question.id, due=clock.now), []
    for right, look, rating in steps:
        served_at = clock.now
        reply = answer_at(client, clock, question, right, look)
        card, log = package.review_card(card, rating, review_datetime=served_at + timedelta(seconds=look))
        logs.append(log)
        stored = db.session.scalar(db.select(PracticeCard).filter_by(user_id=org.learner.id, question_id=question.id))
        db.session.refresh(stored)
        assert stored.due_at == card.due
        assert reply["next_due"] == card.due.isoformat().replace("+00:00", "Z")
        if rating != Rating.Again:
            clock.now = card.due + timedelta(hours=1)
    clock.advance(minutes=5)
    reply = answer_at(client, clock, question, True, 3)  # right again on the day it was wrong: a second try
    assert reply["rating"] == "hard"
    ratings = [row.rating for row in db.session.scalars(db.select(PracticeAnswer).order_by(PracticeAnswer.id))]
    assert ratings == [AGAIN, HARD, GOOD, HARD, AGAIN, HARD]


def test_stored_card_replays_from_its_answers_with_the_packages_review_logs(login, org, bank, clock):
    client = login(org.learner)
    question = bank["t1"]
    for right, look in ((True, 4), (True, 40), (False, 6), (True, 9)):
        answer_at(client, clock, question, right, look)
        clock.advance(days=3)
    rows = db.session.scalars(db.select(PracticeAnswer).filter_by(question_id=question.id)
                              .order_by(PracticeAnswer.id)).all()
    logs = [ReviewLog(card_id=question.id, rating=Rating(r.rating), review_datetime=r.answered_at,
                      review_duration=None) for r in rows]
    replayed = package_scheduler(0.9).reschedule_card(Card(card_id=question.id, due=rows[0].answered_at), logs)
    stored = db.session.scalar(db.select(PracticeCard).filter_by(question_id=question.id))
    assert Card.from_dict(stored.state).due == replayed.due == stored.due_at
    assert stored.reviews == 4 and stored.lapses == 1


def test_a_new_version_keeps_the_learners_card(login, org, bank, clock):
    from examapp.bank.services import add_version

    client = login(org.learner)
    answer_at(client, clock, bank["s2"], True, 5)
    before = db.session.scalar(db.select(PracticeCard).filter_by(question_id=bank["s2"].id))
    due = before.due_at
    data = bank["s2"].current.content()
    add_version(bank["s2"], {**data, "stem": "s2 新题干"}, org.examiner, clock.now, note="edit")
    db.session.commit()
    clock.now = due + timedelta(hours=1)
    data = serve(client, mode="review")
    assert data["question"]["id"] == bank["s2"].id and data["question"]["stem"] == "s2 新题干"
    reply = answer(client, bank["s2"].id, "A")
    cards = db.session.scalars(db.select(PracticeCard).filter_by(question_id=bank["s2"].id)).all()
    assert len(cards) == 1 and cards[0].reviews == 2 and reply["correct"] is True


def test_a_held_or_retired_question_leaves_the_review_queue_until_it_is_active_again(login, org, bank, clock):
    client = login(org.learner)
    answer_at(client, clock, bank["s3"], False, 5)
    clock.advance(days=2)
    assert client.get("/api/v1/practice/review").get_json()["due_count"] == 1
    bank["s3"].needs_review = True
    db.session.commit()
    assert client.get("/api/v1/practice/review").get_json()["due_count"] == 0
    assert serve(client, mode="review")["question"] is None
    bank["s3"].needs_review, bank["s3"].status = False, "retired"
    db.session.commit()
    assert client.get("/api/v1/practice/review").get_json()["due_count"] == 0
    bank["s3"].status = "active"
    db.session.commit()
    assert client.get("/api/v1/practice/review").get_json()["due_count"] == 1
