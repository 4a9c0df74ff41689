"""R-12: the override and extension deadline table (fast, runs in `make test`).

`examapp.exams.availability.deadline_for` is the one function that computes an attempt's deadline: the earlier of
start + duration and the window's close, plus the person's extra time, rounded up to the whole second. The
window (regular, reopened for one person, make-up) comes from `current_window`; the network grace from
`grace_seconds`. The table is tested on the function, then end to end through the API: for every row the server
accepts an answer at exactly deadline + grace and refuses it (409) one second later.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from examapp.exams.availability import deadline_for
from examapp.exams.models import Attempt
from examapp.exams.services import grant_override
from examapp.extensions import db
from tests.exams.conftest import make_exam, start

M = timedelta(minutes=1)
S = timedelta(seconds=1)

# (case, duration minutes, start offset, window close offset, extra minutes, expected deadline offset)
# Offsets are from a whole-second instant T; the window close is whichever window the attempt starts in.
FUNCTION_TABLE = [
    ("duration inside a long window", 90, 0 * M, 10 * 24 * 60 * M, 0, 90 * M),
    ("window close caps the duration", 90, 0 * M, 30 * M, 0, 30 * M),
    ("close exactly at start + duration", 90, 0 * M, 90 * M, 0, 90 * M),
    ("close one second before start + duration", 90, 0 * M, 90 * M - S, 0, 90 * M - S),
    ("late start: the close cuts it short", 60, 50 * M, 70 * M, 0, 70 * M),
    ("extra time on a duration-limited attempt", 90, 0 * M, 10 * 24 * 60 * M, 15, 105 * M),
    ("extra time on a close-limited attempt extends past the close", 90, 0 * M, 30 * M, 15, 45 * M),
    ("two grants add up (10 + 5)", 90, 0 * M, 10 * 24 * 60 * M, 15, 105 * M),
    ("Otago: +1 hour", 120, 0 * M, 10 * 24 * 60 * M, 60, 180 * M),
    ("Glasgow: +15 then +15", 60, 0 * M, 10 * 24 * 60 * M, 30, 90 * M),
    ("maximum extra time (600 min)", 90, 0 * M, 10 * 24 * 60 * M, 600, 690 * M),
    ("reopened window: its until_at caps", 90, 0 * M, 20 * M, 0, 20 * M),
    ("reopened window with extra time", 90, 0 * M, 20 * M, 15, 35 * M),
    ("make-up window caps", 90, 0 * M, 40 * M, 0, 40 * M),
    ("make-up window with extra time", 90, 0 * M, 40 * M, 15, 55 * M),
    ("one-minute exam", 1, 0 * M, 10 * 24 * 60 * M, 0, 1 * M),
    ("started a fraction of a second in: rounded up", 90, timedelta(microseconds=1), 10 * 24 * 60 * M, 0, 90 * M + S),
    ("started half a second in, close-limited: rounded up", 90, timedelta(milliseconds=500), 30 * M, 0, 30 * M),
    ("close itself has a fraction: rounded up", 90, 0 * M, 30 * M + timedelta(milliseconds=1), 0, 30 * M + S),
    ("start == close - 1 s", 90, 30 * M - S, 30 * M, 0, 30 * M),
]


@pytest.mark.parametrize("case,duration,started,closes,extra,expected", FUNCTION_TABLE,
                         ids=[r[0] for r in FUNCTION_TABLE])
def test_r12_deadline_for_table(org, case, duration, started, closes, extra, expected):
    """R-12 (function): 20 of 20 effective deadlines of `deadline_for` match the table."""
    t = org.now.replace(microsecond=0)
    exam = SimpleNamespace(duration_minutes=duration)
    assert deadline_for(exam, t + started, t + closes, extra) == t + expected


def edge(client, aid, clock, deadline, grace, question):
    """Save at deadline + grace (accepted) and one second later (409); the attempt is then finished."""
    url = f"/api/v1/attempts/{aid}/answers/{question['id']}"
    clock.now = deadline + timedelta(seconds=grace)
    on_time = client.put(url, json={"answer": question["options"][0]["key"], "seq": 1})
    clock.now = deadline + timedelta(seconds=grace) + S
    late = client.put(url, json={"answer": question["options"][1]["key"], "seq": 2})
    db.session.expire_all()
    attempt = db.session.get(Attempt, aid)
    item = next(i for i in attempt.items if i.question_id == question["id"])
    return on_time.status_code, late.status_code, item.answer_seq, attempt


# (case, exam fields as offsets from T, grants before the start, expected deadline offset)
DAY = 24 * 60 * M
API_TABLE = [
    ("regular: duration", dict(opens=-DAY, closes=10 * DAY, duration=90), [], 90 * M),
    ("regular: window close caps", dict(opens=-DAY, closes=30 * M, duration=90), [], 30 * M),
    ("extra time", dict(opens=-DAY, closes=10 * DAY, duration=90), [("extra_time", 15)], 105 * M),
    ("two extra-time grants", dict(opens=-DAY, closes=10 * DAY, duration=90), [("extra_time", 10), ("extra_time", 5)],
     105 * M),
    ("extra time past the close", dict(opens=-DAY, closes=30 * M, duration=90), [("extra_time", 15)], 45 * M),
    ("extra attempt changes no deadline", dict(opens=-DAY, closes=30 * M, duration=90), [("extra_attempt", 0)], 30 * M),
    ("reopened for this person", dict(opens=-2 * DAY, closes=-60 * M, duration=90), [("reopen", 20 * M)], 20 * M),
    ("reopened + extra time", dict(opens=-2 * DAY, closes=-60 * M, duration=90),
     [("reopen", 20 * M), ("extra_time", 15)], 35 * M),
    ("make-up window", dict(opens=-3 * DAY, closes=-2 * DAY, makeup=(-60 * M, 40 * M), duration=90), [], 40 * M),
    ("make-up window + extra time", dict(opens=-3 * DAY, closes=-2 * DAY, makeup=(-60 * M, 40 * M), duration=90),
     [("extra_time", 15)], 55 * M),
]


@pytest.mark.parametrize("case,fields,grants,expected", API_TABLE, ids=[r[0] for r in API_TABLE])
def test_r12_deadline_table_through_the_api(org, bank, login, clock, app, case, fields, grants, expected):
    """R-12 (API): the attempt's deadline is the table's; the server accepts an answer at exactly deadline + grace
    and refuses the next second with 409, storing nothing; the attempt is finished as of its deadline."""
    grace = app.config["EXAM_GRACE_SECONDS"]
    t = org.now.replace(microsecond=0)
    makeup = fields.get("makeup")
    exam = make_exam(org, opens_at=t + fields["opens"], closes_at=t + fields["closes"],
                     duration_minutes=fields["duration"], max_attempts=1,
                     makeup_opens_at=t + makeup[0] if makeup else None,
                     makeup_closes_at=t + makeup[1] if makeup else None)
    client = login(org.learner)
    if makeup:  # a make-up is for those who sat the exam and failed: sit it (blank) in the regular window
        clock.now = exam.opens_at + M
        failed = start(client, exam.id)["attempt_id"]
        assert client.post(f"/api/v1/attempts/{failed}/submit").status_code == 200
    for kind, amount in grants:
        grant_override(exam, org.learner, kind, "R-12", org.admin, t - S,
                       minutes=amount if kind == "extra_time" else 0,
                       until_at=t + amount if kind == "reopen" else None)
    db.session.commit()
    clock.now = t
    paper = start(client, exam.id)
    aid, deadline = paper["attempt_id"], t + expected
    assert db.session.get(Attempt, aid).deadline_at == deadline
    assert paper["remaining_seconds"] == int(expected.total_seconds())
    question = next(q for q in paper["questions"] if q["type"] == "single")
    on_time, late, seq, attempt = edge(client, aid, clock, deadline, grace, question)
    assert (on_time, late, seq) == (200, 409, 1)
    assert attempt.state == "finished" and attempt.finished_at == deadline


def test_r12_extension_mid_attempt_at_t_minus_1_min(org, exam, login, clock, app):
    """R-12 (end to end): 15 minutes granted at T−1 min move the running attempt's deadline; the person is not
    finalised under the old deadline (an answer after old deadline + grace is accepted), the client's next
    read shows the new time, and the new deadline + grace is exact."""
    grace = app.config["EXAM_GRACE_SECONDS"]
    client = login(org.learner)
    paper = start(client, exam.id)
    aid = paper["attempt_id"]
    old = db.session.get(Attempt, aid).deadline_at
    clock.now = old - M
    grant_override(exam, org.learner, "extra_time", "R-12 网络中断", org.admin, clock.now, minutes=15)
    db.session.commit()
    new = old + 15 * M
    assert client.get(f"/api/v1/attempts/{aid}").get_json()["remaining_seconds"] == 16 * 60
    singles = [q for q in paper["questions"] if q["type"] == "single"]
    clock.now = old + timedelta(seconds=grace) + S
    url = f"/api/v1/attempts/{aid}/answers/{singles[1]['id']}"
    assert client.put(url, json={"answer": singles[1]["options"][0]["key"], "seq": 1}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Attempt, aid).state == "in_progress"
    on_time, late, seq, attempt = edge(client, aid, clock, new, grace, singles[0])
    assert (on_time, late, seq) == (200, 409, 1)
    assert attempt.finished_at == new and attempt.deadline_at == new
    print(f"\nR-12: extended at T−1 min by 15 min: open after the old deadline + {grace} s, "
          f"closed at the new one + {grace} s + 1 s")


def test_r08_every_answer_of_a_late_queue_is_kept_as_evidence_and_none_is_scored(org, exam, login, clock, app):
    """R-08 (API): a phone's offline queue of 5 answers sent one by one after deadline + grace: all 5 refused
    (409), 0 stored or scored, all 5 kept as late-answer evidence with the server's and the client's times
    (before the fix only the first was kept: the others found the attempt finished and left no trace)."""
    from examapp.exams.models import AttemptEvent

    grace = app.config["EXAM_GRACE_SECONDS"]
    client = login(org.learner)
    paper = start(client, exam.id)
    aid = paper["attempt_id"]
    deadline = db.session.get(Attempt, aid).deadline_at
    clock.now = deadline + timedelta(seconds=grace + 30)
    sent = {}
    for n, question in enumerate(paper["questions"][:5]):
        if question["type"] in ("single", "true_false", "multiple"):
            value = question["options"][0]["key"] if question["type"] == "single" else (
                True if question["type"] == "true_false" else [question["options"][0]["key"]])
        else:
            continue
        sent[question["id"]] = client.put(f"/api/v1/attempts/{aid}/answers/{question['id']}",
                                          json={"answer": value, "seq": n + 1,
                                                "client_at": f"2026-01-01T00:00:0{n}Z"}).status_code
    assert set(sent.values()) == {409} and len(sent) >= 3
    db.session.expire_all()
    attempt = db.session.get(Attempt, aid)
    assert attempt.state == "finished" and attempt.finished_at == deadline and attempt.score == 0
    assert all(i.answer is None for i in attempt.items)
    events = db.session.query(AttemptEvent).filter_by(attempt_id=aid, kind="late_answer").all()
    assert sorted(int(e.detail["question"]) for e in events) == sorted(sent)
    assert all(e.at == clock.now and e.client_at.startswith("2026-01-01") for e in events)
