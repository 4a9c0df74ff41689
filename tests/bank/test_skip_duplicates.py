"""`--skip-duplicates` and the preview checkbox: import the rest, list what was left out; default all or nothing."""

import io

import pytest
from sqlalchemy import func, select

from examapp.audit import AuditEvent
from examapp.bank.importer import import_questions
from examapp.bank.models import QuestionVersion
from examapp.db import utcnow
from examapp.extensions import db

IN_BANK = "行政处罚听证由谁主持？ {=行政机关指定的本案调查人员以外的人员 ~本案调查人员 ~当事人}\n"
FILE = ("行政处罚由谁实施？ {=具有行政处罚权的行政机关 ~人民法院 ~人民检察院}\n\n"   # line 1
        "行政处罚由谁实施？ {=具有行政处罚权的行政机关 ~人民法院 ~人民检察院}\n\n"   # line 3: in-file copy
        + IN_BANK + "\n"                                                               # line 5: in the bank
        "罚款决定书由谁作出？ {=行政机关 ~执法辅助人员}\n")                              # line 7


def stems() -> list[str]:
    return sorted(db.session.scalars(select(QuestionVersion.stem)))


@pytest.fixture
def bank_with_one(req):
    assert import_questions(IN_BANK.encode(), "first.gift", None, utcnow()).ok
    db.session.commit()
    return req


def test_default_stays_all_or_nothing(bank_with_one):
    report = import_questions(FILE.encode(), "moodle.gift", None, utcnow())
    db.session.commit()
    assert not report.ok and len(stems()) == 1
    assert set(report.errors) == {3, 5}
    assert "Duplicate of Line 1" in report.errors[3][0] and "--skip-duplicates" in report.errors[3][0]


def test_skip_duplicates_imports_the_rest_and_lists_what_was_skipped(bank_with_one):
    report = import_questions(FILE.encode(), "moodle.gift", None, utcnow(), skip_duplicates=True)
    db.session.commit()
    assert report.ok and len(report.created) == 2
    assert stems() == sorted(["行政处罚听证由谁主持？", "行政处罚由谁实施？", "罚款决定书由谁作出？"])
    assert [line for line, _m in report.skipped_duplicates] == [3, 5]
    assert "Skipped as a duplicate." in report.warnings[3] and "Skipped as a duplicate." in report.warnings[5]
    assert "2 skipped" in report.summary()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "bank.import")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.detail["skipped_duplicates"] == [3, 5]


def test_skipping_errors_still_import_nothing(bank_with_one):
    bad = FILE + "\n没有正确答案的题？ {~甲 ~乙}\n"
    report = import_questions(bad.encode(), "bad.gift", None, utcnow(), skip_duplicates=True)
    db.session.commit()
    assert not report.ok and len(stems()) == 1


def test_a_file_of_duplicates_only_is_refused(bank_with_one):
    report = import_questions(IN_BANK.encode(), "again.gift", None, utcnow(), skip_duplicates=True)
    assert not report.ok and "nothing to import" in report.errors[1][0]


def test_cli_flag(bank_with_one, runner, tmp_path):
    path = tmp_path / "moodle.gift"
    path.write_text(FILE, encoding="utf-8")
    refused = runner.invoke(args=["questions", "import", str(path)])
    assert refused.exit_code == 1 and len(stems()) == 1
    done = runner.invoke(args=["questions", "import", str(path), "--skip-duplicates"])
    assert done.exit_code == 0, done.output
    assert done.output.count("跳过") >= 2 or done.output.count("Skipped") >= 2, done.output
    assert len(stems()) == 3


def upload(client, data: bytes, name: str, **extra):
    return client.post("/bank/import", data={"file": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data")


def test_preview_checkbox_then_confirm(bank_with_one, org, login):
    examiner = login(org.examiner)
    refused = upload(examiner, FILE.encode(), "moodle.gift")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'name="dupes"' in page
    token = page.split("/bank/import/")[1].split("/")[0]
    again = examiner.get(f"/bank/import/{token}/preview", query_string={"dupes": "1"})
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and 'id="skipped"' in page
    assert page.count("<li>") >= 2 and len(stems()) == 1
    done = examiner.post("/bank/import/confirm", data={"token": token, "skip_duplicates": "1"})
    assert done.status_code == 302 and len(stems()) == 3
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "bank.import")) == 2


def test_upload_checkbox(bank_with_one, org, login):
    response = upload(login(org.examiner), FILE.encode(), "moodle.gift", skip_duplicates="y")
    assert response.status_code == 200 and 'id="skipped"' in response.get_data(as_text=True)


def test_preview_is_examiners_only(bank_with_one, org, login):
    token = upload(login(org.examiner), FILE.encode(), "moodle.gift").get_data(as_text=True) \
        .split("/bank/import/")[1].split("/")[0]
    for user in (org.learner, org.hr, org.unitadmin):
        assert login(user).get(f"/bank/import/{token}/preview").status_code in (403, 404)
    assert login(org.admin).get(f"/bank/import/{token}/preview").status_code == 404  # not the admin's upload
