"""Bank fixtures: the statute library (loaded once; reference tables survive between tests)."""

import pytest
from sqlalchemy import select

from examapp.db import utcnow
from examapp.extensions import db
from examapp.study.loader import LAWS_DIR, load_laws_dir
from examapp.study.models import Law


@pytest.fixture
def library(app):
    """Make sure the shipped statutes are in the library."""
    # Other tests add their own small laws to the kept reference tables: look for a shipped one.
    if db.session.scalar(select(Law.id).where(Law.slug == "administrative-penalty-law-2021")) is None:
        report = load_laws_dir(LAWS_DIR, utcnow())
        assert not report.errors, report.errors
        db.session.commit()
    return app


@pytest.fixture
def req(library):
    """A request context in English, so tests can read the messages (Chinese is the default)."""
    with library.test_request_context(headers={"Cookie": "lang=en"}):
        yield library
