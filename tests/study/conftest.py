"""Study fixtures: the shipped statutes loaded once (reference tables), cases loaded per test."""

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from examapp.db import utcnow
from examapp.extensions import db
from examapp.study.cases import CASES_DIR, load_cases_dir
from examapp.study.loader import LAWS_DIR, ensure_library
from examapp.study.models import Law
from examapp.study.services import refresh_in_force

MANIFEST = {row["slug"]: row for row in csv.DictReader(open(LAWS_DIR / "MANIFEST.tsv", encoding="utf-8"),
                                                        delimiter="\t")}


@pytest.fixture
def library(app):
    """The 18 shipped law versions (loaded on first use, kept between tests)."""
    report = ensure_library(utcnow())
    assert not report.errors, report.errors
    return {law.slug: law for law in db.session.scalars(select(Law))}


@pytest.fixture
def ctx(app):
    """A request context: translated messages (raised by services) need one."""
    with app.test_request_context():
        yield


@pytest.fixture
def cases(library, ctx):
    report = load_cases_dir(CASES_DIR, utcnow())
    assert not report.errors, report.errors
    db.session.commit()
    return report


@pytest.fixture
def scratch_laws(library, tmp_path):
    """A folder for test statute files; any law loaded from it is removed afterwards."""
    yield tmp_path
    db.session.rollback()
    mine = [path.stem for path in tmp_path.glob("*.md")]  # only what this test wrote (others keep theirs)
    for law in db.session.scalars(select(Law).where(Law.slug.in_(mine), Law.slug.not_in(list(MANIFEST)))):
        db.session.delete(law)
    db.session.flush()
    refresh_in_force()
    db.session.commit()


def write_law(folder: Path, slug: str, text: str) -> Path:
    path = folder / f"{slug}.md"
    path.write_text(text, encoding="utf-8")
    return path


