"""The files in deploy/ agree with the app: body size limit, app servers, the gunicorn command of README."""

import re
from pathlib import Path

from deploy.scaleout import APP_UNIT, PRODUCTION_SITE, SITE_TEMPLATE, TIMER_UNITS, render_site, unit_command
from examapp.config import base_config

STATIC = Path(__file__).resolve().parents[2] / "examapp" / "static"


def test_nginx_accepts_exactly_the_bodies_the_app_accepts():
    limit = base_config("/tmp")["MAX_CONTENT_LENGTH"]
    size = re.search(r"client_max_body_size (\d+)m;", SITE_TEMPLATE.read_text()).group(1)
    assert int(size) * 1024 * 1024 == limit
    assert f"超过 {size} MB" in (STATIC / "errors" / "too-large.html").read_text()


def test_the_production_site_fills_every_placeholder_and_balances_without_stickiness():
    site = render_site(PRODUCTION_SITE)
    assert "@" not in re.sub(r"#.*", "", site)
    assert "server 127.0.0.1:8001 " in site and "server 127.0.0.1:8002 " in site
    assert not re.search(r"^\s*(ip_hash|hash|sticky)\b", site, re.M)
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in site and "X-Forwarded-Proto $scheme" in site
    for page in re.findall(r"error_page [\d ]+ /static/(\S+);", site):
        assert (STATIC / page).is_file(), page


def test_the_app_unit_runs_gunicorn_as_the_readme_deploys_it():
    command = unit_command(APP_UNIT, 8001)
    assert Path(command[0]).name == "gunicorn" and "--preload" in command
    assert command[command.index("-b") + 1] == "127.0.0.1:8001" and command[-1] == "wsgi:app"
    assert [unit_command(unit)[-2:] for unit in TIMER_UNITS] == [["exams", "close-overdue"],
                                                                 ["questions", "sweep-uploads"]]
