"""Representative results for the operations tests (O-03, O-04), made through the app's own API."""

from contextlib import contextmanager
from datetime import date

from sqlalchemy import create_engine, text

from examapp.extensions import db
from examapp.study.models import StudyAttendance, StudyCredit, StudySession
from tests.conftest import DATABASE_URL, IS_POSTGRES
from tests.exams.conftest import make_question, right_answers, start
from tests.factories import PASSWORD, make_user
from tests.records.test_record_views import a_law


def logged_in(app, username: str):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def finished_exams(app, org, exam, learners: int = 3) -> list:
    """Learners take the exam through the API: answers saved one by one, submitted, certificates issued."""
    people = [org.learner] + [make_user(f"ops_{n}", org.village_a) for n in range(learners - 1)]
    db.session.commit()
    for person in people:
        take_exam(app, person.username, exam.id)
    db.session.expire_all()
    return people


def take_exam(app, username: str, exam_id: int) -> None:
    client = logged_in(app, username)
    paper = start(client, exam_id)
    for question_id, answer in right_answers(paper["attempt_id"]).items():
        saved = client.put(f"/api/v1/attempts/{paper['attempt_id']}/answers/{question_id}",
                           json={"answer": answer, "seq": 1})
        assert saved.status_code == 200, saved.get_data(as_text=True)
    assert client.post(f"/api/v1/attempts/{paper['attempt_id']}/submit").status_code == 200


def practised(app, person, questions: int = 2, prefix: str = "ops_p") -> None:
    """A learner practises public questions: serves, answers, cards, the wrong-answer book."""
    public = [make_question(f"{prefix}{n}", visibility="public") for n in range(questions)]
    db.session.commit()
    client = logged_in(app, person.username)
    for n, question in enumerate(public):
        served = client.get(f"/api/v1/practice/next?question={question.id}")
        assert served.status_code == 200 and served.get_json()["question"], served.get_data(as_text=True)
        answered = client.post("/api/v1/practice/answers",
                               json={"question_id": question.id, "answer": "A" if n % 2 == 0 else "B"})
        assert answered.status_code == 200, answered.get_data(as_text=True)
    db.session.expire_all()


@contextmanager
def scratch_database(tmp_path, name: str):
    """An empty database beside the suite's: a SQLite file, or database `name` on the suite's PostgreSQL."""
    if not IS_POSTGRES:
        yield f"sqlite:///{tmp_path}/{name}.sqlite"
        return
    admin = create_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def credited(person, unit) -> None:
    """Study credits from reading and an organised session the person attended."""
    law = a_law()  # reference data kept between tests, created once
    db.session.add(StudyCredit(user_id=person.id, law_id=law.id, day=date(2026, 3, 1), seconds=3600, cases=1))
    session = StudySession(unit_id=unit.id, held_on=date(2026, 4, 1), topic="宪法宣誓制度专题学习", hours=2)
    db.session.add(session)
    db.session.flush()
    db.session.add(StudyAttendance(session_id=session.id, user_id=person.id))
    db.session.commit()
