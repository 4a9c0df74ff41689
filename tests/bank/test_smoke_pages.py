"""Every bank page answers examiners and admins, and refuses everyone else."""

import pytest

from examapp.bank.loader import load_bank_dir
from examapp.bank.models import Question
from examapp.db import utcnow
from examapp.extensions import db

from .helpers import SAMPLE_DIR

PAGES = ("/bank/", "/bank/questions/{id}", "/bank/questions/{id}/preview", "/bank/questions/{id}/edit",
         "/bank/questions/new", "/bank/import", "/bank/template.xlsx", "/bank/export?format=xlsx",
         "/bank/export?format=gift", "/bank/reviews")


@pytest.fixture
def bank(library, org):
    with library.test_request_context():
        report = load_bank_dir(SAMPLE_DIR, utcnow())
    assert not report.errors, report.errors
    db.session.commit()
    return db.session.query(Question).filter_by(code="t-single").one()


@pytest.mark.parametrize("who", ["examiner", "admin"])
@pytest.mark.parametrize("page", PAGES)
def test_staff_get_every_page(bank, org, login, who, page):
    client = login(getattr(org, who))
    response = client.get(page.format(id=bank.id))
    assert response.status_code == 200, response.get_data(as_text=True)[:400]


@pytest.mark.parametrize("who", ["learner", "hr", "unitadmin", "villager"])
@pytest.mark.parametrize("page", PAGES)
def test_others_are_refused(bank, org, login, who, page):
    client = login(getattr(org, who))
    assert client.get(page.format(id=bank.id)).status_code == 403


def test_anonymous_is_sent_to_login(bank, client):
    response = client.get("/bank/")
    assert response.status_code in (302, 401)
