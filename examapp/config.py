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
        # gunicorn's --timeout, and the PostgreSQL statement timeout kept below it (O-01).
        "WORKER_TIMEOUT_SECONDS": float(os.environ.get("WORKER_TIMEOUT_SECONDS") or 30),
        "DATABASE_STATEMENT_TIMEOUT_SECONDS": float(os.environ.get("DATABASE_STATEMENT_TIMEOUT_SECONDS") or 20),
    }


def apply_time_zone(config: dict) -> None:
    """Make SITE_TIMEZONE the one zone pages, downloads and Babel use; refuse an unknown one."""
    from .localtime import zone_named

    name = config.get("SITE_TIMEZONE") or "Asia/Shanghai"
    try:
        zone_named(name)
    except ValueError as exc:
        raise ConfigError(f"SITE_TIMEZONE 不是已知的时区名：{name!r}。请用 IANA 时区名，例如 Asia/Shanghai。") from exc
    config["BABEL_DEFAULT_TIMEZONE"] = name


def trusted_proxies(config: dict) -> int:
    """Return how many reverse proxies in front of the app may set X-Forwarded-For/-Proto."""
    value = str(config.get("TRUSTED_PROXIES") or "0").strip()
    if not value.isdigit() or int(value) > 5:
        raise ConfigError(f"TRUSTED_PROXIES 须是 0 到 5 的整数（现在是 {value!r}）：即应用前面有几层反向代理。")
    return int(value)


def apply_json_codec(config: dict) -> None:
    """JSON columns are written and read by db.json_dumps / db.json_loads unless the engine options say otherwise."""
    from .db import json_dumps, json_loads

    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("json_serializer", json_dumps)
    options.setdefault("json_deserializer", json_loads)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def apply_statement_timeout(config: dict) -> None:
    """Give PostgreSQL connections a statement timeout below the worker timeout (O-01).

    Without one, a statement stuck on a lock outlives the request: gunicorn kills the worker after its
    --timeout and the statement keeps running. A URL or engine option that sets `options` itself wins.
    """
    from sqlalchemy.engine import make_url

    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    if url.get_backend_name() != "postgresql" or "options" in url.query or "options" in connect_args:
        return
    milliseconds = int(float(config["DATABASE_STATEMENT_TIMEOUT_SECONDS"]) * 1000)
    connect_args["options"] = f"-c statement_timeout={milliseconds}"
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}


def ensure_sqlite_folder(uri: str) -> None:
    """Create the folder of a SQLite file (instance/ on a fresh checkout) so the first command works.

    Without it `flask db upgrade` before `make run` dies with "unable to open database file".
    """
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not url.database.startswith("file:"):
        os.makedirs(os.path.dirname(os.path.abspath(url.database)), exist_ok=True)


# Cookie settings production needs, and why (O-01). The messages are for the operator who starts the app,
# before any translation machinery exists, so they are written in Chinese here.
SAFE_COOKIES = {
    "SESSION_COOKIE_SECURE": (True, "登录 Cookie 必须只经 HTTPS 发送，否则在网络上可被截获"),
    "REMEMBER_COOKIE_SECURE": (True, "“记住我” Cookie 必须只经 HTTPS 发送，否则在网络上可被截获"),
    "SESSION_COOKIE_HTTPONLY": (True, "登录 Cookie 不能让网页脚本读到"),
    "REMEMBER_COOKIE_HTTPONLY": (True, "“记住我” Cookie 不能让网页脚本读到"),
}


def check_production(config: dict) -> None:
    """Refuse settings that are unsafe in production, naming the setting (O-01)."""
    if config.get("ENV_NAME") != "production":
        return
    for check in (check_secret_and_debug, check_public_address, check_cookies_and_forms, check_database_url,
                  check_rate_limit_storage):
        check(config)


def check_secret_and_debug(config: dict) -> None:
    key = config.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET or len(key) < 32:
        raise ConfigError("SECRET_KEY 仍是默认值或少于 32 个字符：生产环境请设为 32 个以上的随机字符"
                          "（例如 python -c 'import secrets; print(secrets.token_hex(32))' 的输出）。")
    if config.get("DEBUG"):
        raise ConfigError("DEBUG 已打开：生产环境必须关闭调试模式，否则出错时访问者会看到程序内部信息。")


def check_public_address(config: dict) -> None:
    base = config.get("PUBLIC_BASE_URL") or ""
    if base and not base.startswith(("https://", "http://")):
        raise ConfigError(f"PUBLIC_BASE_URL 须是完整地址，例如 https://xuefa.example.gov.cn（现在是 {base!r}）。")
    if not base and not config.get("TRUSTED_HOSTS"):
        # Otherwise the Host header a client sends decides the address printed on certificates.
        raise ConfigError("生产环境须设置 PUBLIC_BASE_URL（或 TRUSTED_HOSTS）：否则证书二维码上的地址"
                          "由访问者发来的 Host 头决定，可被伪造。")


def check_cookies_and_forms(config: dict) -> None:
    for name, (wanted, why) in SAFE_COOKIES.items():
        if config.get(name) != wanted:
            raise ConfigError(f"{name} 已关闭：{why}。")
    if str(config.get("SESSION_COOKIE_SAMESITE") or "").lower() not in ("lax", "strict"):
        raise ConfigError("SESSION_COOKIE_SAMESITE 须是 Lax 或 Strict：否则别的网站可以带着登录 Cookie 发请求。")
    if config.get("WTF_CSRF_ENABLED") is False:
        raise ConfigError("WTF_CSRF_ENABLED 已关闭：生产环境的表单必须带防伪令牌（CSRF）。")


def check_database_url(config: dict) -> None:
    """What can be told from the settings alone; the live checks are in examapp/ops/selfcheck.py."""
    from sqlalchemy.engine import make_url

    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or "mode=memory" in url.database:
            raise ConfigError("DATABASE_URL 指向内存中的 SQLite 数据库：进程一停，全部成绩随之丢失。"
                              "请指向磁盘上的文件，或改用 PostgreSQL。")
        return
    if url.get_backend_name() != "postgresql":
        return
    if not (config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).get("pool_pre_ping"):
        raise ConfigError("SQLALCHEMY_ENGINE_OPTIONS 的 pool_pre_ping 已关闭：PostgreSQL 重启后，"
                          "失效的连接会让请求出错，而不是自动换上新连接。")
    statement, worker = (float(config[name]) for name in ("DATABASE_STATEMENT_TIMEOUT_SECONDS",
                                                           "WORKER_TIMEOUT_SECONDS"))
    if not 0 < statement < worker:
        raise ConfigError(f"DATABASE_STATEMENT_TIMEOUT_SECONDS（{statement:g} 秒）须大于 0 且小于 "
                          f"WORKER_TIMEOUT_SECONDS（{worker:g} 秒，即 gunicorn 的 --timeout）：否则一条卡住的语句"
                          "会让工作进程被强行结束，而语句仍在数据库里运行。")


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
