"""Audience, window, eligibility, attempt limits, make-up and per-person overrides."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from examapp.audit import AuditEvent
from examapp.errors import Invalid
from examapp.exams import attempts, services
from examapp.exams.availability import in_audience, standing
from examapp.exams.models import Attempt
from examapp.extensions import db

from .conftest import make_exam, start


@pytest.mark.parametrize("audience,who,expected", [
    ({}, "far", True),
    ({"unit_ids": ["town"]}, "villager", True),
    ({"unit_ids": ["town"]}, "far", False),
    ({"unit_ids": ["village_a"]}, "outsider", False),
    ({"unit_ids": ["town"], "grid_workers": True}, "villager", True),
    ({"unit_ids": ["town"], "grid_workers": True}, "learner", False),
    ({"leaders": True}, "learner", False),
    ({"roles": ["hr"]}, "hr", True),
    ({"roles": ["hr"], "enforcement": True}, "learner", False),
])
def test_audience(org, audience, who, expected):
    audience = {**audience, "unit_ids": [getattr(org, u).id for u in audience.get("unit_ids", [])]}
    exam = make_exam(org, audience=audience)
    assert in_audience(exam, getattr(org, who)) is expected


def test_people_who_left_are_not_in_the_audience(org):
    org.learner.status = "retired"
    assert not in_audience(make_exam(org, audience={}), org.learner)


def test_exam_list_shows_why_not(org, bank, login, clock):
    open_exam = make_exam(org, title="open")
    make_exam(org, title="later", opens_at=org.now + timedelta(days=2))
    make_exam(org, title="elsewhere", audience={"unit_ids": [org.other_town.id]})
    make_exam(org, title="draft", status="draft")
    rows = login(org.learner).get("/api/v1/exams").get_json()["exams"]
    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {"open", "later"}
    assert by_title["open"]["can_start"] and by_title["open"]["attempts_left"] == 3
    assert by_title["later"]["status"] == "not_open_yet" and not by_title["later"]["can_start"]
    client = login(org.learner)
    assert client.post(f"/api/v1/exams/{open_exam.id + 2}/attempts").status_code == 404  # not in audience
    assert client.post(f"/api/v1/exams/{open_exam.id + 3}/attempts").status_code == 404  # draft


def finish(client, aid):
    assert client.post(f"/api/v1/attempts/{aid}/submit").status_code == 200


def test_attempt_limit_and_extra_attempt_override(org, exam, login, clock):
    client = login(org.learner)
    for _ in range(3):
        finish(client, start(client, exam.id)["attempt_id"])
    refused = client.post(f"/api/v1/exams/{exam.id}/attempts")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_attempts_left"
    services.grant_override(exam, org.learner, "extra_attempt", "系统故障", org.examiner, org.now)
    db.session.commit()
    assert start(client, exam.id)["number"] == 4
    audit = db.session.query(AuditEvent).filter_by(action="exam.override").one()
    assert audit.detail["reason"] == "系统故障" and audit.actor_id == org.examiner.id


def test_extra_time_applies_to_new_and_running_attempts(org, exam, login, clock):
    client = login(org.learner)
    paper = start(client, exam.id)
    services.grant_override(exam, org.learner, "extra_time", "视力障碍", org.examiner, org.now, minutes=15)
    db.session.commit()
    state = client.get(f"/api/v1/attempts/{paper['attempt_id']}").get_json()
    assert state["remaining_seconds"] == (90 + 15) * 60
    clock.advance(minutes=100)
    assert client.put(f"/api/v1/attempts/{paper['attempt_id']}/answers/{paper['questions'][0]['id']}",
                      json={"answer": None}).status_code == 200


def test_reopen_override_lets_one_person_start_after_the_window(org, exam, login, clock):
    clock.advance(days=11)
    client = login(org.learner)
    assert client.post(f"/api/v1/exams/{exam.id}/attempts").get_json()["error"]["code"] == "closed"
    services.grant_override(exam, org.learner, "reopen", "住院", org.examiner, clock.now,
                            until_at=clock.now + timedelta(days=2))
    db.session.commit()
    paper = start(client, exam.id)
    assert paper["remaining_seconds"] == 90 * 60
    assert login(org.villager).post(f"/api/v1/exams/{exam.id}/attempts").status_code == 409


@pytest.mark.parametrize("kind,kwargs", [("extra_time", {"minutes": 0}), ("reopen", {}), ("bogus", {}),
                                         ("extra_attempt", {"reason": " "})])
def test_override_needs_kind_reason_and_amount(org, exam, kind, kwargs):
    reason = kwargs.pop("reason", "理由")
    with pytest.raises(Invalid):
        services.grant_override(exam, org.learner, kind, reason, org.examiner, org.now, **kwargs)


def test_makeup_window_only_for_those_who_failed(org, bank, login, clock):
    exam = make_exam(org, closes_at=org.now + timedelta(days=1), makeup_opens_at=org.now + timedelta(days=2),
                     makeup_closes_at=org.now + timedelta(days=4))
    client = login(org.learner)
    finish(client, start(client, exam.id)["attempt_id"])  # scores 0: failed
    clock.advance(days=3)
    paper = start(client, exam.id)
    assert db.session.get(Attempt, paper["attempt_id"]).is_makeup
    finish(client, paper["attempt_id"])
    assert client.post(f"/api/v1/exams/{exam.id}/attempts").get_json()["error"]["code"] == "no_attempts_left"
    never_sat = login(org.villager).post(f"/api/v1/exams/{exam.id}/attempts")
    assert never_sat.get_json()["error"]["code"] == "no_attempts_left"


def test_eligibility_rule_uses_study_credits(org, bank, monkeypatch):
    exam = make_exam(org, eligibility={"study_credits": True})
    progress = SimpleNamespace(credits=3, required=10, reached=False)
    monkeypatch.setattr("examapp.study.credits.yearly_progress", lambda user, year: progress)
    situation = standing(exam, org.learner, org.now)
    assert situation.reason == "not_eligible" and situation.detail == {"credits": "3", "required": "10"}
    progress.reached = True
    assert standing(exam, org.learner, org.now).can_start


def test_one_open_attempt_per_person_is_a_database_rule(org, exam):
    from sqlalchemy.exc import IntegrityError

    first = attempts.start_attempt(exam, org.learner, org.now)
    db.session.commit()
    db.session.add(Attempt(exam_id=exam.id, user_id=org.learner.id, number=first.number + 1, seed=1,
                           started_at=org.now, deadline_at=org.now))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_second_start_returns_the_same_attempt(org, exam):
    first = attempts.start_attempt(exam, org.learner, org.now)
    db.session.commit()
    assert attempts.start_attempt(exam, org.learner, org.now + timedelta(minutes=1)).id == first.id


def test_publish_check_counts_overlapping_rules_conservatively(org, bank):
    from examapp.exams.services import check_blueprint

    exam = make_exam(org, status="draft", blueprint=[
        {"variant": "default", "type": "single", "count": 4, "points": "10"},
        {"variant": "default", "law": "administrative-penalty-law-2021", "type": "single", "count": 3, "points": "10"},
        {"variant": "leaders", "type": "true_false", "count": 3, "points": "10"},
    ])
    checks = check_blueprint(exam)
    assert [(c.index, c.available, c.ok) for c in checks] == [(0, 6, True), (1, 2, False), (2, 3, True)]


def test_paper_is_frozen_once_published(org, exam):
    from examapp.errors import Conflict

    with pytest.raises(Conflict):
        services.add_rule(exam, {"count": 1, "points": 1}, org.examiner, org.now)
    with pytest.raises(Conflict):
        services.remove_rule(exam, 0, org.examiner, org.now)


def test_the_audience_unit_check_in_sql_agrees_with_unit_contains(org):
    """unit_within answers Unit.contains in one statement; a unit whose id is a prefix of another's (paths
    /7000003/ and /70000031/) must not contain it."""
    from examapp.exams.audience import unit_within
    from examapp.org.models import Unit
    from examapp.org.services import add_unit

    for unit_id, parent in ((7_000_003, None), (70_000_031, None), (7_000_004, org.village_a),
                            (70_000_041, org.village_a)):
        unit = Unit(id=unit_id, name=f"网格{unit_id}", kind="grid", path="", full_name=f"网格{unit_id}")
        db.session.add(unit)
        db.session.flush()
        unit.place_under(parent)
    add_unit("第二网格", org.village_b, kind="grid")
    db.session.flush()
    units = db.session.query(Unit).all()
    assert any(b.path.startswith(a.path.rstrip("/")) and not a.contains(b) for a in units for b in units)
    for a in units:
        for b in units:
            assert unit_within([a.id], b.id) == a.contains(b), (a.path, b.path)
    assert unit_within([org.other_town.id, org.town.id], org.villager.unit_id)
    assert not unit_within([org.other_town.id, org.village_b.id], org.villager.unit_id)
    assert not unit_within([org.town.id], None)
