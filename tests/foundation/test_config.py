"""Production refuses unsafe settings; SQLite runs with WAL, a busy timeout and foreign keys."""

import pytest
from sqlalchemy import text

from examapp import create_app
from examapp.config import ConfigError
from examapp.extensions import db
from tests.conftest import IS_POSTGRES


@pytest.mark.parametrize("settings", [{}, {"SECRET_KEY": "dev-not-secret"}, {"SECRET_KEY": "short"},
                                      {"SECRET_KEY": "x" * 40, "DEBUG": True}])
def test_production_refuses_unsafe_settings(monkeypatch, settings):
    monkeypatch.setenv("EXAMAPP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app(settings)


def test_production_starts_with_a_real_key_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("EXAMAPP_ENV", "production")
    app = create_app({"SECRET_KEY": "k" * 48, "PUBLIC_BASE_URL": "https://xuefa.example.gov.cn"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite pragmas")
def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(app):
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_security_headers_are_sent(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_health_check_reports_the_server_time(client):
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_production_refuses_to_start_when_the_rate_limit_redis_is_unreachable(monkeypatch):
    monkeypatch.setenv("EXAMAPP_ENV", "production")
    with pytest.raises(ConfigError, match="连不上限流存储.*redis://127.0.0.1:1/0"):
        create_app({"SECRET_KEY": "k" * 48, "PUBLIC_BASE_URL": "https://xuefa.example.gov.cn",
                    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}],
                         indirect=True)
def test_log_in_keeps_working_when_redis_goes_away_while_serving(app, client):
    """The startup check passed, then Redis stopped: log-in counts in the worker's memory instead of failing."""
    response = client.post("/login", data={"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert "账号或密码错误" in response.get_data(as_text=True)


def test_json_columns_use_orjson_and_keep_the_standard_librarys_meaning(app):
    """JSON columns go through db.json_dumps / json_loads (orjson): what is read back is what json.dumps and
    json.loads would give, keys that are not strings included; an engine option naming its own wins."""
    import json
    from decimal import Decimal

    from examapp.config import apply_json_codec
    from examapp.db import json_dumps, json_loads

    assert db.engine.dialect._json_serializer is json_dumps
    assert db.engine.dialect._json_deserializer is json_loads
    value = {1: ["甲", True, None, 2.5], "题干": {"2": "乙"}}
    assert json_loads(json_dumps(value)) == json.loads(json.dumps(value))
    assert json_dumps({"points": Decimal("2.50")}, decimals=True) == '{"points":"2.50"}'
    for stored in (json_dumps([2**70 + 1, "甲"]), json_dumps([2**70 + 1, "甲"]).encode()):
        assert json_loads(stored) == [2**70 + 1, "甲"]  # beyond orjson: the standard library writes and reads it
    with pytest.raises(TypeError):
        json_dumps({"points": Decimal("2.50")})  # not silently a float or a string
    own = {"SQLALCHEMY_ENGINE_OPTIONS": {"json_serializer": json.dumps}}
    apply_json_codec(own)
    assert own["SQLALCHEMY_ENGINE_OPTIONS"]["json_serializer"] is json.dumps
    assert own["SQLALCHEMY_ENGINE_OPTIONS"]["json_deserializer"] is json_loads
