"""examapp: 学法考试系统. The app factory is the table of contents."""

import logging
import os
from importlib import import_module

from flask import Flask
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db as _db  # noqa: F401  (registers the SQLite pragmas)
from . import extensions as ext
from . import http, templating
from .config import (
    apply_json_codec,
    apply_statement_timeout,
    apply_time_zone,
    base_config,
    check_production,
    ensure_sqlite_folder,
    trusted_proxies,
)
from .localtime import SiteJSONProvider

BLUEPRINTS = (
    "examapp.core.views",
    "examapp.core.audit_views",
    "examapp.auth.views",
    "examapp.org.views",
    "examapp.study.views",
    "examapp.bank.views",
    "examapp.exams.views",
    "examapp.records.views",
    "examapp.reports.views",
    "examapp.practice.views",
    "examapp.api",
)


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask application."""
    app = Flask(__name__, instance_relative_config=True)
    app.json = SiteJSONProvider(app)  # Chinese as characters (half the bytes on a slow line), ISO times
    configure(app, config)
    http.install(app)
    templating.install(app)
    init_extensions(app)
    self_check(app)
    register_blueprints(app)
    # Every model is imported now: resolve their relationships here, once per process, rather than in the first
    # query of each gunicorn worker's first request (about 100 ms while a learner waits).
    configure_mappers()
    register_error_handlers(app)
    register_cli(app)
    register_request_hooks(app)
    configure_logging(app)
    return app


def configure(app: Flask, config: dict | None) -> None:
    app.config.from_mapping(base_config(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    if config:
        app.config.update(config)
    apply_time_zone(app.config)
    apply_json_codec(app.config)
    apply_statement_timeout(app.config)
    check_production(app.config)
    ensure_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])
    proxies = trusted_proxies(app.config)
    if proxies:
        # Only the last `proxies` hops are believed: a client cannot forge its address past them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def init_extensions(app: Flask) -> None:
    from .i18n import select_locale, select_timezone, translation_directories

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=os.path.join(app.root_path, "..", "migrations"))
    ext.login_manager.init_app(app)
    ext.csrf.init_app(app)
    ext.limiter.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories(app.root_path)
    ext.babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    from .auth import loaders  # noqa: F401  (user and token loaders)
    from .models import import_all

    import_all()


def self_check(app: Flask) -> None:
    """Forks open their own connections; production asks the database for its settings (O-01)."""
    from .ops.selfcheck import check_database, guard_fork

    with app.app_context():
        for engine in ext.db.engines.values():
            guard_fork(engine)
        if app.config.get("ENV_NAME") == "production":
            check_database(ext.db.engine, float(app.config["WORKER_TIMEOUT_SECONDS"]))


def register_blueprints(app: Flask) -> None:
    for module_name in BLUEPRINTS:
        app.register_blueprint(import_module(module_name).bp)


def register_error_handlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_cli(app: Flask) -> None:
    from .cli import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    from .core.hooks import register

    register(app)
    from .localtime import register as register_time_filters

    register_time_filters(app)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.getLogger("examapp").setLevel(logging.INFO)
