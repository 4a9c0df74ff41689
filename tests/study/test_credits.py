"""Credit rules: visible and active reading only, gaps capped, a daily cap, cases, yearly progress."""

from datetime import UTC, date, datetime, timedelta

from examapp.extensions import db
from examapp.study.credits import MAX_GAP_SECONDS, leader_sessions, record_heartbeat, yearly_progress
from examapp.study.models import StudyRequirement
from examapp.study.sessions import SessionInput, record_session

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai


def beats(user, law_id, times, visible=True, active=True):
    return [record_heartbeat(user, law_id, visible=visible, active=active, now=T0 + timedelta(seconds=s))
            for s in times]


def test_visible_reading_is_credited(library, org):
    law = library["administrative-penalty-law-2021"]
    earned = beats(org.learner, law.id, [0, 30, 60, 90])
    assert earned == [0, 30, 30, 30]  # the first beat only starts the clock
    progress = yearly_progress(org.learner, 2026)
    assert progress.seconds == 90


def test_hidden_tab_earns_nothing(library, org):
    law = library["constitution-2018"]
    beats(org.learner, law.id, [0])
    assert beats(org.learner, law.id, [30], visible=False) == [0]
    # coming back: the hidden period is not credited, the clock restarts
    assert beats(org.learner, law.id, [600, 630]) == [0, 30]
    assert yearly_progress(org.learner, 2026).seconds == 30


def test_idle_reader_earns_nothing(library, org):
    law = library["constitution-2018"]
    assert beats(org.learner, law.id, [0, 30, 60], active=False) == [0, 0, 0]
    assert yearly_progress(org.learner, 2026).seconds == 0


def test_long_gap_is_not_credited(library, org):
    law = library["constitution-2018"]
    assert beats(org.learner, law.id, [0, MAX_GAP_SECONDS + 1, MAX_GAP_SECONDS + 31]) == [0, 0, 30]


def test_switching_law_restarts_the_clock(library, org):
    beats(org.learner, library["constitution-2018"].id, [0, 30])
    assert beats(org.learner, library["civil-servant-law-2018"].id, [60, 90]) == [0, 30]


def test_daily_cap(library, org):
    db.session.add(StudyRequirement(year=2026, daily_cap_minutes=1))
    db.session.flush()
    law = library["constitution-2018"]
    assert beats(org.learner, law.id, [0, 30, 60, 90, 120]) == [0, 30, 30, 0, 0]
    # the next local day has its own allowance
    next_day = [24 * 3600 + s for s in (0, 30)]
    assert beats(org.learner, law.id, next_day) == [0, 30]
    assert yearly_progress(org.learner, 2026).seconds == 90


def test_credits_per_law_per_day_and_requirement(library, org):
    db.session.add(StudyRequirement(year=2026, credits_required=2, minutes_per_credit=1, case_credits=0.5))
    db.session.flush()
    beats(org.learner, library["constitution-2018"].id, [0, 30, 60])
    progress = yearly_progress(org.learner, 2026)
    assert progress.credits == 1.0 and progress.required == 2 and not progress.reached
    beats(org.learner, library["civil-servant-law-2018"].id, [100, 130, 160])
    assert yearly_progress(org.learner, 2026).reached
    assert yearly_progress(org.learner, 2025).credits == 0


def test_requirement_carries_over_to_later_years(app):
    db.session.add(StudyRequirement(year=2025, credits_required=7))
    db.session.flush()
    from examapp.study.credits import requirement

    assert requirement(2026).credits_required == 7
    assert requirement(2024).credits_required == 10  # the default


def test_leader_rule(library, org):
    org.learner.is_leader = True
    db.session.add(StudyRequirement(year=2026, leader_sessions_required=2))
    db.session.flush()
    assert not leader_sessions(org.learner, 2026).reached
    for day in (date(2026, 3, 1), date(2026, 6, 1), date(2025, 12, 31)):
        record_session(org.admin, SessionInput("organised", day, "集中学法", "", 2.0, org.office.id, [],
                                               [org.learner.id]), T0)
    result = leader_sessions(org.learner, 2026)
    assert result.applies and result.attended == 2 and result.reached
    assert not leader_sessions(org.learner, 2025).reached
    assert leader_sessions(org.villager, 2026).reached  # the rule does not apply to non-leaders
    assert yearly_progress(org.learner, 2026).hours == 4.0


def test_heartbeat_endpoint(library, org, login):
    client = login(org.learner)
    body = {"slug": "constitution-2018", "number": 1, "visible": True, "active": True}
    first = client.post("/api/v1/study/heartbeat", json=body)
    assert first.status_code == 200 and first.get_json()["credited_seconds"] == 0
    hidden = client.post("/api/v1/study/heartbeat", json={**body, "visible": False})
    assert hidden.get_json()["credited_seconds"] == 0
    assert client.post("/api/v1/study/heartbeat", json={"slug": "nope"}).status_code == 404
    assert client.post("/api/v1/study/heartbeat", data="x").status_code == 422


def test_heartbeat_needs_login(library, client):
    assert client.post("/api/v1/study/heartbeat", json={"slug": "constitution-2018"}).status_code == 401


import pytest  # noqa: E402


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_heartbeat_needs_the_csrf_header(library, org, login, app):
    client = app.test_client()
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/login", data={"username": org.learner.username, "password": "Secret-pass-123",
                                "csrf_token": token})
    body = {"slug": "constitution-2018", "visible": True}
    assert client.post("/api/v1/study/heartbeat", json=body).status_code == 400
    page = client.get("/study/laws/constitution-2018/articles/1")
    token = page.get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post("/api/v1/study/heartbeat", json=body, headers={"X-CSRFToken": token}).status_code == 200
