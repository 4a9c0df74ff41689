"""S-01: the answer-key differential test.

The same paper is built twice, on the access matrix's world, with two answer keys: the same questions,
options, order and seed, different correct answers and explanations. The learner (cadre1) then does the
same things in both twins and every response a learner can reach is kept: every GET route that the access
matrix gives a learner (generated from it, so a new route is compared without anyone remembering to), the
public routes and the offline (PWA) assets, in HTML and asking for JSON, plus what the learner's own exam
and practice requests answer. The twins must not differ by one byte (after CSRF tokens and nonces are
masked; the clock is frozen and the sequences are restored, so times and ids are the same) — before
finishing, and after finishing while the review is not released. Once the review is released they must
differ: that proves the comparison can see a key. Each twin runs in a transaction that is rolled back.
"""

import difflib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from examapp.exams import leaving
from examapp.exams.models import Exam
from examapp.extensions import db
from tests.exams.conftest import make_question
from tests.factories import PASSWORD
from tests.functional.masks import masked
from tests.functional.rollback import built_world, rolled_back
from tests.functional.test_access_matrix import MATRIX, PUBLIC, path_for

LEARNER = 1  # cadre1's column in the access matrix
SEED = 424242
FIRST_ID = 880001
# Learner-reachable routes left out of the comparison, each with its reason.
NOT_COMPARED = {"auth.logout": "ends the session the comparison uses", "static": "files on disk, compared below"}
# Two keys of the same paper: (type, original key of twin A, of twin B); options A-D, none shuffled differently.
KEYS = [
    ("single", "A", "C"), ("single", "B", "D"), ("multiple", ["A", "C"], ["B", "D"]), ("true_false", True, False),
    ("blank", [["七日", "7日"]], [["十五日"]]), ("case", ("B", False), ("D", True)),
]
# This twin is public too, so it appears in practice (one only: which unseen question comes first is random).
PUBLIC_ONES = {0}
REVIEW_WORDS = (b"is_correct", b"answer_key", b"is_right", "正确答案".encode(), b'"review_level":"full"')


def case_subs(key) -> list[dict]:
    single, true_false = key
    return [{"type": "single", "stem": "子题一", "options": [{"key": k, "text": f"子{k}"} for k in "ABCD"],
             "answer": single, "explanation": f"密钥标记-{single}-子一", "basis": []},
            {"type": "true_false", "stem": "子题二", "answer": true_false,
             "explanation": f"密钥标记-{true_false}-子二", "basis": []}]


def make_twin(twin: int, org_town: int, now: datetime) -> Exam:
    """The paper of one twin: six questions tagged keyleak and an exam that draws exactly them."""
    for n, (qtype, *keys) in enumerate(KEYS):
        key = keys[twin]
        case = qtype == "case"
        make_question(f"keyleak{n}", qtype, id=FIRST_ID + n, tags=("keyleak",), answer=None if case else key,
                      subquestions=case_subs(key) if case else None, explanation=f"密钥标记-{'AB'[twin]}-{n}",
                      visibility="public" if n in PUBLIC_ONES else "confidential")
    blueprint = [{"variant": "default", "section": "卷", "tag": "keyleak", "count": len(KEYS), "points": "10"}]
    exam = Exam(title="密钥对照卷", year=now.year, status="published", opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=5), duration_minutes=60, blueprint=blueprint,
                audience={"unit_ids": [org_town]}, max_attempts=2, published_at=now, review_policy="after_close",
                allows_public_questions=True)
    db.session.add(exam)
    db.session.commit()
    return exam


def wrong_in_both(question: dict):
    """An answer that is wrong under both keys (true/false has no such answer: it stays blank)."""
    by_text = {o["text"][-1]: o["key"] for o in question.get("options", [])}
    return {"single": lambda: by_text["B"] if question["stem"].startswith("keyleak0") else by_text["A"],
            "multiple": lambda: [by_text["B"]], "blank": lambda: ["不知道"],
            "case": lambda: {"1": next(o["key"] for o in question["subquestions"][0]["options"] if o["text"] == "子A")},
            }.get(question["type"], lambda: None)()


class Frozen(datetime):
    """The server's clock, the same instant in both twins (examapp.db.utcnow reads datetime.now)."""

    at: datetime

    @classmethod
    def now(cls, tz=None):
        return cls.at.astimezone(tz) if tz else cls.at.replace(tzinfo=None)


def compared_endpoints(app) -> list[str]:
    """Every GET route the access matrix lets a learner reach (2xx or a redirect), and the public ones."""
    wanted = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_COMPARED:
            continue
        method, statuses = MATRIX.get(rule.endpoint, ("GET", (None, 200)))  # PUBLIC ones are not in MATRIX
        if method == "GET" and statuses[LEARNER] < 400:
            wanted.append(rule.endpoint)
    return sorted(set(wanted))


def static_files(app) -> list[str]:
    from pathlib import Path

    root = Path(app.static_folder)
    return sorted(f"/static/{p.relative_to(root).as_posix()}" for p in root.rglob("*.js"))


def fetch_all(app, client, ids, phase: str, seen: dict) -> None:
    """Every compared route, in HTML and asking for JSON; the twin's exam and paper questions as extras."""
    paths = {endpoint: path_for(app, endpoint, ids) for endpoint in compared_endpoints(app)}
    extras = {"practice.question?question": f"/practice/question?question={FIRST_ID}",
              "api.practice_next?question": f"/api/v1/practice/next?question={FIRST_ID}",
              "exams.detail(base)": f"/exams/{ids.base_exam}"}
    for name, path in [*paths.items(), *extras.items()]:
        for accept in ("text/html", "application/json"):
            response = client.get(path, headers={"Accept": accept})
            seen[f"{phase} GET {path} [{accept}] ({name})"] = response
    if phase == "in progress":
        for path in static_files(app):
            seen[f"{phase} GET {path}"] = client.get(path)


def record(response) -> bytes:
    head = f"{response.status_code} {response.headers.get('Location', '')} {response.mimetype}\n".encode()
    return head + masked(response.get_data())


def run_twin(built, twin: int, sequences: dict) -> tuple[dict, dict]:
    """One twin: start, answer, report a leave, fetch everything; submit, fetch everything; release the review."""
    app = built.app
    seen: dict = {}
    with pytest.MonkeyPatch.context() as mp, app.app_context(), rolled_back(mp):
        restore_sequences(sequences)
        Frozen.at = built.now
        mp.setattr("examapp.db.datetime", Frozen)
        mp.setattr("examapp.exams.attempts.secrets", SimpleNamespace(randbits=lambda bits: SEED))
        exam = make_twin(twin, built.town, built.now)
        client = app.test_client()
        assert client.post("/login", data={"username": "cadre1", "password": PASSWORD}).status_code == 302
        started = client.post(f"/api/v1/exams/{exam.id}/attempts")
        seen["start POST"] = started
        assert started.status_code == 201
        paper = started.get_json()
        attempt = paper["attempt_id"]
        for question in paper["questions"]:
            answer = wrong_in_both(question)
            if answer is not None:
                seen[f"save PUT {question['id']}"] = client.put(f"/api/v1/attempts/{attempt}/answers/{question['id']}",
                                                                json={"answer": answer, "seq": 1})
        for kind in (leaving.LEAVE, leaving.RETURN):
            seen[f"event POST {kind}"] = client.post(f"/api/v1/attempts/{attempt}/events", json={"kind": kind})
            assert seen[f"event POST {kind}"].status_code == 200
        ids = SimpleNamespace(**{**vars(built.world), "exam": exam.id, "attempt": attempt, "question": FIRST_ID,
                                 "base_exam": built.world.exam})
        fetch_all(app, client, ids, "in progress", seen)
        seen["submit POST"] = client.post(f"/api/v1/attempts/{attempt}/submit")
        fetch_all(app, client, ids, "finished, review withheld", seen)
        released = {}
        exam = db.session.get(Exam, exam.id)
        exam.closes_at = built.now - timedelta(seconds=1)
        db.session.commit()
        released["review"] = client.get(f"/api/v1/attempts/{attempt}")
        released["result page"] = client.get(f"/exams/attempts/{attempt}/result")
        return ({name: record(r) for name, r in seen.items()}, {name: record(r) for name, r in released.items()})


def sequences_now() -> dict:
    if db.engine.dialect.name != "postgresql":
        return {}  # SQLite: the rolled-back transaction gives the ids back by itself
    rows = db.session.execute(text("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences "
                                   "WHERE schemaname = current_schema()"))
    return dict(rows.all())


def restore_sequences(sequences: dict) -> None:
    """PostgreSQL: the sequences as they were after the world was built, so both twins get the same ids."""
    for name, value in sequences.items():
        db.session.execute(text("SELECT setval(:name, :value, :called)"),
                           {"name": name, "value": value or 1, "called": value is not None})


@pytest.fixture(scope="module")
def built(_schema):
    with built_world() as built:
        with built.app.app_context():
            from examapp.org.models import Unit

            built.town = db.session.scalar(db.select(Unit.id).where(Unit.name == "乌塘镇"))
            built.sequences = sequences_now()
        built.now = datetime.now(UTC).replace(microsecond=0)
        yield built


@pytest.fixture(scope="module")
def twins(built):
    return [run_twin(built, twin, built.sequences) for twin in (0, 1)]


def differences(a: dict, b: dict) -> list[str]:
    assert a.keys() == b.keys()
    found = []
    for name in a:
        if a[name] != b[name]:
            lines = difflib.unified_diff(a[name].decode(errors="replace").splitlines(),
                                         b[name].decode(errors="replace").splitlines(), lineterm="", n=0)
            found.append(f"{name}:\n" + "\n".join(list(lines)[2:8]))
    return found


def test_s01_every_learner_route_is_compared(built):
    """A route the access matrix lets a learner reach is in the comparison, or left out with its reason."""
    learner_gets = {e for e, (method, statuses) in MATRIX.items() if method == "GET" and statuses[LEARNER] < 400}
    public_gets = {r.endpoint for r in built.app.url_map.iter_rules() if r.endpoint in PUBLIC and "GET" in r.methods}
    missing = (learner_gets | public_gets) - set(compared_endpoints(built.app)) - set(NOT_COMPARED)
    assert missing == set()
    assert {"exams.take", "exams.result", "exams.detail", "api.read_attempt", "core.home", "practice.question",
            "core.service_worker", "core.offline"} <= set(compared_endpoints(built.app))


def test_s01_two_keys_of_one_paper_give_the_learner_the_same_bytes(twins):
    """0 bytes differ between the twins on every route, before finishing and after it with the review withheld."""
    (seen_a, _), (seen_b, _) = twins
    found = differences(seen_a, seen_b)
    differing = sum(bytes_differing(seen_a[n], seen_b[n]) for n in seen_a)
    print(f"\nS-01: {len(seen_a)} responses compared ({len(compared_endpoints_of(seen_a))} routes), "
          f"{len(found)} differ, {differing} bytes differing")
    assert found == [], "\n\n".join(found)
    markers = [name for name, body in {**seen_a, **seen_b}.items() if "密钥标记".encode() in body]
    assert markers == [], "an explanation reached the learner"
    # Words that only a review carries: none before finishing, nor after it while the review is withheld.
    words = [name for name, body in seen_a.items() if any(w in body for w in REVIEW_WORDS)]
    assert words == [], "review words reached the learner"


def bytes_differing(a: bytes, b: bytes) -> int:
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))


def compared_endpoints_of(seen: dict) -> set[str]:
    return {name.rsplit("(", 1)[-1].rstrip(")") for name in seen if "(" in name}


def test_s01_the_comparison_sees_a_key_once_the_review_is_released(twins):
    """The check that keeps the comparison honest: a released review differs between the twins."""
    (_, released_a), (_, released_b) = twins
    api, page = (bytes_differing(released_a[name], released_b[name]) for name in ("review", "result page"))
    print(f"\nS-01 control: the released review differs by {api} bytes (API) and {page} (page)")
    assert sorted(n.split(":")[0] for n in differences(released_a, released_b)) == ["result page", "review"]
    assert "密钥标记".encode() in released_a["review"]
    assert all(word in released_a["review"] for word in (b"is_correct", b'"review_level":"full"'))
    assert "正确答案".encode() in released_a["result page"]
