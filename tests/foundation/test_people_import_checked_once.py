"""Issue 13: confirming a people import writes the rows its preview checked, without reading and checking the
file again, unless the upload, the units or the importer changed meanwhile; taken accounts are always asked."""

import io

from sqlalchemy import func, select

from examapp.db import utcnow
from examapp.extensions import db
from examapp.org import importer
from examapp.org.models import User
from examapp.org.services import add_unit, create_person

from .test_people_import import GOOD, csv_bytes


def preview(client) -> str:
    page = client.post("/org/import", data={"file": (io.BytesIO(csv_bytes(GOOD)), "people.csv")},
                       content_type="multipart/form-data")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return page.get_data(as_text=True).split("/org/import/")[1].split("/confirm")[0]


def people() -> int:
    return db.session.scalar(select(func.count(User.id)))


def never(*_args, **_kwargs):
    raise AssertionError("the confirmation read or checked the file again")


def test_the_confirmation_writes_the_rows_the_preview_checked(client, org, login, monkeypatch):
    login(org.admin)
    token = preview(client)
    monkeypatch.setattr(importer, "check_rows", never)
    assert client.post(f"/org/import/{token}/confirm").status_code == 302
    person = db.session.scalar(select(User).where(User.username == "wangxm"))
    assert person.unit.full_name == "乌塘镇/东山村民委员会" and person.is_grid_worker and person.phone == "13800000001"
    assert db.session.scalar(select(User).where(User.username == "lihong")).unit.name == "西岭村民委员会"


def test_an_account_taken_meanwhile_stops_the_whole_import(client, org, login):
    login(org.admin)
    token = preview(client)
    create_person(None, utcnow(), username="lihong", name="另一个李红", unit=org.village_b)
    db.session.commit()
    before = people()
    page = client.post(f"/org/import/{token}/confirm")
    assert page.status_code == 422 and "lihong" in page.get_data(as_text=True)
    assert people() == before  # all or nothing: wangxm was not imported either


def test_a_change_to_the_units_meanwhile_means_checking_again(client, org, login, monkeypatch):
    login(org.admin)
    token = preview(client)
    add_unit("新设村民委员会", org.town, kind="village")
    db.session.commit()
    calls = []
    real = importer.check_rows
    monkeypatch.setattr(importer, "check_rows", lambda *args: calls.append(1) or real(*args))
    assert client.post(f"/org/import/{token}/confirm").status_code == 302
    assert calls and db.session.scalar(select(User).where(User.username == "wangxm")) is not None


def test_a_changed_upload_is_checked_again(client, org, login, monkeypatch):
    login(org.admin)
    token = preview(client)
    bad = csv_bytes([GOOD[0], ["李红", "lihong", "不存在的单位", "", "", "学员", "否", "否", "否", ""]])
    with client.application.test_request_context():
        from examapp.uploads import stash_path

        stash_path(token, ".bin").write_bytes(bad)
    before = people()
    page = client.post(f"/org/import/{token}/confirm")
    assert page.status_code == 422 and "不存在的单位" in page.get_data(as_text=True)
    assert people() == before
