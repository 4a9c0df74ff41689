"""S-13: the audit chain detects an edited or a deleted row, and stays one chain under concurrent appends."""

import threading

from sqlalchemy import delete, update

from examapp import audit
from examapp.audit import AuditEvent
from examapp.extensions import db
from tests.conftest import IS_POSTGRES

WRITERS = 8 if IS_POSTGRES else 4


def test_s13_a_deleted_row_in_the_middle_breaks_the_chain(app, org):
    """S-13: deleting an event (bypassing the app) is detected at the next event."""
    events = [audit.record("test_event", actor=org.admin, target=f"t{n}") for n in range(3)]
    db.session.commit()
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[1].id))
    db.session.commit()
    assert audit.verify_chain() == [events[2].id]


def test_s13_an_edited_detail_breaks_the_chain(app, org):
    """S-13: changing the detail of an event (bypassing the app) is detected at that event."""
    first = audit.record("test_event", actor=org.admin, detail={"score": 55})
    audit.record("test_event", actor=org.admin)
    db.session.commit()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == first.id).values(detail={"score": 95}))
    db.session.commit()
    assert audit.verify_chain() == [first.id]


def test_s13_concurrent_appends_keep_one_unbroken_chain(app, org):
    """S-13: events recorded at the same moment by different requests all link to their predecessor."""
    admin_id = org.admin.id
    db.session.commit()
    barrier, failures = threading.Barrier(WRITERS), []

    def append(n):
        with app.app_context():
            try:
                barrier.wait()
                for round_ in range(3):
                    audit.record("test_event", actor=None, target=f"w{n}-{round_}", detail={"by": admin_id})
                    db.session.commit()
            except Exception as exc:  # reported below
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    db.session.expire_all()
    assert db.session.query(AuditEvent).count() == WRITERS * 3
    assert audit.verify_chain() == []
