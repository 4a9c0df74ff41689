"""Roster work through the pages and the API, always inside the actor's unit subtree."""

import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.extensions import db
from examapp.org.models import RosterChange, User


def test_unit_admin_lists_only_people_of_its_subtree(client, org, login):
    login(org.unitadmin)
    html = client.get("/org/people").get_data(as_text=True)
    assert "grid1" in html and "grid2" not in html and "cadre1" not in html


def test_hr_scoped_to_a_town_does_not_see_another_town(client, org, login):
    login(org.hr)
    html = client.get("/org/people").get_data(as_text=True)
    assert "grid2" in html and "far1" not in html
    assert client.get(f"/org/people/{org.far.id}").status_code == 404, "as if the id did not exist"


@pytest.mark.parametrize("path", ["/org/people/{id}", "/org/people/{id}/edit", "/api/v1/people/{id}"])
def test_unit_admin_cannot_see_people_outside_its_subtree(client, org, login, path):
    login(org.unitadmin)
    assert client.get(path.format(id=org.outsider.id)).status_code == 404, "as if the id did not exist"
    assert client.get(path.format(id=99999)).status_code == 404
    assert client.get(path.format(id=org.villager.id)).status_code == 200


def test_unit_admin_cannot_change_people_outside_its_subtree(client, org, login):
    login(org.unitadmin)
    assert client.patch(f"/api/v1/people/{org.outsider.id}", json={"name": "x"}).status_code == 404
    assert client.post(f"/org/people/{org.outsider.id}/status", data={"status": "retired"}).status_code == 404
    assert client.post(f"/org/people/{org.outsider.id}/reset-password").status_code == 404
    db.session.refresh(org.outsider)
    assert org.outsider.status == "active" and org.outsider.name == "grid2"


def test_unit_admin_cannot_transfer_someone_out_of_its_subtree(client, org, login):
    login(org.unitadmin)
    response = client.patch(f"/api/v1/people/{org.villager.id}", json={"unit": "乌塘镇/西岭村民委员会"})
    assert response.status_code == 403
    db.session.refresh(org.villager)
    assert org.villager.unit_id == org.village_a.id


def test_unit_admin_cannot_make_someone_a_system_admin(client, org, login):
    login(org.unitadmin)
    response = client.patch(f"/api/v1/people/{org.villager.id}", json={"role": "admin"})
    assert response.status_code == 403


def test_transfer_is_recorded_with_before_and_after(client, org, login):
    login(org.admin)
    response = client.patch(f"/api/v1/people/{org.villager.id}", json={"unit": "乌塘镇/西岭村民委员会"})
    assert response.status_code == 200
    change = db.session.scalar(select(RosterChange).where(RosterChange.kind == "transferred"))
    assert change.before["unit_id"] == org.village_a.id and change.after["unit_id"] == org.village_b.id
    assert change.actor_id == org.admin.id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roster_transferred"))


def test_exemption_needs_reason_and_approver(client, org, login):
    login(org.unitadmin)
    client.post(f"/org/people/{org.villager.id}/status", data={"status": "exempt", "reason": ""})
    db.session.refresh(org.villager)
    assert org.villager.status == "active"
    client.post(f"/org/people/{org.villager.id}/status",
                data={"status": "exempt", "reason": "长期病假", "approver": "镇党委"})
    db.session.refresh(org.villager)
    assert org.villager.status == "exempt" and org.villager.exempt_reason == "长期病假"
    assert org.villager.exempt_at is not None


def test_retired_people_are_kept_not_deleted(client, org, login):
    login(org.unitadmin)
    client.post(f"/org/people/{org.villager.id}/status", data={"status": "retired"})
    assert db.session.get(User, org.villager.id).status == "retired"
    html = client.get(f"/org/people/{org.villager.id}").get_data(as_text=True)
    assert "已退休" in html and "变更记录" in html


def test_unit_admin_adds_a_person_who_must_change_the_password(client, org, login):
    login(org.unitadmin)
    response = client.post("/org/people/new", data={
        "username": "grid9", "name": "新网格员", "unit_id": org.village_a.id, "role": "learner",
        "is_grid_worker": "y"})
    assert response.status_code == 302
    person = db.session.scalar(select(User).where(User.username == "grid9"))
    assert person.is_grid_worker and person.must_change_password


def test_unit_admin_cannot_add_a_person_outside_its_subtree(client, org, login):
    login(org.unitadmin)
    response = client.post("/org/people/new", data={
        "username": "grid9", "name": "新网格员", "unit_id": org.village_b.id, "role": "learner"})
    assert response.status_code == 200
    assert db.session.scalar(select(User).where(User.username == "grid9")) is None


def test_learner_reads_only_itself_through_the_api(client, org, login):
    login(org.learner)
    assert client.get(f"/api/v1/people/{org.learner.id}").status_code == 200
    assert client.get(f"/api/v1/people/{org.villager.id}").status_code == 404
    assert client.get(f"/api/v1/people/{org.villager.id + 1000}").status_code == 404, "same answer: no id oracle"
    assert client.get("/api/v1/people").status_code == 403


def test_hr_changes_nothing(client, org, login):
    login(org.hr)
    assert client.patch(f"/api/v1/people/{org.villager.id}", json={"name": "x"}).status_code == 403
    assert client.post(f"/org/people/{org.villager.id}/status", data={"status": "retired"}).status_code == 403
