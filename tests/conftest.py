"""Fixtures: one schema per test session, emptied between tests; SQLite or DATABASE_URL."""

import os
import tempfile

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import delete, event

from examapp import create_app
from examapp.extensions import db
from examapp.i18n import compile_catalogues

from . import factories

_TMP = tempfile.mkdtemp(prefix="examapp-test-")
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{_TMP}/test.sqlite"
IS_POSTGRES = DATABASE_URL.startswith("postgresql")

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-123",
    "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "SERVER_NAME": "localhost",
}


class RequestIsolatingClient(FlaskClient):
    """Clear flask.g before each request.

    The test keeps one app context pushed (so it can use db.session), and Flask
    reuses that context for requests; without this, the logged-in user and
    other per-request state cached on g would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(vars(g._get_current_object())):
                delattr(g, name)
        return super().open(*args, **kwargs)


def make_app(**overrides):
    app = create_app({**TEST_CONFIG, **overrides})
    app.test_client_class = RequestIsolatingClient
    return app


def reference_tables():
    """Tables kept between tests (the statute library, loaded once)."""
    return {t.name for t in db.metadata.sorted_tables if t.info.get("reference")}


def empty_tables(keep: set[str]) -> None:
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in keep:
            db.session.execute(delete(table))
    db.session.commit()


@pytest.fixture(scope="session")
def _schema():
    compile_catalogues()
    app = make_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(_schema, request):
    overrides = getattr(request, "param", None) or {}
    app = make_app(**overrides)
    ctx = app.app_context()
    ctx.push()
    empty_tables(keep=reference_tables())
    yield app
    db.session.rollback()
    if request.node.get_closest_marker("mutates_library"):
        empty_tables(keep=set())
    db.session.remove()
    db.engine.dispose()  # each test's app has its own pool: close its connections now, not when collected
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def bearer(org):
    """The learner's API token, as an Authorization header."""
    from examapp.auth.services import issue_token
    from examapp.db import utcnow

    token = issue_token(org.learner, utcnow())
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def statements(app):
    """The SQL statements sent while the test runs (tests that pin how many a path takes)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def org(app):
    """A small tree: a town, an office and two villages, one person per role."""
    return factories.small_org()


@pytest.fixture
def login(client):
    def do_login(user, password=factories.PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do_login
