"""Issue 13: the confirmation of a question import writes what its preview checked, without reading and checking
the file again, unless the upload, the options or the bank changed in between (then it checks again)."""

import io

from sqlalchemy import func, select

from examapp.bank import importer, services, staging
from examapp.bank.models import Question
from examapp.db import utcnow
from examapp.extensions import db

from .helpers import GOOD_ROWS, xlsx_bytes


def preview(client, data: bytes) -> str:
    page = client.post("/bank/import", data={"file": (io.BytesIO(data), "bank.xlsx")},
                       content_type="multipart/form-data")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return page.get_data(as_text=True).split('name="token" type="hidden" value="')[1].split('"')[0]


def questions() -> int:
    return db.session.scalar(select(func.count(Question.id)))


def never(*_args, **_kwargs):
    raise AssertionError("the confirmation read or checked the file again")


def test_the_confirmation_writes_what_the_preview_checked(library, org, login, monkeypatch):
    client = login(org.examiner)
    token = preview(client, xlsx_bytes(GOOD_ROWS))
    monkeypatch.setattr(importer, "parse_file", never)
    monkeypatch.setattr(importer, "check", never)
    assert client.post("/bank/import/confirm", data={"token": token}).status_code == 302
    assert questions() == len(GOOD_ROWS)
    stems = {q.current.stem for q in db.session.scalars(select(Question))}
    assert stems == {row[1] for row in GOOD_ROWS}
    assert not staging.checked_path(org.examiner.id, token).exists()  # gone with the upload


def test_a_question_added_meanwhile_is_found_by_checking_again(library, org, login):
    client = login(org.examiner)
    token = preview(client, xlsx_bytes(GOOD_ROWS))
    row = GOOD_ROWS[2]  # the true/false one: another examiner adds the same question before the confirmation
    services.create_question({"type": "true_false", "stem": row[1], "answer": False, "difficulty": 3},
                             org.examiner, utcnow())
    db.session.commit()
    page = client.post("/bank/import/confirm", data={"token": token})
    assert page.status_code == 422 and "重复" in page.get_data(as_text=True)
    assert questions() == 1  # all or nothing: none of the file's questions


def test_a_changed_upload_is_checked_again(library, org, login):
    client = login(org.examiner)
    token = preview(client, xlsx_bytes(GOOD_ROWS))
    bad = xlsx_bytes([GOOD_ROWS[0][:8] + ["Z"] + GOOD_ROWS[0][9:]])  # a key that is not an option
    with library.test_request_context():
        staging.paths(org.examiner.id, token)[0].write_bytes(bad)
    page = client.post("/bank/import/confirm", data={"token": token})
    assert page.status_code == 422 and "第 2 行" in page.get_data(as_text=True)
    assert questions() == 0


def test_other_options_than_the_preview_s_are_checked_again(library, org, login, monkeypatch):
    client = login(org.examiner)
    token = preview(client, xlsx_bytes(GOOD_ROWS))
    checked = []
    monkeypatch.setattr(importer, "check", lambda *args, **kwargs: checked.append(1) or real_check(*args, **kwargs))
    assert client.post("/bank/import/confirm", data={"token": token, "skip_duplicates": "1"}).status_code == 302
    assert checked and questions() == len(GOOD_ROWS)


real_check = importer.check
