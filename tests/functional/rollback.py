"""Run one test inside a transaction that is rolled back, so a module can build its world once.

The app's own commits become savepoints (SQLAlchemy's join_transaction_mode="create_savepoint"); at the end
the outer transaction is rolled back and the next test finds the world exactly as it was built. Works on
SQLite (the outer BEGIN is issued by hand: Python's sqlite3 driver would otherwise open the transaction only
at the first write and commit on the first RELEASE) and on PostgreSQL.
"""

import contextlib

from flask_sqlalchemy.session import Session, _app_ctx_id
from sqlalchemy.orm import scoped_session

from examapp.extensions import db


class BoundSession(Session):
    """Flask-SQLAlchemy's session, but bound to the test's connection instead of the app's engine."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@contextlib.contextmanager
def rolled_back(monkeypatch):
    """Inside an app context: route db.session through one connection whose transaction is rolled back."""
    connection = db.engine.connect()
    outer = connection.begin()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
    factory = db._make_session_factory({"class_": BoundSession, "bind": connection,
                                        "join_transaction_mode": "create_savepoint"})
    session = scoped_session(factory, scopefunc=_app_ctx_id)
    monkeypatch.setattr(db, "session", session)
    try:
        yield session
    finally:
        session.remove()
        outer.rollback()
        connection.close()


@contextlib.contextmanager
def built_world(**config):
    """Build the access matrix's world once (an app with `config`); empty the tables again at the end."""
    from types import SimpleNamespace

    from tests.conftest import empty_tables, make_app, reference_tables
    from tests.factories import small_org
    from tests.functional.world import build_world, untangle_bank

    app = make_app(**config)
    with app.app_context():
        empty_tables(keep=reference_tables())
        org = small_org()
        world = build_world(org)
        village_a = org.village_a.id
        db.session.remove()
    yield SimpleNamespace(app=app, world=world, village_a=village_a)
    with app.app_context():
        untangle_bank()
        empty_tables(keep=reference_tables())
        db.session.remove()
