"""Configuration from the environment and the instance folder."""

import contextlib
import os
from datetime import timedelta

DEFAULT_SECRET = "dev-not-secret"


class ConfigError(RuntimeError):
    """Raised when the app is configured unsafely for production."""


def base_config(instance_path: str) -> dict:
    """Return the defaults, overridden by environment variables."""
    db_url = os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(
        instance_path, "examapp.sqlite"
    )
    env = os.environ.get("EXAMAPP_ENV", "development")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "SITE_TIMEZONE": os.environ.get("SITE_TIMEZONE") or "Asia/Shanghai",
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # One prefix per site, so several sites (or a test run) can share one Redis.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "examapp"),
        # A Redis that stops answering must not stall log-in: give up after 2 s and count in the worker's own
        # memory until Redis is back (Flask-Limiter checks it again by itself).
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "LOGIN_FREE_FAILURES": 3,
        "LOGIN_MAX_DELAY_SECONDS": 300,
        "LOGIN_RATE_PER_ACCOUNT": "10 per 5 minutes",
        "LOGIN_RATE_PER_ADDRESS": "30 per 5 minutes",
        "EXAM_GRACE_SECONDS": 30,
        "TRUSTED_PROXIES": os.environ.get("TRUSTED_PROXIES", "0"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or None,
        "TRUSTED_HOSTS": [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None,
        "HSTS_SECONDS": 31536000,
    }


def apply_time_zone(config: dict) -> None:
    """Make SITE_TIMEZONE the one zone pages, downloads and Babel use; refuse an unknown one."""
    from .localtime import zone_named

    name = config.get("SITE_TIMEZONE") or "Asia/Shanghai"
    try:
        zone_named(name)
    except ValueError as exc:
        raise ConfigError(f"SITE_TIMEZONE: {exc}") from exc
    config["BABEL_DEFAULT_TIMEZONE"] = name


def trusted_proxies(config: dict) -> int:
    """Return how many reverse proxies in front of the app may set X-Forwarded-For/-Proto."""
    value = str(config.get("TRUSTED_PROXIES") or "0").strip()
    if not value.isdigit() or int(value) > 5:
        raise ConfigError("TRUSTED_PROXIES must be a whole number from 0 to 5")
    return int(value)


def ensure_sqlite_folder(uri: str) -> None:
    """Create the folder of a SQLite file (instance/ on a fresh checkout) so the first command works.

    Without it `flask db upgrade` before `make run` dies with "unable to open database file".
    """
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not url.database.startswith("file:"):
        os.makedirs(os.path.dirname(os.path.abspath(url.database)), exist_ok=True)


def check_production(config: dict) -> None:
    """Refuse settings that are unsafe in production."""
    if config.get("ENV_NAME") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET or len(key) < 32:
        raise ConfigError("SECRET_KEY must be set to a random value of 32+ characters")
    if config.get("DEBUG"):
        raise ConfigError("DEBUG must be off in production")
    base = config.get("PUBLIC_BASE_URL") or ""
    if base and not base.startswith(("https://", "http://")):
        raise ConfigError("PUBLIC_BASE_URL must be a full address such as https://xuefa.example.gov.cn")
    if not base and not config.get("TRUSTED_HOSTS"):
        # Otherwise the Host header a client sends decides the address printed on certificates.
        raise ConfigError("set PUBLIC_BASE_URL (or TRUSTED_HOSTS) in production")
    check_rate_limit_storage(config)


def check_rate_limit_storage(config: dict) -> None:
    """Refuse to start when the shared rate-limit storage (Redis) cannot be reached.

    Several app servers count log-in attempts together only through it; a typo in the address would
    otherwise go unnoticed and leave each worker counting on its own.
    """
    uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith("memory://"):
        return
    from limits.errors import ConfigurationError
    from limits.storage import storage_from_string
    from sqlalchemy.engine import make_url

    shown = uri
    with contextlib.suppress(Exception):  # hide a password in the address before printing it
        shown = make_url(uri).render_as_string(hide_password=True)
    try:
        healthy = storage_from_string(uri, **config.get("RATELIMIT_STORAGE_OPTIONS", {})).check()
    except ConfigurationError as exc:
        raise ConfigError(f"限流存储地址 RATELIMIT_STORAGE_URI（{shown}）无法使用：地址写错了，"
                          "或未安装 Redis 客户端（pip install '.[deploy]'）。") from exc
    if not healthy:
        raise ConfigError(f"连不上限流存储 RATELIMIT_STORAGE_URI（{shown}）。请先启动 Redis 或改正地址，"
                          "再启动本系统；多台应用服务器须共用同一个 Redis，登录次数限制才能合计。")
