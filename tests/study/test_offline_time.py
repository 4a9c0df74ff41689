"""Reading time earned offline and sent when the connection returns: within the cap, once, nothing implausible."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from examapp.extensions import db
from examapp.study.credits import credit_row
from examapp.study.models import OfflineStudyBatch, StudyCredit

NOW = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)  # 10:00 in Beijing: "today" never crosses midnight
LAW = "administrative-penalty-law-2021"
CAP = 120 * 60  # the default daily cap


@pytest.fixture
def api(library, org, login, monkeypatch):
    monkeypatch.setattr("examapp.api.study.utcnow", lambda: NOW)
    client = login(org.villager)

    def post(segments, batch="batch-0001", status=200):
        response = client.post("/api/v1/study/offline-time", json={"batch": batch, "segments": segments})
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()
    return post


def seg(minutes_ago: float, seconds: int, slug: str = LAW) -> dict:
    return {"slug": slug, "started_at": (NOW - timedelta(minutes=minutes_ago)).isoformat(), "seconds": seconds}


def credited(user) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(StudyCredit.seconds), 0))
                             .where(StudyCredit.user_id == user.id))


def test_queued_reading_is_credited_once(api, org):
    data = api([seg(60, 600), seg(40, 300, "constitution-2018")])
    assert data["credited_seconds"] == 900 and data["duplicate"] is False
    assert data["credited_by_day"] == {"2026-06-10": 900} and data["today_seconds"] == 900
    assert credited(org.villager) == 900
    again = api([seg(60, 600), seg(40, 300, "constitution-2018")])
    assert again["duplicate"] is True and again["credited_seconds"] == 0
    assert credited(org.villager) == 900


def test_the_daily_cap_holds_with_time_already_read_online(api, org, library):
    credit_row(org.villager.id, library[LAW].id, NOW.date()).seconds = CAP - 60
    db.session.commit()
    assert api([seg(200, 3 * 3600)])["credited_seconds"] == 60
    assert credited(org.villager) == CAP


def test_overlapping_stretches_count_once(api, org):
    data = api([seg(30, 600), seg(30, 600), seg(25, 600)])  # three tabs, one reader
    assert data["credited_seconds"] == 900  # 10:00-10:10 and 10:05-10:15 cover 15 minutes


def test_time_not_yet_elapsed_is_clamped(api, org):
    assert api([seg(5, 3600)])["credited_seconds"] == 300


def test_days_older_than_a_week_earn_nothing(api, org):
    data = api([seg(8 * 24 * 60, 600), seg(10, 60)])
    assert data["credited_seconds"] == 60 and data["too_old_seconds"] == 600


@pytest.mark.parametrize("bad", [
    seg(-30, 60),                                                # starts in the future
    seg(10, 86401),                                              # more than a day in one stretch
    seg(10, 0), seg(10, 1.5), seg(10, "60"), seg(10, True),      # not whole positive seconds
    {"slug": LAW, "started_at": "2026-06-10 09:00", "seconds": 60},  # no offset
    {"slug": LAW, "started_at": "yesterday", "seconds": 60},
    seg(10, 60, "no-such-law"), "x",
])
def test_one_implausible_reading_refuses_the_batch_and_changes_nothing(api, org, bad):
    data = api([seg(20, 60), bad], status=422)
    assert data["error"]["message"]
    assert credited(org.villager) == 0
    assert db.session.scalar(select(func.count(OfflineStudyBatch.id))) == 0


@pytest.mark.parametrize("segments", [[], "segments", None, [seg(10, 1)] * 501])
def test_segments_must_be_a_short_list(api, segments):
    api(segments, status=422)


@pytest.mark.parametrize("batch", ["", "short", "x" * 65, "has space1", None])
def test_a_batch_needs_a_sensible_key(api, batch):
    api([seg(10, 60)], batch=batch, status=422)


def test_offline_time_needs_a_login(library, client):
    assert client.post("/api/v1/study/offline-time", json={}).status_code == 401
