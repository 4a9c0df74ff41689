"""Study credits for practice: the first correct answer to a question on a day counts, within the day's cap."""

from examapp.extensions import db
from examapp.study.credits import local_day, yearly_progress
from examapp.study.models import StudyCredit, StudyRequirement
from tests.practice.conftest import practise


def rule(clock, per_credit=2, cap=1.0):
    db.session.add(StudyRequirement(year=local_day(clock.now).year, practice_answers_per_credit=per_credit,
                                    practice_daily_cap=cap))
    db.session.commit()


def counted(org) -> int:
    return sum(row.practice_answers for row in db.session.scalars(db.select(StudyCredit).filter_by(
        user_id=org.learner.id)))


def test_answering_the_same_question_again_cannot_farm_credits(login, org, bank, clock):
    rule(clock, per_credit=2, cap=5)
    client = login(org.learner)
    assert practise(client, bank["s1"])["credited"] is True
    for _ in range(3):
        assert practise(client, bank["s1"])["credited"] is False
    assert counted(org) == 1
    clock.advance(days=1)
    assert practise(client, bank["s1"])["credited"] is True  # a new day: it counts once more


def test_wrong_answers_earn_nothing(login, org, bank, clock):
    rule(clock)
    client = login(org.learner)
    assert practise(client, bank["s2"], right=False)["credited"] is False
    assert counted(org) == 0


def test_the_daily_cap_stops_counting(login, org, bank, clock):
    rule(clock, per_credit=2, cap=1.0)  # at most 2 counted answers a day
    client = login(org.learner)
    results = [practise(client, bank[code])["credited"] for code in ("s1", "s2", "s3", "s4")]
    assert results == [True, True, False, False]
    assert counted(org) == 2
    clock.advance(days=1)
    assert practise(client, bank["t1"])["credited"] is True


def test_practice_credits_count_with_the_others_in_the_yearly_progress(login, org, bank, clock):
    rule(clock, per_credit=2, cap=2.0)
    client = login(org.learner)
    for code in ("s1", "s2", "s3"):
        practise(client, bank[code])
    progress = yearly_progress(org.learner, local_day(clock.now).year)
    assert progress.practice_answers == 3 and progress.practice_credits == 1.5 and progress.credits == 1.5
    html = client.get("/study/progress").get_data(as_text=True)
    assert "计入答对 3 题，合 1.5 学分" in html


def test_a_rule_of_zero_turns_practice_credits_off(login, org, bank, clock):
    rule(clock, per_credit=0)
    client = login(org.learner)
    assert practise(client, bank["s1"])["credited"] is False
    assert yearly_progress(org.learner, local_day(clock.now).year).credits == 0


def test_the_admin_sets_the_practice_credit_rule(login, org, app):
    client = login(org.admin)
    year = local_day(org.now).year
    data = {"year": year, "credits_required": 10, "hours_required": 40, "leader_sessions_required": 2,
            "daily_cap_minutes": 120, "minutes_per_credit": 30, "case_credits": 0.5, "session_hours": 2,
            "practice_answers_per_credit": 25, "practice_daily_cap": 0.5}
    assert client.post("/study/requirements", data=data).status_code == 302
    row = db.session.scalar(db.select(StudyRequirement).filter_by(year=year))
    assert row.practice_answers_per_credit == 25 and row.practice_daily_cap == 0.5
    bad = client.post("/study/requirements", data={**data, "practice_answers_per_credit": -1})
    assert bad.status_code == 200 and "practice_answers_per_credit-error" in bad.get_data(as_text=True)
