"""O-01: a production app refuses to start with each unsafe setting, naming it in Chinese; a worker forked
from a master that holds a database connection never uses it."""

import json
import os
import re

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from examapp import create_app
from examapp.config import DEFAULT_SECRET, ConfigError
from examapp.extensions import db
from examapp.ops import selfcheck
from tests.conftest import DATABASE_URL, IS_POSTGRES

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/examapp_o01"
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# (case, settings on top of a safe production configuration, the setting the message must name)
BAD_SETTINGS = [
    ("default SECRET_KEY", {"SECRET_KEY": DEFAULT_SECRET}, "SECRET_KEY"),
    ("short SECRET_KEY", {"SECRET_KEY": "s" * 31}, "SECRET_KEY"),
    ("DEBUG on", {"DEBUG": True}, "DEBUG"),
    ("no public address", {"PUBLIC_BASE_URL": None, "TRUSTED_HOSTS": None}, "PUBLIC_BASE_URL"),
    ("public address without scheme", {"PUBLIC_BASE_URL": "xuefa.example.gov.cn"}, "PUBLIC_BASE_URL"),
    ("session cookie over HTTP", {"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
    ("remember cookie over HTTP", {"REMEMBER_COOKIE_SECURE": False}, "REMEMBER_COOKIE_SECURE"),
    ("session cookie readable by scripts", {"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY"),
    ("remember cookie readable by scripts", {"REMEMBER_COOKIE_HTTPONLY": False}, "REMEMBER_COOKIE_HTTPONLY"),
    ("session cookie sent cross-site", {"SESSION_COOKIE_SAMESITE": "None"}, "SESSION_COOKIE_SAMESITE"),
    ("CSRF off", {"WTF_CSRF_ENABLED": False}, "WTF_CSRF_ENABLED"),
    ("unknown time zone", {"SITE_TIMEZONE": "Asia/Beijing"}, "SITE_TIMEZONE"),
    ("proxy count not a number", {"TRUSTED_PROXIES": "yes"}, "TRUSTED_PROXIES"),
    ("SQLite in memory", {"SQLALCHEMY_DATABASE_URI": "sqlite://"}, "DATABASE_URL"),
    ("PostgreSQL without pool_pre_ping", {"SQLALCHEMY_DATABASE_URI": UNREACHABLE_PG,
                                          "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}}, "pool_pre_ping"),
    ("PostgreSQL statement timeout not below gunicorn's", {"SQLALCHEMY_DATABASE_URI": UNREACHABLE_PG,
                                                           "DATABASE_STATEMENT_TIMEOUT_SECONDS": 30},
     "DATABASE_STATEMENT_TIMEOUT_SECONDS"),
]


@pytest.fixture
def production(monkeypatch, tmp_path):
    """A safe production configuration on a scratch SQLite file; each case spoils one setting."""
    monkeypatch.setenv("EXAMAPP_ENV", "production")
    for name in ("SECRET_KEY", "PUBLIC_BASE_URL", "TRUSTED_HOSTS", "TRUSTED_PROXIES", "SITE_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    return {"SECRET_KEY": "k" * 48, "PUBLIC_BASE_URL": "https://xuefa.example.gov.cn",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/o01.sqlite"}


def refusal(settings: dict) -> str:
    with pytest.raises(ConfigError) as refused:
        create_app(settings)
    return str(refused.value)


def assert_names(message: str, setting: str) -> None:
    assert setting in message and CHINESE.search(message), message
    print(f"\nO-01 refused: {message}")


def test_o01_a_safe_production_configuration_starts(production):
    app = create_app(production)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["ENV_NAME"] == "production"


@pytest.mark.parametrize("settings, setting", [case[1:] for case in BAD_SETTINGS],
                         ids=[case[0] for case in BAD_SETTINGS])
def test_o01_each_unsafe_setting_is_refused_by_name(production, settings, setting):
    assert_names(refusal({**production, **settings}), setting)


def test_o01_sqlite_on_a_network_file_system_is_refused(production, tmp_path, monkeypatch):
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nnas:/exports {tmp_path} nfs4 rw,relatime 0 0\n")
    monkeypatch.setattr(selfcheck, "MOUNTS", str(mounts))
    assert_names(refusal(production), "DATABASE_URL")
    assert "nfs4" in refusal(production)


@pytest.fixture
def spoiled_sqlite():
    """Something after the app's own pragmas (a driver hook, an operator's tool) turns WAL or the busy
    timeout off: the self-check reads what the connection really has, not what the app meant to set."""
    spoils = {}

    def spoil(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            for pragma in spoils.values():
                dbapi_connection.execute(pragma)

    event.listen(Engine, "connect", spoil)
    yield spoils
    event.remove(Engine, "connect", spoil)


@pytest.mark.parametrize("pragma, named", [("PRAGMA journal_mode=DELETE", "WAL"),
                                           ("PRAGMA busy_timeout=1000", "busy_timeout")],
                         ids=["SQLite not in WAL", "SQLite busy timeout under 5 s"])
def test_o01_sqlite_settings_are_read_from_the_live_connection(production, spoiled_sqlite, pragma, named):
    spoiled_sqlite["pragma"] = pragma
    assert_names(refusal(production), named)


@pytest.mark.skipif(not IS_POSTGRES, reason="a live PostgreSQL setting (DATABASE_URL is PostgreSQL in .ci/run)")
@pytest.mark.parametrize("options", ["-c statement_timeout=0", "-c statement_timeout=45s"],
                         ids=["no statement timeout", "statement timeout above gunicorn's"])
def test_o01_postgresql_statement_timeout_is_read_from_the_live_connection(production, options):
    settings = {**production, "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"options": options}}}
    assert_names(refusal(settings), "statement_timeout")


@pytest.mark.skipif(not IS_POSTGRES, reason="a live PostgreSQL setting")
def test_o01_postgresql_gets_a_statement_timeout_below_the_worker_timeout(production):
    app = create_app({**production, "SQLALCHEMY_DATABASE_URI": DATABASE_URL})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "20s"


def test_o01_a_worker_forked_from_a_master_with_a_connection_opens_its_own(production):
    """SQLAlchemy's fork advice: a child process must not use the connections its parent pooled."""
    app = create_app(production if not IS_POSTGRES else {**production, "SQLALCHEMY_DATABASE_URI": DATABASE_URL})
    with app.app_context():
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
            connection.connection.info["opened_by"] = os.getpid()
        assert db.engine.pool.checkedin() == 1
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the "worker"
            code = 1
            try:
                with db.engine.connect() as connection:
                    connection.exec_driver_sql("SELECT 1")
                    os.write(write, json.dumps(connection.connection.info.get("opened_by")).encode())
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        os.close(write)
        opened_by = json.loads(os.read(read, 100) or b"-1")
        os.close(read)
        db.engine.dispose()
    assert os.waitstatus_to_exitcode(status) == 0
    assert opened_by is None, f"the child used the connection its parent ({opened_by}) opened"
