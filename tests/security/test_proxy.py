"""Issue 9, item 7: behind TRUSTED_PROXIES reverse proxies the client's address comes from
X-Forwarded-For (log-in limits, audit log); without the setting the header is ignored."""

import pytest
from sqlalchemy import select

from examapp import create_app
from examapp.audit import AuditEvent
from examapp.config import ConfigError
from examapp.extensions import db
from tests.factories import PASSWORD

LIMITED = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_PER_ADDRESS": "2 per minute", "LOGIN_FREE_FAILURES": 100}


def post_login(client, username, password, address):
    return client.post("/login", data={"username": username, "password": password},
                       headers={"X-Forwarded-For": address})


@pytest.mark.parametrize("app", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_audit_log_records_the_forwarded_client(client, org):
    post_login(client, "cadre1", PASSWORD, "203.0.113.7")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
    assert event.ip == "203.0.113.7"


def test_audit_log_ignores_the_header_without_trusted_proxies(client, org):
    post_login(client, "cadre1", PASSWORD, "203.0.113.7")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
    assert event.ip == "127.0.0.1"


@pytest.mark.parametrize("app", [{**LIMITED, "TRUSTED_PROXIES": "1"}], indirect=True)
def test_address_limit_counts_each_forwarded_client(client, org):
    codes = [post_login(client, f"u{i}", "wrong-password", "203.0.113.7").status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert post_login(client, "u9", "wrong-password", "198.51.100.2").status_code == 200, "another client"


@pytest.mark.parametrize("app", [LIMITED], indirect=True)
def test_address_limit_ignores_a_forged_header_without_trusted_proxies(client, org):
    codes = [post_login(client, f"u{i}", "wrong-password", f"198.51.100.{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429], "a client cannot dodge the limit by inventing addresses"


@pytest.mark.parametrize("app", [{**LIMITED, "TRUSTED_PROXIES": 1}], indirect=True)
def test_only_the_trusted_hop_is_believed(client, org):
    """With one proxy, a client's own X-Forwarded-For entries are ignored: nginx appends the real one."""
    codes = [post_login(client, f"u{i}", "wrong-password", f"10.0.0.{i}, 203.0.113.7").status_code
             for i in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.parametrize("value", ["-1", "two", "9"])
def test_a_bad_setting_refuses_to_start(value):
    with pytest.raises(ConfigError):
        create_app({"TRUSTED_PROXIES": value, "TESTING": True})


@pytest.mark.parametrize("app", [{**LIMITED, "TRUSTED_PROXIES": 1}], indirect=True)
def test_refused_log_ins_are_audited_with_the_client_address(client, org):
    for _ in range(3):
        post_login(client, "admin", "wrong-password", "203.0.113.7")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rate_limited"))
    assert event is not None and event.detail["username"] == "admin" and event.ip == "203.0.113.7"
