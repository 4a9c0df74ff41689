"""Issue 9: each question's visibility is marked in the editor and list, changed by examiners (audited),
chosen at import (CLI and preview page); exports stay with examiners and admins."""

import io
import json

import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.bank.models import CONFIDENTIAL, PUBLIC, Question
from examapp.extensions import db

from .helpers import GOOD_ROWS, SAMPLE_DIR, xlsx_bytes


@pytest.fixture
def imported(library, runner):
    assert runner.invoke(args=["questions", "import", str(SAMPLE_DIR / "sample.yaml")]).exit_code == 0
    return db.session.scalars(select(Question).order_by(Question.id)).all()


def visibilities() -> dict:
    return dict(db.session.execute(select(Question.code, Question.visibility)).all())


def test_cli_import_chooses_the_visibility(library, runner, tmp_path):
    path = tmp_path / "q.xlsx"
    path.write_bytes(xlsx_bytes(GOOD_ROWS))
    result = runner.invoke(args=["questions", "import", str(path), "--visibility", "public"])
    assert result.exit_code == 0, result.output
    assert set(visibilities().values()) == {PUBLIC}
    stats = json.loads(runner.invoke(args=["questions", "stats", "--json"]).output)
    assert stats["by_visibility"] == {"public": 5, "confidential": 0}
    bad = runner.invoke(args=["questions", "import", str(path), "--visibility", "secret"])
    assert bad.exit_code != 0 and "secret" in bad.output


def test_cli_import_defaults_to_confidential(imported):
    assert set(visibilities().values()) == {CONFIDENTIAL}


def upload(client, data: bytes, name: str):
    return client.post("/bank/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def token_of(page: str) -> str:
    return page.split('name="token" type="hidden" value="')[1].split('"')[0]


@pytest.mark.parametrize("choice", [PUBLIC, CONFIDENTIAL])
def test_the_import_preview_offers_the_choice(library, org, login, choice):
    client = login(org.examiner)
    page = upload(client, xlsx_bytes(GOOD_ROWS), "good.xlsx").get_data(as_text=True)
    assert 'data-testid="import-visibility"' in page
    assert 'checked id="visibility-0" name="visibility" type="radio" value="confidential"' in page
    response = client.post("/bank/import/confirm", data={"token": token_of(page), "visibility": choice})
    assert response.status_code == 302
    assert set(visibilities().values()) == {choice}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "bank.import")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.detail["visibility"] == choice


def test_the_import_preview_refuses_an_unknown_visibility(library, org, login):
    client = login(org.examiner)
    page = upload(client, xlsx_bytes(GOOD_ROWS), "good.xlsx").get_data(as_text=True)
    response = client.post("/bank/import/confirm", data={"token": token_of(page), "visibility": "everyone"},
                           follow_redirects=True)
    assert "请选择公开或保密" in response.get_data(as_text=True)
    assert visibilities() == {}


def test_list_and_editor_mark_visibility_and_the_examiner_changes_it(imported, org, login):
    client = login(org.examiner)
    question = imported[0]
    listing = client.get("/bank/").get_data(as_text=True)
    assert f'data-testid="visibility-{question.id}">保密' in listing
    detail = client.get(f"/bank/questions/{question.id}").get_data(as_text=True)
    assert 'data-testid="visibility">保密' in detail and 'data-testid="visibility-form"' in detail
    response = client.post(f"/bank/questions/{question.id}/visibility", data={"visibility": PUBLIC})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, question.id).visibility == PUBLIC
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "bank.visibility")).one()
    assert event.detail == {"before": CONFIDENTIAL, "after": PUBLIC} and event.actor_id == org.examiner.id
    assert 'data-testid="visibility">公开' in client.get(f"/bank/questions/{question.id}").get_data(as_text=True)
    only_public = client.get("/bank/?visibility=public").get_data(as_text=True)
    assert question.code in only_public and imported[1].code not in only_public
    client.post(f"/bank/questions/{question.id}/visibility", data={"visibility": "nobody"})
    db.session.expire_all()
    assert db.session.get(Question, question.id).visibility == PUBLIC
    assert db.session.query(AuditEvent).filter_by(action="bank.visibility").count() == 1


@pytest.mark.parametrize("who", ["learner", "hr", "unitadmin"])
def test_only_examiners_and_admins_change_visibility_or_export(imported, org, login, who):
    client = login(getattr(org, who))
    question = imported[0]
    assert client.post(f"/bank/questions/{question.id}/visibility", data={"visibility": PUBLIC}).status_code == 403
    for fmt in ("xlsx", "gift"):
        assert client.get(f"/bank/export?format={fmt}").status_code == 403
    assert client.get("/api/v1/bank/questions").status_code == 403
    db.session.expire_all()
    assert db.session.get(Question, question.id).visibility == CONFIDENTIAL
