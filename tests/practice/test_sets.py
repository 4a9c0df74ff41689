"""每日一练 (the same set all day: due first, then weak chapters, then unseen), 随机 10 题, the streak,
and exams marked "keep out of practice"."""

import re
from datetime import timedelta

from examapp.extensions import db
from examapp.practice.models import PracticeSet
from examapp.practice.summary import streak_of
from tests.exams.conftest import make_exam
from tests.practice.conftest import CH1, CH2, RIGHT, answer, practise, serve


def daily_ids(client) -> list[int]:
    serve(client, mode="daily")
    return db.session.scalar(db.select(PracticeSet.question_ids).filter_by(kind="daily"))


def test_the_daily_set_is_the_same_all_day_on_every_device(app, login, org, bank, clock):
    first = login(org.learner)
    ids = daily_ids(first)
    assert len(ids) == 10 and len(set(ids)) == 10
    other = app.test_client()  # a second device
    other.post("/login", data={"username": "cadre1", "password": "Secret-pass-123"})
    assert other.get("/api/v1/practice/next?mode=daily").get_json()["question"]["id"] == ids[0]
    clock.advance(hours=3)
    assert daily_ids(first) == ids
    assert db.session.query(PracticeSet).count() == 1


def test_the_daily_set_goes_in_order_and_ends(login, org, bank, clock):
    client = login(org.learner)
    ids = daily_ids(client)
    seen = []
    for position in range(1, 11):
        data = serve(client, mode="daily")
        assert data["position"] == position and data["total"] == 10
        seen.append(data["question"]["id"])
        answer(client, data["question"]["id"], RIGHT[data["question"]["type"]])
    assert seen == ids
    assert serve(client, mode="daily")["question"] is None
    html = client.get("/practice/question?mode=daily").get_data(as_text=True)
    assert "答对 10 题，共 10 题" in html


def test_the_daily_set_puts_due_reviews_first_then_weak_chapters(login, org, bank, clock):
    client = login(org.learner)
    for code in ("s1", "s2", "s6"):  # three wrong in chapter one: a weak chapter, and due tomorrow
        practise(client, bank[code], right=False)
    practise(client, bank["s3"])  # right in chapter two: due in a few days
    clock.advance(days=1, hours=1)
    ids = daily_ids(client)
    assert set(ids[:3]) == {bank["s1"].id, bank["s2"].id, bank["s6"].id}
    assert ids[3] == bank["s7"].id  # the weak chapter's question not yet seen comes next
    assert bank["s3"].id not in ids[:4]
    assert CH1 and CH2


def test_a_new_day_brings_a_new_set(login, org, bank, clock):
    client = login(org.learner)
    daily_ids(client)
    clock.advance(days=1)
    serve(client, mode="daily")
    assert db.session.query(PracticeSet).filter_by(kind="daily").count() == 2


def test_ten_random_questions_are_a_round_of_their_own(login, org, bank, clock):
    client = login(org.learner)
    response = client.post("/practice/random")
    assert response.status_code == 302 and "mode=random" in response.headers["Location"]
    made = db.session.scalar(db.select(PracticeSet).filter_by(kind="random"))
    assert len(made.question_ids) == 10
    data = serve(client, mode="random", set=made.id)
    assert data["set_id"] == made.id and data["question"]["id"] == made.question_ids[0]
    other = login(org.villager)
    assert other.get(f"/api/v1/practice/next?mode=random&set={made.id}").status_code == 404


def test_streak_counts_consecutive_days():
    from datetime import date

    today = date(2026, 5, 10)
    assert streak_of([], today) == 0
    assert streak_of([today], today) == 1
    assert streak_of([date(2026, 5, 9), date(2026, 5, 8)], today) == 2  # today still open
    assert streak_of([today, date(2026, 5, 9), date(2026, 5, 7)], today) == 2
    assert streak_of([date(2026, 5, 8)], today) == 0


def test_the_streak_and_due_count_show_on_the_home_page(login, org, bank, clock):
    client = login(org.learner)
    practise(client, bank["s1"], right=False)
    clock.advance(days=1)
    practise(client, bank["s2"])
    clock.advance(hours=1)
    review = client.get("/api/v1/practice/review").get_json()
    assert review["streak_days"] == 2 and review["due_count"] == 1 and review["practised_today"] is True
    html = client.get("/").get_data(as_text=True)
    assert "今日复习 1 题" in html and "连续学习 2 天" in html and "每日一练" in html


def embargo_exam(org, bank, clock, **fields):
    """An open exam that may draw the public questions of chapter one (an exam draws confidential ones only
    unless it allows public ones, and then there would be nothing of practice's to keep out)."""
    rule = {"variant": "default", "section": "单选", "type": "single", "count": 1, "points": "1",
            "chapter": CH1}
    return make_exam(org, blueprint=[rule], is_kept_out_of_practice=True, allows_public_questions=True,
                     opens_at=clock.now - timedelta(hours=1), closes_at=clock.now + timedelta(days=1), **fields)


def chapter_one_served(client) -> set[int]:
    got = set()
    for _ in range(6):
        data = serve(client, chapter=CH1)
        if data["question"] is None:
            break
        got.add(data["question"]["id"])
        answer(client, data["question"]["id"], "A")
    return got


def test_an_open_exam_keeps_its_questions_out_of_its_learners_practice(login, org, bank, clock):
    embargo_exam(org, bank, clock)
    assert chapter_one_served(login(org.learner)) == set()  # every single in chapter one can be drawn
    assert len(chapter_one_served(login(org.far))) == 4  # not in the exam's audience


def test_an_answer_to_a_question_served_before_the_exam_opened_is_refused(login, org, bank, clock):
    client = login(org.learner)
    serve(client, question=bank["s1"].id)
    embargo_exam(org, bank, clock)
    response = client.post("/api/v1/practice/answers", json={"question_id": bank["s1"].id, "answer": "A"})
    assert response.status_code == 404 and "key" not in response.get_json()


def test_after_the_exam_closes_its_public_questions_return_to_practice(login, org, bank, clock):
    embargo_exam(org, bank, clock)
    clock.advance(days=2)
    assert len(chapter_one_served(login(org.learner))) == 4


def test_an_exam_not_marked_keeps_nothing_out(login, org, bank, clock):
    embargo_exam(org, bank, clock).is_kept_out_of_practice = False
    db.session.commit()
    assert len(chapter_one_served(login(org.learner))) == 4


def test_the_examiner_marks_the_exam_and_sees_it_on_the_exam_page(login, org, bank, clock):
    exam = embargo_exam(org, bank, clock)
    client = login(org.examiner)
    html = client.get(f"/exams/manage/{exam.id}").get_data(as_text=True)
    assert "开放期间其题目不出现在练习中" in html
    form = client.get(f"/exams/manage/{exam.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="is_kept_out_of_practice"', form)
    data = {"title": exam.title, "year": exam.year, "opens_at": "2026-01-01T08:00", "closes_at": "2026-01-02T08:00",
            "duration_minutes": 90, "pass_mark": 60, "excellent_mark": 90, "max_attempts": 3,
            "counted_rule": "highest", "multiple_rule": "all_or_nothing", "partial_share": 0.5,
            "review_policy": "after_submit"}
    assert client.post(f"/exams/manage/{exam.id}/edit", data=data).status_code == 302
    db.session.refresh(exam)
    assert exam.is_kept_out_of_practice is False
    client.post(f"/exams/manage/{exam.id}/edit", data={**data, "is_kept_out_of_practice": "y"})
    db.session.refresh(exam)
    assert exam.is_kept_out_of_practice is True
    assert "其中的公开题目可以出现在练习中" not in client.get(f"/exams/manage/{exam.id}").get_data(as_text=True)
