"""The mastery map on a small hand-computed example, and its scope: own, a unit admin's subtree, everyone."""

import pytest
from fsrs import Card

from examapp.extensions import db
from examapp.practice.models import PracticeCard
from examapp.practice.schedule import make_scheduler
from tests.practice.conftest import CH1, CH2, CH4, LAW, practise


@pytest.fixture
def history(login, org, bank, clock):
    """cadre1 (office): s1 right, s2 wrong, s3 right, t1 right; grid1 (东山村): s1 wrong, s6 wrong;
    grid2 (西岭村): s3 right; far1 (another town): s7 wrong. All at one moment."""
    plan = {org.learner: [("s1", True), ("s2", False), ("s3", True), ("t1", True)],
            org.villager: [("s1", False), ("s6", False)], org.outsider: [("s3", True)], org.far: [("s7", False)]}
    for person, answers in plan.items():
        client = login(person)
        for code, right in answers:
            practise(client, bank[code], right)
    return plan


def rows_of(data) -> dict:
    return {(r["law"], r["chapter"]): r for r in data["chapters"]}


def test_a_learners_own_mastery(login, org, history, clock):
    data = login(org.learner).get("/api/v1/practice/mastery").get_json()
    rows = rows_of(data)
    assert data["scope"] == "own"
    ch1, ch2, ch4 = rows[LAW, CH1], rows[LAW, CH2], rows[LAW, CH4]
    # public, active, not held: CH1 s1 s2 s6 s7; CH2 s3 s4 m1; CH4 t1 t2 b1 c1 s5
    assert (ch1["bank"], ch2["bank"], ch4["bank"]) == (4, 3, 5)
    assert (ch1["practised"], ch1["answers"], ch1["correct"], ch1["accuracy"]) == (2, 2, 1, 0.5)
    assert (ch2["practised"], ch2["accuracy"]) == (1, 1.0) and (ch4["practised"], ch4["accuracy"]) == (1, 1.0)
    assert data["totals"]["bank"] == 12 and data["totals"]["practised"] == 4 and data["totals"]["accuracy"] == 0.75
    assert ch1["retrievability"] == 1.0  # just reviewed


def test_retrievability_is_the_packages_mean_for_the_cards(login, org, history, clock):
    clock.advance(days=10)
    data = login(org.learner).get("/api/v1/practice/mastery").get_json()
    sched = make_scheduler(0.9)
    cards = db.session.scalars(db.select(PracticeCard).filter_by(user_id=org.learner.id)).all()
    expected = [sched.get_card_retrievability(Card.from_dict(c.state), clock.now) for c in cards]
    assert len(expected) == 4 and all(0 < r < 1 for r in expected)
    assert data["totals"]["retrievability"] == pytest.approx(sum(expected) / 4)
    s1 = next(c for c in cards if c.question_id == history_question(org, "s1"))
    s2 = next(c for c in cards if c.question_id == history_question(org, "s2"))
    ch1 = [sched.get_card_retrievability(Card.from_dict(c.state), clock.now) for c in (s1, s2)]
    assert rows_of(data)[LAW, CH1]["retrievability"] == pytest.approx(sum(ch1) / 2, abs=1e-4)


def history_question(org, code: str) -> int:
    from examapp.bank.models import Question

    return db.session.scalar(db.select(Question.id).filter_by(code=code))


def test_a_unit_admin_sees_their_subtree_only_and_who_has_not_practised(login, org, history, clock):
    client = login(org.unitadmin)
    data = client.get("/api/v1/practice/mastery").get_json()
    ch1 = rows_of(data)[LAW, CH1]
    assert data["scope"] == "unit"
    assert (ch1["people"], ch1["practised"], ch1["answers"], ch1["correct"]) == (1, 2, 2, 0)
    assert rows_of(data)[LAW, CH2]["answers"] == 0  # grid2 is in another village
    html = client.get("/practice/mastery/unit").get_data(as_text=True)
    idle = html.split("未练习的人员")[1]
    assert "unitadmin" in idle and "grid1" not in idle and "cadre1" not in idle and "far1" not in idle
    assert client.get("/api/v1/practice/mastery?scope=all").status_code == 403


def test_an_examiner_sees_everyone_and_the_articles_most_missed(login, org, history, clock):
    client = login(org.examiner)
    data = client.get("/api/v1/practice/mastery").get_json()
    ch1, ch2 = rows_of(data)[LAW, CH1], rows_of(data)[LAW, CH2]
    assert data["scope"] == "all"
    assert (ch1["people"], ch1["practised"], ch1["answers"], ch1["correct"], ch1["weak"]) == (3, 4, 5, 1, True)
    assert (ch2["people"], ch2["answers"], ch2["correct"], ch2["weak"]) == (2, 2, 2, False)
    assert data["most_missed_articles"] == [
        {"law": LAW, "law_title": "行政处罚法", "article": 5, "label": "第五条", "answers": 5, "wrong": 4}]
    html = client.get("/practice/mastery/org").get_data(as_text=True)
    assert "行政处罚法第五条" in html and "<svg" in html
    assert client.get("/api/v1/practice/mastery?scope=unit").status_code == 403


def test_hr_sees_no_one_elses_practice(login, org, history):
    client = login(org.hr)
    assert client.get("/api/v1/practice/mastery").get_json()["scope"] == "own"
    for scope in ("unit", "all"):
        assert client.get(f"/api/v1/practice/mastery?scope={scope}").status_code == 403
    assert client.get("/practice/mastery/unit").status_code == 403
    assert client.get("/practice/mastery/org").status_code == 403


def test_a_weak_chapter_is_highlighted_with_links_to_read_and_practise(login, org, bank, clock):
    client = login(org.learner)
    for code in ("s1", "s2", "s6"):
        practise(client, bank[code], right=False)
    html = client.get("/practice/mastery").get_data(as_text=True)
    weak = html.split("薄弱章节")[1].split("</section>")[0]
    assert "第一章 总则" in weak and "/study/laws/administrative-penalty-law-2021/articles/1" in weak
    assert "mode=filter" in weak and "chapter=" in weak


def test_mastery_counts_only_recent_answers(login, org, history, clock):
    clock.advance(days=31)
    data = login(org.learner).get("/api/v1/practice/mastery").get_json()
    assert rows_of(data)[LAW, CH1]["answers"] == 0 and rows_of(data)[LAW, CH1]["practised"] == 2
