"""Scale-out (README "Scaling"): two app servers behind nginx on one PostgreSQL, Redis as the rate-limit storage.

deploy/scaleout.py starts them with the shipped files: the nginx site deploy/nginx/examapp.conf (round robin,
no sticky sessions, HTTPS with a certificate made for the run) and gunicorn as deploy/systemd/examapp@.service
runs it. The access log's `upstream=` field tells which app server answered each request.
"""

import http.client
import json
import os
import re
import secrets
import socket
import ssl
import subprocess
import time
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from deploy.scaleout import ROOT, TIMER_UNITS, ScaleOut, missing_tools, redis_reachable, unit_command
from tests.conftest import IS_POSTGRES

from .harness import scratch_database, seed, stored_answers
from .ledger import Examinee, run_examinees

pytestmark = [pytest.mark.reliability,
              pytest.mark.skipif(not IS_POSTGRES, reason="scale-out runs on PostgreSQL: several app servers "
                                                         "share one database (set DATABASE_URL)")]
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/8")
PASSWORD = "Scale-out-9!"


def four_free_ports() -> int:
    """A base port with the three after it free too (nginx HTTPS, HTTP, two app servers)."""
    if os.environ.get("SCALEOUT_BASE_PORT"):
        return int(os.environ["SCALEOUT_BASE_PORT"])
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        try:
            for port in range(base, base + 4):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no four free ports in a row")


@pytest.fixture(scope="module")
def site():
    reason = missing_tools() or (None if redis_reachable(REDIS_URL) else f"连不上 Redis（{REDIS_URL}）")
    if reason:
        pytest.skip(f"scale-out test needs nginx, openssl, gunicorn and Redis: {reason}")
    with scratch_database("postgresql") as url:
        world = seed(url, learners=21, minutes=30)
        browser_user = next(iter(world.tokens))
        del world.tokens[browser_user]  # this one logs in with a password, like a person
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE users SET password_hash = :h WHERE id = :id"),
                         {"h": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"), "id": browser_user})
            username = conn.execute(text("SELECT username FROM users WHERE id = :id"), {"id": browser_user}).scalar()
        engine.dispose()
        with ScaleOut(url, REDIS_URL, port=four_free_ports(), key_prefix=f"scaleout-test-{secrets.token_hex(4)}") \
                as cluster:
            yield cluster, world, username
            log = cluster.log_text()
    assert "Traceback" not in log, log[log.find("Traceback"):][:3000]


def served_by(cluster: ScaleOut, since: int = 0) -> list[tuple[str, str, int]]:
    """(request line, app server port or '-', status) of each access-log line from line `since` on."""
    time.sleep(0.3)  # nginx writes a line once the response is sent: let the last one land
    rows = []
    for line in cluster.access_log.read_text().splitlines()[since:]:
        match = re.search(r'"([^"]*)" (\d{3}) .*upstream=(.*?) upstream_status=', line)
        if match:  # after a retry nginx lists every server it tried: the last one answered
            upstream = match.group(3).split(", ")[-1].rsplit(":", 1)[-1] if match.group(3) != "-" else "-"
            rows.append((match.group(1), upstream, int(match.group(2))))
    return rows


def log_length(cluster: ScaleOut) -> int:
    return len(cluster.access_log.read_text().splitlines()) if cluster.access_log.exists() else 0


class Browser:
    """An HTTPS client that keeps cookies like a browser (the certificate is the run's own)."""

    def __init__(self, cluster: ScaleOut):
        self.cluster = cluster
        self.context = ssl.create_default_context(cafile=str(cluster.folder / "tls.pem"))
        self.cookies: dict[str, str] = {}
        self.secure: dict[str, bool] = {}

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict, str]:
        conn = http.client.HTTPSConnection("127.0.0.1", self.cluster.port, context=self.context, timeout=30)
        headers = dict(headers or {})
        if method != "GET":  # browsers send it to their own site (Referrer-Policy: same-origin); CSRF checks it
            headers.setdefault("Referer", f"{self.cluster.base}/")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, dict) and headers.get("Content-Type") == "application/json":
            body = json.dumps(body)
        elif isinstance(body, dict):
            from urllib.parse import urlencode
            body, headers["Content-Type"] = urlencode(body), "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
                    self.secure[morsel.key] = bool(morsel["secure"])
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def csrf(self, path: str) -> str:
        status, _, page = self.request("GET", path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf[-_]token"[^>]*(?:content|value)="([^"]+)"', page).group(1)

    def api(self, method: str, path: str, token: str, body=None) -> tuple[int, dict]:
        status, _, data = self.request(method, path, body or {}, {"Content-Type": "application/json",
                                                                  "Accept": "application/json", "X-CSRFToken": token})
        return status, json.loads(data or "{}")


def test_a_session_moves_between_app_servers_log_in_save_submit_log_out(site):
    """Log in through one app server, save through the other, submit through either: round robin, no
    stickiness; the signed cookie and CSRF token (one SECRET_KEY) and the session row (PostgreSQL) hold on both."""
    cluster, world, username = site
    since = log_length(cluster)
    browser = Browser(cluster)
    token = browser.csrf("/login")
    status, headers, _ = browser.request("POST", "/login", {"csrf_token": token, "username": username,
                                                            "password": PASSWORD})
    assert status == 302 and "/login" not in headers["location"], (status, headers)
    assert browser.secure["session"], "production cookies are Secure: nginx tells the app the scheme is https"
    token = browser.csrf(f"/exams/{world.exam_id}")
    status, paper = browser.api("POST", f"/api/v1/exams/{world.exam_id}/attempts", token)
    assert status == 201, paper
    attempt, sent = paper["attempt_id"], {}
    for seq, question in enumerate(paper["questions"][:10], start=1):
        answer = (question["options"][0]["key"] if question["type"] == "single" else
                  [question["options"][0]["key"]] if question["type"] == "multiple" else
                  True if question["type"] == "true_false" else ["答"] * (question.get("blanks") or 1))
        status, reply = browser.api("PUT", f"/api/v1/attempts/{attempt}/answers/{question['id']}", token,
                                    {"answer": answer, "seq": seq})
        assert status == 200 and reply["seq"] == seq, reply
        sent[(attempt, question["id"])] = answer
    status, result = browser.api("POST", f"/api/v1/attempts/{attempt}/submit", token)
    assert status == 200 and result["state"] == "finished", result
    stored = stored_answers(cluster.database_url, [attempt])
    assert {key: value for key, (value, _) in stored.items() if key in sent} == sent

    logged_in = dict(browser.cookies)
    status, _, _ = browser.request("POST", "/logout", {"csrf_token": browser.csrf("/")})
    assert status == 302
    browser.cookies = logged_in  # a copy of the cookie, replayed after logging out
    replayed = [browser.request("GET", f"/api/v1/attempts/{attempt}", headers={"Accept": "application/json"})[0]
                for _ in range(2)]
    assert replayed == [401, 401], "a closed session is closed on every app server"

    rows = served_by(cluster, since)
    login = next(port for line, port, _ in rows if line.startswith("POST /login"))
    saves = {port for line, port, _ in rows if line.startswith("PUT ")}
    submit = next(port for line, port, _ in rows if line.endswith("/submit HTTP/1.1"))
    replay_ports = {port for line, port, status in rows if status == 401}
    print(f"\nscale-out session: log-in on {login}, saves on {sorted(saves)}, submit on {submit}, "
          f"closed session refused on {sorted(replay_ports)}")
    ports = {str(p) for p in cluster.app_ports}
    assert saves == ports and login in ports and submit in ports and replay_ports == ports


class NginxExaminee(Examinee):
    """The ledger's examinee, through nginx over HTTPS."""

    context = ssl._create_unverified_context()  # the run's own certificate

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=35, context=self.context)


def test_no_acknowledged_answer_lost_across_two_app_servers_and_a_rolling_restart(site):
    """20 examinees save through nginx while one app server is stopped and started again (a restart without
    draining it first): every acknowledged answer is in the database, each attempt is submitted through either
    server. Requests still queued at the stopped server are reset: nginx sends a save (PUT) on to the other
    server, a POST it cannot resend (502), and the client sends it again, as the exam page does."""
    cluster, world, _ = site
    since = log_length(cluster)
    restart = {}

    def rolling_restart(_ledger):
        time.sleep(8)
        began = time.monotonic()
        cluster.stop_app(1)  # SIGTERM, as `systemctl restart examapp@PORT` does, without draining it first
        restart["stopped"] = time.monotonic() - began
        time.sleep(3)
        cluster.start_app(1)
        restart["back"] = time.monotonic() - began
        time.sleep(15)  # nginx tries a failed server again after fail_timeout (10 s): both serve again

    ledger, examinees = run_examinees(cluster.port, world, seconds=20, think=0.5, during=rolling_restart,
                                      kind=NginxExaminee)
    attempts = [e.attempt_id for e in examinees]
    submitted = []
    for examinee in examinees:
        examinee.stop_event.clear()
        outcome = examinee.persist("POST", f"/api/v1/attempts/{examinee.attempt_id}/submit")
        submitted.append(outcome is not None and outcome[0] == 200 and outcome[1]["state"] == "finished")
    result = ledger.check(stored_answers(cluster.database_url, attempts))
    rows = served_by(cluster, since)
    saves = {port for line, port, status in rows if line.startswith("PUT ") and status == 200}
    submits = {port for line, port, status in rows if line.endswith("/submit HTTP/1.1") and status == 200}
    passed_on = sum(", 127.0.0.1:" in line for line in cluster.access_log.read_text().splitlines()[since:])
    print(f"\nscale-out ledger: {result['acknowledged']} acknowledged, {len(result['lost'])} lost, "
          f"{len(result['phantom'])} phantom, {ledger.gave_up} given up, statuses {dict(ledger.statuses)}, "
          f"p99 ack {ledger.percentile(0.99):.2f} s; app server {cluster.app_ports[1]} stopped after "
          f"{restart.get('stopped', 0):.1f} s and back after {restart.get('back', 0):.1f} s; {passed_on} requests "
          f"passed on by nginx to the other server; saves on {sorted(saves)}, "
          f"submits on {sorted(submits)}; {sum(submitted)} of {len(submitted)} submitted")
    assert restart.get("back"), "the rolling restart did not finish"
    assert result["lost"] == [] and result["phantom"] == [] and ledger.gave_up == 0
    assert result["acknowledged"] >= 20 * 10
    assert {status for status, _, _ in ledger.failures} <= {502}, ledger.failures[:3]
    assert all(submitted)
    assert saves == submits == {str(p) for p in cluster.app_ports}


def test_rate_limit_counts_are_shared_by_both_app_servers(site):
    """Requests spread over both app servers hit the configured limit at its total, not at twice it; a forged
    X-Forwarded-For does not buy more (nginx appends the real address, TRUSTED_PROXIES=1 believes only that)."""
    cluster, _, _ = site
    since = log_length(cluster)
    browser = Browser(cluster)
    statuses, limit = [], None
    for i in range(80):
        forged = {"X-Forwarded-For": f"10.0.{i}.{i}"} if i % 2 else {}
        status, headers, page = browser.request("GET", "/verify/XF-NOSUCH-0001", headers=forged)
        limit = limit or int(headers.get("x-ratelimit-limit", 0))
        statuses.append(status)
        if status == 429:
            assert "请求" in page, page[:500]  # the app's own Chinese page
    allowed = sum(status != 429 for status in statuses)
    ports = {port for line, port, status in served_by(cluster, since) if status != 429}
    print(f"\nscale-out rate limit: limit {limit}, {allowed} of 80 allowed (served by {sorted(ports)}), "
          f"then {statuses.count(429)} refused")
    assert limit == 60
    assert statuses[:limit] == [404] * limit and statuses[limit:] == [429] * (80 - limit)
    assert ports == {str(p) for p in cluster.app_ports}


def test_nginx_serves_static_files_compressed_and_cached_and_refuses_oversized_bodies(site):
    cluster, _, _ = site
    browser = Browser(cluster)
    status, headers, _ = browser.request("GET", "/static/js/exam.js", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "max-age=3600" in headers["cache-control"] and "public" in headers["cache-control"]
    assert "content-security-policy" not in headers, "served from disk by nginx, not by an app server"
    status, headers, _ = browser.request("GET", "/login", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip" and "strict-transport-security" in headers
    status, _, page = browser.request("POST", "/login", body=b"x" * (9 * 1024 * 1024),
                                      headers={"Content-Type": "application/octet-stream"})
    assert status == 413 and "文件太大" in page
    plain = http.client.HTTPConnection("127.0.0.1", cluster.port + 1, timeout=10)
    plain.request("GET", "/login?next=/exams/")
    response = plain.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1/login?next=/exams/"  # 443 in production


def test_the_timer_units_commands_run(site):
    """The hourly sweep and the close-overdue timer run their ExecStart lines as shipped."""
    cluster, _, _ = site
    for unit in TIMER_UNITS:
        done = subprocess.run(unit_command(unit), cwd=ROOT, env=cluster.app_env(), capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, (unit.name, done.stdout, done.stderr)
