"""C-05: the API takes no idempotency keys; per-question sequence numbers give the same guarantee.

An answer save carries the page's sequence number for that question; the server stores it only when it is
higher than the stored one, so sending the same request again (a retry after a lost reply, a replay) stores
nothing and answers with what is stored. Submit is idempotent by the attempt's state. The catalogue's four
idempotency-key cases, in these terms (README "Reliability"):

- same request again: 100 of 100 replies byte-identical, nothing changed (the first says stored: true, the
  replays stored: false; all carry the stored answer and sequence);
- same sequence, different answer: not stored (a key would give 422); the reply carries the stored answer, so
  the page sees that its value did not win;
- the same request twice at once: C-03 (one is stored, the other ignored or refused);
- another person replays it: 404, byte-identical to an attempt that does not exist; nothing of theirs leaks.
"""

from examapp.exams.models import AttemptItem
from examapp.extensions import db
from tests.exams.conftest import start
from tests.reliability.test_fast import learner_client


def stored(aid, qid):
    db.session.expire_all()
    item = db.session.query(AttemptItem).filter_by(attempt_id=aid, question_id=qid).one()
    return item.answer, item.answer_seq, item.answered_at


def test_c05_a_replayed_save_or_submit_is_harmless_and_leaks_nothing(org, exam, login, clock, app):
    client = login(org.learner)
    paper = start(client, exam.id)
    aid, question = paper["attempt_id"], next(q for q in paper["questions"] if q["type"] == "single")
    url, keys = f"/api/v1/attempts/{aid}/answers/{question['id']}", [o["key"] for o in question["options"]]
    body = {"answer": keys[1], "seq": 7}
    first = client.put(url, json=body)
    assert first.status_code == 200 and first.get_json()["stored"] is True
    before = stored(aid, question["id"])
    clock.advance(seconds=3)  # the retry comes a little later
    replays = [client.put(url, json=body) for _ in range(100)]
    assert {(r.status_code, r.data) for r in replays} == {(200, replays[0].data)}
    assert {**first.get_json(), "stored": False, "saved_at": replays[0].get_json()["saved_at"],
            "remaining_seconds": replays[0].get_json()["remaining_seconds"]} == replays[0].get_json()
    assert stored(aid, question["id"]) == before

    other = client.put(url, json={"answer": keys[2], "seq": 7})  # same sequence, another answer
    assert other.status_code == 200 and other.get_json()["stored"] is False
    assert (other.get_json()["answer"], other.get_json()["seq"]) == (keys[1], 7)
    assert stored(aid, question["id"]) == before

    stranger = learner_client(app, org.villager)
    foreign = stranger.put(url, json=body)
    missing = stranger.put(f"/api/v1/attempts/{aid + 10**6}/answers/{question['id']}", json=body)
    assert foreign.status_code == missing.status_code == 404 and foreign.data == missing.data
    assert stranger.post(f"/api/v1/attempts/{aid}/submit").data == stranger.post(
        f"/api/v1/attempts/{aid + 10**6}/submit").data
    assert stored(aid, question["id"]) == before

    result = client.post(f"/api/v1/attempts/{aid}/submit")
    again = [client.post(f"/api/v1/attempts/{aid}/submit") for _ in range(100)]
    assert {(r.status_code, r.data) for r in again} == {(200, result.data)}
    print("\nC-05: 100 of 100 replayed saves byte-identical and stored nothing; 100 of 100 replayed submits "
          "byte-identical; a foreign replay 404 like a missing attempt")
