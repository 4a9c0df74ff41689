"""Fast reliability items that run in `make test` (catalogue R-03 fast, R-09, R-10, C-03, C-04)."""

import tempfile
import threading
from datetime import timedelta
from decimal import Decimal

import pytest

from examapp.exams import attempts as service
from examapp.exams import quicksave
from examapp.exams.cli import close_overdue
from examapp.exams.models import Attempt, AttemptItem
from examapp.exams.scoring import Rules, score_item
from examapp.extensions import db
from tests.conftest import make_app
from tests.exams.conftest import right_answers, start
from tests.factories import PASSWORD, make_user

DOWN = {"sqlite": "sqlite:///" + tempfile.gettempdir(),  # a folder, not a database file: it cannot be opened
        "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/examapp_down"}


@pytest.mark.parametrize("kind", sorted(DOWN))
def test_r03_a_database_that_is_down_gives_503_with_retry_after_never_a_traceback(kind):
    """R-03 (fast): no database behind the app: 503 + Retry-After, the usual JSON error (API) or a page."""
    app = make_app(SQLALCHEMY_DATABASE_URI=DOWN[kind])
    client = app.test_client()
    api = client.get("/api/v1/exams", headers={"Authorization": "Bearer exa_not-checked-while-down"})
    assert api.status_code == 503 and api.headers["Retry-After"].isdigit()
    assert api.get_json()["error"]["code"] == "unavailable"
    assert "再试" in api.get_json()["error"]["message"]
    page = client.get("/healthz")
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    assert b"Traceback" not in page.data and "再试" in page.get_data(as_text=True)


def test_r05_durability_settings_are_as_documented(app):
    """R-05: SQLite in WAL with synchronous=FULL and a busy timeout of 10 s; PostgreSQL with fsync and
    synchronous_commit on (README: Configuration, Reliability)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        settings = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                    for name in ("journal_mode", "synchronous", "busy_timeout")}
        assert settings["journal_mode"] == "wal" and settings["synchronous"] == 2 and settings["busy_timeout"] == 10000
    else:
        settings = {name: connection.exec_driver_sql(f"SHOW {name}").scalar()
                    for name in ("fsync", "synchronous_commit")}
        assert settings == {"fsync": "on", "synchronous_commit": "on"}
    print(f"\nR-05: {settings}")


def learner_client(app, user):
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("path", ["quick", "full"])
def test_c03_a_save_that_checked_the_attempt_before_a_submit_committed_is_scored_or_refused(org, exam, app,
                                                                                            monkeypatch, path):
    """C-03: a save that found the attempt open while a submit (another device) was finishing it must
    either be refused (409) or be in the score: never stored unscored after the finish. Both ways a save
    goes: the quick one (read unlocked, write guarded) and the full one (share lock, then item)."""
    saver, submitter = learner_client(app, org.learner), learner_client(app, org.learner)
    paper = start(saver, exam.id)
    aid = paper["attempt_id"]
    single = next(q for q in paper["questions"] if q["type"] == "single")
    item = db.session.query(AttemptItem).filter_by(attempt_id=aid, question_id=single["id"]).one()
    key, points = item.key, item.points
    db.session.commit()
    real_find, race = service.find_item, {}

    def submit_from_the_other_device():
        if "thread" not in race:  # the save has checked "in progress": now the other device submits
            race["thread"] = threading.Thread(target=lambda: race.setdefault(
                "submit", submitter.post(f"/api/v1/attempts/{aid}/submit").status_code))
            race["thread"].start()
            race["thread"].join(1.5)  # the submit finishes here unless this save holds the attempt

    def find_item_while_submitting(attempt, question_id, lock=False):
        submit_from_the_other_device()
        return real_find(attempt, question_id, lock)

    def check_while_submitting(*args):  # the quick save has read the item and its open attempt (SQLite)
        submit_from_the_other_device()
        return real_check(*args)

    def about_to_write(*args):  # PostgreSQL: the quick save is one statement, checks and write; it comes next
        submit_from_the_other_device()
        return real_kind(*args)

    real_check, real_kind = quicksave.check_value, quicksave.candidate_kind
    if path == "quick":
        monkeypatch.setattr(quicksave, "check_value", check_while_submitting)
        monkeypatch.setattr(quicksave, "candidate_kind", about_to_write)
    else:
        monkeypatch.setattr(quicksave, "quick_save", lambda *args, **kwargs: None)
        monkeypatch.setattr(service, "find_item", find_item_while_submitting)
    saved = saver.put(f"/api/v1/attempts/{aid}/answers/{single['id']}", json={"answer": key, "seq": 1})
    race["thread"].join(30)
    assert race["submit"] == 200
    db.session.expire_all()
    item = db.session.get(AttemptItem, item.id)
    if saved.status_code == 200:
        assert item.answer == key and item.awarded == points, "acknowledged but not scored"
    else:
        assert saved.status_code == 409 and item.answer is None


def test_c04_stale_and_replayed_saves_never_overwrite_and_nothing_lands_after_submit(org, exam, login, clock):
    """C-04: 100 replays of older sequence numbers change nothing; after submit every save and a replayed
    submit leave the attempt as it was."""
    client = login(org.learner)
    paper = start(client, exam.id)
    aid, question = paper["attempt_id"], next(q for q in paper["questions"] if q["type"] == "single")
    url = f"/api/v1/attempts/{aid}/answers/{question['id']}"
    keys = [option["key"] for option in question["options"]]
    for seq in (3, 5):
        assert client.put(url, json={"answer": keys[seq % len(keys)], "seq": seq}).get_json()["stored"]
    replays = [client.put(url, json={"answer": keys[n % len(keys)], "seq": n % 6}) for n in range(100)]
    assert {r.status_code for r in replays} == {200} and not any(r.get_json()["stored"] for r in replays)
    assert db.session.query(AttemptItem).filter_by(attempt_id=aid, question_id=question["id"]).one().answer_seq == 5
    result = client.post(f"/api/v1/attempts/{aid}/submit").get_json()
    after = [client.put(url, json={"answer": keys[0], "seq": 1000 + n}).status_code for n in range(10)]
    assert set(after) == {409}
    assert client.post(f"/api/v1/attempts/{aid}/submit").get_json() == result
    db.session.expire_all()
    item = db.session.query(AttemptItem).filter_by(attempt_id=aid, question_id=question["id"]).one()
    assert (item.answer, item.answer_seq) == (keys[5 % len(keys)], 5)


TAMPERED = {"time_left": 9999, "timeup": 0, "client_time": "2000-01-01T00:00:00Z", "deadline": "2999-01-01T00:00:00Z",
            "client_at": "2000-01-01T00:00:00Z", "deadline_at": "2999-01-01T00:00:00Z"}


def test_r09_the_server_clock_decides_and_no_late_write_is_stored(org, exam, login, clock, app):
    """R-09: saves at deadline −5 s, −1 s and +grace−1 s are accepted; at +grace+1 s and +1 h refused (409);
    0 of 500 late writes change a stored answer; client time fields change nothing."""
    grace = app.config["EXAM_GRACE_SECONDS"]
    client = login(org.learner)
    paper = start(client, exam.id)
    aid, questions = paper["attempt_id"], [q for q in paper["questions"] if q["type"] == "single"]
    deadline = db.session.get(Attempt, aid).deadline_at
    for n, offset in enumerate((-5, -1, grace - 1)):
        clock.now = deadline + timedelta(seconds=offset)
        answer = questions[n]["options"][0]["key"]
        response = client.put(f"/api/v1/attempts/{aid}/answers/{questions[n]['id']}",
                              json={"answer": answer, "seq": 1, **TAMPERED})
        assert response.status_code == 200, offset
    db.session.expire_all()
    before = {(i.question_id, repr(i.answer), i.answer_seq) for i in db.session.get(Attempt, aid).items}
    clock.now = deadline + timedelta(seconds=grace + 1)
    late = []
    for n in range(500):
        if n == 250:
            clock.now = deadline + timedelta(hours=1)
        question = questions[n % len(questions)]
        late.append(client.put(f"/api/v1/attempts/{aid}/answers/{question['id']}",
                               json={"answer": question["options"][1]["key"], "seq": 10 + n, **TAMPERED}).status_code)
    assert late == [409] * 500
    db.session.expire_all()
    attempt = db.session.get(Attempt, aid)
    assert {(i.question_id, repr(i.answer), i.answer_seq) for i in attempt.items} == before
    assert attempt.state == "finished" and attempt.finished_at == deadline and attempt.deadline_at == deadline
    print(f"\nR-09: 0 of {len(late)} late writes stored; deadline unchanged by client time fields")


def test_r10_abandoned_attempts_are_finalised_at_their_deadline_and_one_failure_blocks_none(org, exam, monkeypatch):
    """R-10: abandoned attempts (browsers closed) are finished by the job as of their deadline and scored from
    their last saved answers; one attempt whose scoring fails is logged and retried, the others finish."""
    now = org.now
    exam.duration_minutes = 2
    people = [make_user(f"abandon{n}", org.office) for n in range(12)]
    ids = []
    for n, person in enumerate(people):
        attempt = service.start_attempt(exam, person, now)
        db.session.flush()
        for question_id, answer in list(right_answers(attempt.id).items())[: n % 4]:
            service.save_answer(attempt, question_id, answer, now)
        ids.append(attempt.id)
    db.session.commit()
    poisoned, real_score = ids[3], service.score_attempt

    def score_or_fail(attempt):
        if attempt.id == poisoned:
            raise RuntimeError("poisoned attempt")
        real_score(attempt)

    monkeypatch.setattr(service, "score_attempt", score_or_fail)
    later = now + timedelta(minutes=2, seconds=service.grace_seconds() + 61)
    assert close_overdue(later) == (len(ids) - 1, 1)
    db.session.expire_all()
    for attempt in db.session.query(Attempt).filter(Attempt.id.in_(ids)):
        if attempt.id == poisoned:
            assert attempt.state == "in_progress"
            continue
        assert attempt.state == "finished" and attempt.finished_at == attempt.deadline_at
        assert attempt.finish_reason == "overdue" and attempt.score == recomputed(attempt)
    monkeypatch.setattr(service, "score_attempt", real_score)
    assert close_overdue(later) == (1, 0)  # the next run retries the poisoned one
    db.session.expire_all()
    assert db.session.get(Attempt, poisoned).finished_at == db.session.get(Attempt, poisoned).deadline_at


def recomputed(attempt) -> Decimal:
    rules = Rules(attempt.exam.multiple_rule, Decimal(attempt.exam.partial_share))
    return sum((score_item(i.type, i.key, i.answer, Decimal(i.points), rules).awarded for i in attempt.items),
               Decimal(0))
