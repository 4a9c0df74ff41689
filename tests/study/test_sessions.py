"""Organised study: who may record, attendees only from the subtree or a sheet, who is behind."""

import io
from datetime import date

from sqlalchemy import select

from examapp.extensions import db
from examapp.study.models import StudyAttendance, StudyRequirement, StudySession
from tests.factories import make_user

YEAR = date.today().year


def session_form(org, attendees, **extra):
    return {"kind": "organised", "held_on": f"{YEAR}-03-01", "topic": "学习行政处罚法", "speaker": "司法所所长",
            "hours": "2", "unit_id": str(extra.pop("unit_id", org.village_a.id)),
            "attendees": [str(a.id) for a in attendees], **extra}


def test_pages_by_role(library, org, login):
    for user, code in ((org.learner, 403), (org.villager, 403), (org.examiner, 403), (org.hr, 403),
                       (org.unitadmin, 200), (org.admin, 200)):
        client = login(user)
        for path in ("/study/sessions", "/study/sessions/new", "/study/behind"):
            assert client.get(path).status_code == code, (user.username, path)


def test_anonymous_is_sent_to_login(library, client):
    for path in ("/study/", "/study/sessions", "/study/progress", "/study/cases"):
        assert client.get(path).status_code in (302, 401)


def test_unit_admin_records_a_session_for_their_subtree(library, org, login):
    client = login(org.unitadmin)
    form = client.get("/study/sessions/new").get_data(as_text=True)
    assert org.villager.name in form and org.outsider.name not in form and org.learner.name not in form
    response = client.post("/study/sessions/new", data=session_form(
        org, [org.villager], laws=[str(library["administrative-penalty-law-2021"].id)]))
    assert response.status_code == 302
    item = db.session.scalar(select(StudySession))
    assert [a.user_id for a in item.attendances] == [org.villager.id]
    assert item.laws[0].slug == "administrative-penalty-law-2021"
    detail = client.get(f"/study/sessions/{item.id}")
    assert detail.status_code == 200 and org.villager.name in detail.get_data(as_text=True)


def test_unit_admin_cannot_add_people_or_units_outside_scope(library, org, login):
    client = login(org.unitadmin)
    client.post("/study/sessions/new", data=session_form(org, [org.outsider]))
    assert db.session.scalar(select(StudySession)) is None
    client.post("/study/sessions/new", data=session_form(org, [org.villager], unit_id=org.village_b.id))
    assert db.session.scalar(select(StudySession)) is None


def test_session_detail_is_scoped(library, org, login):
    login(org.admin).post("/study/sessions/new", data=session_form(org, [org.outsider], unit_id=org.village_b.id))
    item = db.session.scalar(select(StudySession))
    assert login(org.unitadmin).get(f"/study/sessions/{item.id}").status_code == 404  # as if missing
    assert login(org.admin).get(f"/study/sessions/{item.id}").status_code == 200
    assert login(org.learner).get(f"/study/sessions/{item.id}").status_code == 403


def test_attendees_imported_from_a_sheet(library, org, login):
    other = make_user("grid9", org.village_a, name="王五")
    db.session.commit()
    sheet = "账号,姓名\ngrid1,\n,王五\n".encode()
    client = login(org.unitadmin)
    data = session_form(org, [], sheet=(io.BytesIO(sheet), "attendance.csv"))
    response = client.post("/study/sessions/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    ids = set(db.session.scalars(select(StudyAttendance.user_id)))
    assert ids == {org.villager.id, other.id}


def test_sheet_rows_outside_scope_are_refused_with_row_numbers(library, org, login):
    sheet = "账号\ngrid1\ngrid2\n".encode()
    client = login(org.unitadmin)
    data = session_form(org, [], sheet=(io.BytesIO(sheet), "attendance.csv"))
    page = client.post("/study/sessions/new", data=data, content_type="multipart/form-data")
    assert page.status_code == 422 and "3" in page.get_data(as_text=True)
    assert db.session.scalar(select(StudySession)) is None


def test_who_is_behind(library, org, login):
    org.villager.is_leader = True
    db.session.add(StudyRequirement(year=YEAR, credits_required=1, leader_sessions_required=2))
    db.session.commit()
    client = login(org.unitadmin)
    page = client.get("/study/behind").get_data(as_text=True)
    assert org.villager.name in page and org.outsider.name not in page and org.learner.name not in page
    admin_page = login(org.admin).get("/study/behind").get_data(as_text=True)
    assert org.outsider.name in admin_page and org.far.name in admin_page


def test_leader_counts_in_progress_page(library, org, login):
    org.learner.is_leader = True
    db.session.commit()
    login(org.admin).post("/study/sessions/new", data=session_form(org, [org.learner], unit_id=org.office.id))
    page = login(org.learner).get("/study/progress").get_data(as_text=True)
    assert "学习行政处罚法" in page
