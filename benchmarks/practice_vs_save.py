"""Compare a practice answer's round trip with saving an exam answer, through the Flask test client.

Run: .venv/bin/python benchmarks/practice_vs_save.py [N]      (N requests of each kind, default 200)
Uses a throw-away SQLite file, or DATABASE_URL when it names a scratch database (all tables are dropped).
Each request runs in its own application context with the learner's bearer token, as under gunicorn and in
`make bench` (a context held around the loop would keep the person loaded in flask.g: no request would log in).
Prints the median and 95th percentile in milliseconds of wall-clock time, and the median CPU time of this
process (time.process_time: the app's own work, which other programs on a loaded machine disturb much less), of:
  save      PUT /api/v1/attempts/<id>/answers/<qid>   (an exam answer save)
  answer    POST /api/v1/practice/answers             (a practice answer: score, FSRS review, book, credit, feedback)
  next      GET /api/v1/practice/next                 (serving the next practice question)
"""

import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "Bench-pass-123"


def make_app():
    from examapp import create_app

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='bench-practice-')}/bench.sqlite"
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key-0123456789abcdef0123",
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "TESTING": True,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def seed(count: int) -> str:
    """The statute library, `count` public single-choice questions on real articles, a learner with an API token and
    an open exam; return the token."""
    from examapp.auth.models import ApiToken, hash_token
    from examapp.bank.models import PUBLIC, Question, QuestionVersion
    from examapp.db import utcnow
    from examapp.exams.models import Exam
    from examapp.extensions import db
    from examapp.org.models import User
    from examapp.org.services import add_unit
    from examapp.study.loader import ensure_library

    ensure_library(utcnow())
    town = add_unit("乌塘镇", None, kind="town")
    learner = User(username="bench", name="测试", unit=town, role="learner")
    learner.set_password(PASSWORD)
    db.session.add(learner)
    db.session.flush()
    token = "exa_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=learner.id, token_hash=hash_token(token)))
    for i in range(count):
        question = Question(code=f"bench{i}", law_slug="administrative-penalty-law-2021", type="single",
                            visibility=PUBLIC)
        db.session.add(question)
        db.session.flush()
        version = QuestionVersion(question_id=question.id, type="single", stem=f"第{i}题",
                                  options=[{"key": k, "text": f"选项{k}"} for k in "ABCD"], answer="A",
                                  explanation="解析", basis=[{"law": "administrative-penalty-law-2021",
                                                            "article": 5 + i % 20}], chapter="第一章 总则")
        db.session.add(version)
        db.session.flush()
        question.current_version_id = version.id
    now = utcnow()
    db.session.add(Exam(title="基准考试", year=now.year, status="published", opens_at=now - timedelta(days=1),
                        closes_at=now + timedelta(days=1), duration_minutes=600, published_at=now,
                        allows_public_questions=True, audience={"unit_ids": [town.id]}, blueprint=[
                            {"variant": "default", "section": "单选", "type": "single", "count": 50, "points": "2"}]))
    db.session.commit()
    return token


def timed(call, cpu: list[float]) -> float:
    """Wall-clock milliseconds of one request; its CPU milliseconds are appended to `cpu`."""
    start, start_cpu = time.perf_counter(), time.process_time()
    response = call()
    elapsed = (time.perf_counter() - start) * 1000
    cpu.append((time.process_time() - start_cpu) * 1000)
    assert response.status_code in (200, 201), response.get_data(as_text=True)[:300]
    return elapsed


def measure(client, n: int, exam: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    paper = client.post(f"/api/v1/exams/{exam}/attempts").get_json()
    ids = [q["id"] for q in paper["questions"]]
    figures: dict[str, list[float]] = {"save": [], "answer": [], "next": []}
    cpu: dict[str, list[float]] = {"save": [], "answer": [], "next": []}
    for i in range(n):
        qid = ids[i % len(ids)]
        figures["save"].append(timed(lambda qid=qid, i=i: client.put(
            f"/api/v1/attempts/{paper['attempt_id']}/answers/{qid}", json={"answer": "ABCD"[i % 4]}), cpu["save"]))
        replies: list = []
        figures["next"].append(timed(lambda replies=replies: replies.append(client.get("/api/v1/practice/next"))
                                     or replies[-1], cpu["next"]))
        served = replies[-1].get_json()["question"]
        figures["answer"].append(timed(lambda served=served: client.post(
            "/api/v1/practice/answers", json={"question_id": served["id"], "answer": "A"}), cpu["answer"]))
    return figures, cpu


def exam_id(db) -> int:
    from examapp.exams.models import Exam

    return db.session.scalar(db.select(Exam.id))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    from examapp.extensions import db

    app = make_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
        token = seed(max(n + 10, 60))
        exam = exam_id(db)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    figures, cpu = measure(client, n, exam)
    with app.app_context():
        db.session.remove()
        db.drop_all()
    engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"{n} requests each on {engine} (load average {os.getloadavg()[0]:.1f})")
    for name, values in figures.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"  {name:7s} median {statistics.median(values):6.2f} ms   p95 {p95:6.2f} ms   "
              f"CPU median {statistics.median(cpu[name]):6.2f} ms")
    ratio = statistics.median(figures["answer"]) / statistics.median(figures["save"])
    cpu_ratio = statistics.median(cpu["answer"]) / statistics.median(cpu["save"])
    print(f"  practice answer / exam save (medians): {ratio:.2f} wall clock, {cpu_ratio:.2f} CPU")


if __name__ == "__main__":
    main()
