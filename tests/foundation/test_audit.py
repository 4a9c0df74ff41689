"""The audit log is append-only, hash-chained and readable only by administrators."""

import pytest
from sqlalchemy import select, update

from examapp import audit
from examapp.audit import AuditEvent
from examapp.extensions import db


def test_events_are_chained_and_verify(app, org):
    for i in range(3):
        audit.record("test_event", actor=org.admin, target=f"t{i}")
    db.session.commit()
    assert audit.verify_chain() == []


def test_tampering_breaks_the_chain(app, org):
    first = audit.record("test_event", actor=org.admin, target="a")
    audit.record("test_event", actor=org.admin, target="b")
    db.session.commit()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == first.id).values(target="forged"))
    db.session.commit()
    assert first.id in audit.verify_chain()


def test_the_app_refuses_to_edit_or_delete_events(app, org):
    event = audit.record("test_event", actor=org.admin)
    db.session.commit()
    event.target = "changed"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(RuntimeError):
        db.session.delete(db.session.get(AuditEvent, event.id))
        db.session.flush()
    db.session.rollback()


def test_only_admins_read_the_log_and_can_filter_it(client, org, login):
    client.post("/login", data={"username": "cadre1", "password": "wrong-password"})
    login(org.admin)
    html = client.get("/audit/?action=login_failed").get_data(as_text=True)
    assert "login_failed" in html and "cadre1" in html
    assert "哈希链完整" in client.get("/audit/?verify=1").get_data(as_text=True)
    for user in (org.hr, org.unitadmin, org.examiner, org.learner):
        login(user)
        assert client.get("/audit/").status_code == 403


def test_login_and_logout_are_audited(client, org, login):
    login(org.learner)
    client.post("/logout")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == org.learner.id)).all()
    assert "login" in actions and "logout" in actions
