"""Issue 9 (should): a 429 refusal leaves an audit record (who, where, which account was tried)."""

import pytest
from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.extensions import db

LIMITED = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_PER_ADDRESS": "2 per minute", "LOGIN_FREE_FAILURES": 100}


@pytest.mark.parametrize("app", [LIMITED], indirect=True)
def test_a_429_refusal_is_audited(client, org, login):
    codes = [client.post("/login", data={"username": "cadre1", "password": "wrong-password"}).status_code
             for _ in range(3)]
    assert codes[-1] == 429
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rate_limited"))
    assert event.target == "/login" and event.detail["username"] == "cadre1" and event.detail["method"] == "POST"
    assert event.ip == "127.0.0.1"
