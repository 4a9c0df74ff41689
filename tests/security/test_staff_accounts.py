"""Issue 9, items 1 and 3: staff accounts are managed by the system admin alone; HR always has a scope."""

import csv
import io

import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.db import utcnow
from examapp.extensions import db
from examapp.org.importer import HEADER, import_people
from examapp.org.models import User
from tests.factories import PASSWORD

STAFF = ("examiner", "hr", "unitadmin", "admin")


@pytest.mark.parametrize("who", STAFF)
def test_unit_admin_cannot_reset_a_staff_password_in_its_subtree(client, org, staff, login, who):
    target = getattr(staff, who)
    before = target.password_hash
    login(org.unitadmin)
    response = client.post(f"/org/people/{target.id}/reset-password")
    assert response.status_code == 403
    db.session.refresh(target)
    assert target.password_hash == before and not target.must_change_password
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_reset")) is None


@pytest.mark.parametrize("who", STAFF)
def test_unit_admin_cannot_demote_retire_or_edit_staff(client, org, staff, login, who):
    target = getattr(staff, who)
    role = target.role
    login(org.unitadmin)
    assert client.patch(f"/api/v1/people/{target.id}", json={"role": "learner"}).status_code == 403
    assert client.patch(f"/api/v1/people/{target.id}", json={"name": "改名"}).status_code == 403
    assert client.post(f"/org/people/{target.id}/status", data={"status": "retired"}).status_code == 403
    assert client.get(f"/org/people/{target.id}/edit").status_code == 403
    assert client.post(f"/org/people/{target.id}/end-sessions").status_code == 403
    db.session.refresh(target)
    assert (target.role, target.status, target.name) == (role, "active", target.username)


def test_unit_admin_page_offers_no_management_of_staff(client, org, staff, login):
    login(org.unitadmin)
    html = client.get(f"/org/people/{staff.hr.id}").get_data(as_text=True)
    assert "reset-password" not in html and "end-sessions" not in html


def test_unit_admin_cannot_manage_its_own_account_through_the_roster(client, org, login):
    login(org.unitadmin)
    assert client.patch(f"/api/v1/people/{org.unitadmin.id}", json={"role": "learner"}).status_code == 403
    assert client.post(f"/org/people/{org.unitadmin.id}/reset-password").status_code == 403


def test_unit_admin_cannot_make_a_learner_staff(client, org, login):
    login(org.unitadmin)
    assert client.patch(f"/api/v1/people/{org.villager.id}", json={"role": "unit_admin"}).status_code == 403
    db.session.refresh(org.villager)
    assert org.villager.role == "learner"
    form = client.get("/org/people/new").get_data(as_text=True)
    assert 'value="unit_admin"' not in form and 'value="learner"' in form


def test_unit_admin_still_manages_learners_of_its_subtree(client, org, login):
    login(org.unitadmin)
    assert client.patch(f"/api/v1/people/{org.villager.id}", json={"name": "张三"}).status_code == 200
    assert client.post(f"/org/people/{org.villager.id}/reset-password").status_code == 302
    db.session.refresh(org.villager)
    assert org.villager.must_change_password


@pytest.mark.parametrize("who", STAFF)
def test_system_admin_manages_staff(client, org, staff, login, who):
    target = getattr(staff, who)
    login(org.admin)
    assert client.post(f"/org/people/{target.id}/reset-password").status_code == 302
    assert client.patch(f"/api/v1/people/{target.id}", json={"role": "learner"}).status_code == 200
    db.session.refresh(target)
    assert target.must_change_password and target.role == "learner"


def csv_file(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


@pytest.mark.parametrize("role", ["单位管理员", "考务管理员", "人事", "系统管理员"])
def test_unit_admin_cannot_import_staff_accounts(org, role):
    row = ["王五", "wangwu", "乌塘镇/东山村民委员会", "", "", role, "否", "否", "否", "", ""]
    report = import_people(org.unitadmin, csv_file([row]), "people.csv", utcnow())
    assert not report.ok and db.session.scalar(select(User).where(User.username == "wangwu")) is None


# Item 3: HR scope


def set_known_password(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    user.set_password(PASSWORD)
    user.must_change_password = False
    db.session.commit()
    return user


def test_hr_created_by_the_form_sees_only_its_own_unit_and_subtree(client, org, login):
    login(org.admin)
    response = client.post("/org/people/new", data={"username": "newhr", "name": "新人事", "role": "hr",
                                                   "unit_id": org.village_a.id, "scope_unit_id": 0})
    assert response.status_code == 302, response.get_data(as_text=True)
    hr = set_known_password("newhr")
    assert hr.scope_unit_id == org.village_a.id
    login(hr)
    html = client.get("/org/people").get_data(as_text=True)
    assert "grid1" in html and "grid2" not in html and "far1" not in html
    assert client.get(f"/api/v1/people/{org.far.id}").status_code in (403, 404)


def test_admin_sets_hr_scope_on_the_form(client, org, login):
    login(org.admin)
    client.post("/org/people/new", data={"username": "townhr", "name": "镇人事", "role": "hr",
                                        "unit_id": org.office.id, "scope_unit_id": org.town.id})
    hr = db.session.scalar(select(User).where(User.username == "townhr"))
    assert hr.scope_unit_id == org.town.id
    assert "What an HR account sees" not in client.get(f"/org/people/{hr.id}/edit").get_data(as_text=True)
    assert "人事账号可查看的范围" in client.get(f"/org/people/{hr.id}/edit").get_data(as_text=True)


def test_admin_sets_hr_scope_through_the_api(client, org, login):
    login(org.admin)
    response = client.patch(f"/api/v1/people/{org.hr.id}", json={"scope": "乌塘镇/西岭村民委员会"})
    assert response.status_code == 200 and response.get_json()["scope"] == "乌塘镇/西岭村民委员会"
    assert client.patch(f"/api/v1/people/{org.hr.id}", json={"scope": "无此单位"}).status_code == 422


def test_only_the_admin_sets_a_scope(client, org, login):
    login(org.unitadmin)
    assert client.patch(f"/api/v1/people/{org.villager.id}", json={"scope": "乌塘镇"}).status_code == 403
    assert "scope_unit_id" not in client.get("/org/people/new").get_data(as_text=True)


def test_import_gives_hr_its_unit_or_the_scope_column(org):
    rows = [["人事甲", "hra", "乌塘镇/东山村民委员会", "", "", "人事", "否", "否", "否", "", ""],
            ["人事乙", "hrb", "乌塘镇/党政综合办公室", "", "", "人事", "否", "否", "否", "", "乌塘镇"]]
    report = import_people(org.admin, csv_file(rows), "people.csv", utcnow())
    assert report.ok, report.messages()
    hra, hrb = (db.session.scalar(select(User).where(User.username == n)) for n in ("hra", "hrb"))
    assert hra.scope_unit_id == org.village_a.id and hrb.scope_unit_id == org.town.id


def test_import_refuses_a_scope_for_a_learner(org):
    row = ["学员甲", "xya", "乌塘镇/东山村民委员会", "", "", "学员", "否", "否", "否", "", "乌塘镇"]
    report = import_people(org.admin, csv_file([row]), "people.csv", utcnow())
    assert not report.ok and "范围" in " ".join(report.messages())


def test_cli_creates_hr_with_a_scope(runner, org):
    result = runner.invoke(args=["users", "create", "clihr", "--role", "hr", "--unit", "乌塘镇/党政综合办公室"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "clihr")).scope_unit_id == org.office.id


def test_hr_without_a_recorded_scope_sees_only_its_unit(client, org, login):
    org.hr.scope_unit = None
    db.session.commit()
    login(org.hr)
    html = client.get("/org/people").get_data(as_text=True)
    assert "cadre1" in html and "grid1" not in html and "far1" not in html


def test_admin_edits_a_learner_without_touching_the_scope_field(client, org, login):
    login(org.admin)
    data = {"name": "新名字", "unit_id": org.village_a.id, "role": "learner", "position": "", "rank": "", "phone": ""}
    assert client.post(f"/org/people/{org.villager.id}/edit", data=data).status_code == 302
    db.session.refresh(org.villager)
    assert org.villager.name == "新名字" and org.villager.scope_unit_id is None
