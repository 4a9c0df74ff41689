"""Issue 9 (should): changing a question's key through the API is audited with before and after."""

from sqlalchemy import select

from examapp.audit import AuditEvent
from examapp.bank.models import Question
from examapp.extensions import db

from .helpers import SAMPLE_DIR

FIELDS = ("type", "stem", "options", "answer", "explanation", "basis", "difficulty", "tags", "audience")


def key_changes() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "bank.key_change")))


def test_a_key_changed_through_the_api_is_audited_with_before_and_after(library, runner, org, login):
    assert runner.invoke(args=["questions", "import", str(SAMPLE_DIR / "sample.yaml")]).exit_code == 0
    question = db.session.scalars(select(Question).where(Question.type == "single")).first()
    client = login(org.examiner)
    body = {k: v for k, v in client.get(f"/api/v1/bank/questions/{question.id}").get_json().items() if k in FIELDS}
    old = body["answer"]
    new = next(o["key"] for o in body["options"] if o["key"] != old)
    response = client.put(f"/api/v1/bank/questions/{question.id}", json={**body, "stem": body["stem"] + "（改）"})
    assert response.status_code == 200 and key_changes() == []  # a new version, same key: nothing to report
    response = client.put(f"/api/v1/bank/questions/{question.id}", json={**body, "answer": new})
    assert response.status_code == 200, response.get_data(as_text=True)
    (event,) = key_changes()
    assert event.detail["before"] == {"answer": old} and event.detail["after"] == {"answer": new}
    assert event.actor_id == org.examiner.id and event.target == question.code and event.detail["version"] == 3
    desk = login(org.admin).get("/audit/").get_data(as_text=True)
    assert "试题答案已修改" in desk
