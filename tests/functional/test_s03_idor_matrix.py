"""S-03: the IDOR matrix, generated from the app's routes and the access matrix.

Beside the access matrix's world (tests/functional/world.py) stands a second town, 河口镇, with objects
nobody of the first town owns or may see: far1's finished attempt (with a certificate) and open attempt in
an exam for 河口镇 only, far1's practice answer and wrong-book entry, a study session there, staff of that
town (an examiner, HR and a unit admin), the unit admin's people import (its batch and a stashed upload) and
the examiner's staged bank upload. Every route whose path carries an object id is called by every role with
the ids of those objects. Unless the role reaches every such object by design (the system admin, people and
certificates; examiners, exams and the bank), the answer is 403 or 404 — the same status and body as for an
id that does not exist (no existence oracle) — and not one row of the database changes. Exam-wide pages that HR and
unit admins may open (reports, attempt lists) must not show far1. The world is built once per module; each
role's run is rolled back.
"""

import os
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from examapp.db import utcnow
from examapp.extensions import db
from tests.factories import PASSWORD
from tests.functional.masks import masked
from tests.functional.rollback import built_world, rolled_back
from tests.functional.test_access_matrix import MATRIX, WHO

# Path parameter -> the kinds of foreign object to put there (attributes of the foreign world).
OWNED = {"attempt_id": ("done_attempt", "open_attempt"), "user_id": ("far1", "farhr", "faradmin", "farexam"),
         "unit_id": ("far_town",), "exam_id": ("far_exam",), "serial": ("far_serial",),
         "session_id": ("far_session",), "answer_id": ("far_answer",), "entry_id": ("far_entry",),
         "batch_id": ("far_batch",), "token": ("org_token", "bank_token")}
MISSING = {"attempt_id": "987654", "user_id": "987654", "unit_id": "987654", "exam_id": "987654",
           "serial": "XF2026-ZZZZ-ZZZZ-ZZZZ", "session_id": "987654", "answer_id": "987654", "entry_id": "987654",
           "batch_id": "987654", "token": "Zm9yZWlnbi10b2tlbi10aGF0LWRvZXMtbm90LWV4aXN0"}
FIXED = {"question_id": "question", "index": "0", "year": "year", "slug": "supervision-law-2024", "number": "1",
         "other": "supervision-law-2018", "review_id": "999999", "case_id": "case",
         # a progress job lives in a file named by its owner and the job id: another person's poll finds nothing
         # (tests/core/test_progress.py proves the 404 with a real job of someone else's)
         "job": "0123456789abcdef"}
# Objects that are one person's alone: nobody else reaches them, whatever the role.
PERSONAL = {"far_answer", "far_entry", "org_token", "bank_token"}
# Attempt routes only the owner may use, whatever the role (they answer, submit, or read the paper).
OWNER_ONLY = {"api.save_answer", "api.submit_attempt", "api.attempt_event", "exams.take", "exams.submit"}
FORM = {"status": "retired", "reason": "越权测试", "name": "改名", "confirm": "y"}
JSON = {"api.save_answer": {"answer": "A", "seq": 9}, "api.attempt_event": {"kind": "leave"},
        "api.person_patch": {"name": "改名"}}
# Rows that a refused request may still write: the caller's own login session (last seen).
UNWATCHED = {"user_sessions"}


def build_foreign(world) -> SimpleNamespace:
    """The second town's objects (see the module's docstring)."""
    from examapp.bank import staging
    from examapp.bank.models import Question
    from examapp.exams import attempts
    from examapp.org.models import ImportBatch, Unit, User
    from examapp.records.services import active_certificate
    from examapp.study.models import StudyAttendance, StudySession
    from examapp.uploads import stash
    from tests.exams.conftest import make_exam
    from tests.factories import make_user
    from tests.functional.world import practise_once
    from tests.records.conftest import finish_attempt

    far_town = db.session.scalar(select(Unit).where(Unit.name == "河口镇"))
    far1 = db.session.scalar(select(User).where(User.username == "far1"))
    far1.name = "远方学员"
    staff = {"farhr": make_user("farhr", far_town, "hr", scope_unit=far_town),
             "faradmin": make_user("faradmin", far_town, "unit_admin"),
             "farexam": make_user("farexam", far_town, "examiner")}
    exam = make_exam(SimpleNamespace(now=utcnow(), town=far_town), title="河口镇考试", max_attempts=3)
    done = finish_attempt(exam, far1, 95)
    db.session.commit()
    opened = attempts.start_attempt(exam, far1, utcnow())
    session = StudySession(unit_id=far_town.id, held_on=utcnow().date(), topic="河口镇学法",
                           recorded_by_id=staff["faradmin"].id)
    db.session.add(session)
    db.session.flush()
    db.session.add(StudyAttendance(session_id=session.id, user_id=far1.id))
    batch = ImportBatch(actor_id=staff["faradmin"].id, filename="河口镇.csv", user_ids=[far1.id])
    db.session.add(batch)
    db.session.commit()
    answer, entry = practise_once(SimpleNamespace(learner=far1), db.session.get(Question, world.question))
    return SimpleNamespace(
        done_attempt=done.id, open_attempt=opened.id, far1=far1.id, far_town=far_town.id, far_exam=exam.id,
        far_serial=active_certificate(far1.id, exam.id).serial, far_session=session.id, far_answer=answer,
        far_entry=entry, far_batch=batch.id, **{name: user.id for name, user in staff.items()},
        org_token=stash("姓名,身份证号\n".encode(), "河口镇.csv", staff["faradmin"].id),
        bank_token=staging.keep(staff["farexam"].id, b"code,stem\n", "bank.csv"), name=far1.name)


@pytest.fixture(scope="module")
def built(_schema):
    with built_world() as built:
        with built.app.app_context():
            built.foreign = build_foreign(built.world)
            built.foreign.world = built.world
            db.session.remove()
        yield built
        with built.app.app_context():
            from examapp.bank import staging

            staging.drop(built.foreign.farexam, built.foreign.bank_token)
            for suffix in (".bin", ".json"):
                os.remove(os.path.join(built.app.instance_path, "uploads", built.foreign.org_token + suffix))


def routes_with_objects(app) -> list:
    """(endpoint, method, rule) of every route whose path names an object someone owns."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in MATRIX and set(rule.arguments) & set(OWNED):
            found.append((rule.endpoint, MATRIX[rule.endpoint][0], rule.rule))
    return sorted(found)


def filled(rule: str, foreign, kind: str | None) -> str:
    """The rule's path with the foreign object of `kind` in its owned parameter (or a missing id when None)."""
    def value(match):
        name = match.group(1)
        if name in FIXED:
            return str(getattr(foreign.world, FIXED[name], FIXED[name]))
        if kind is None:
            return MISSING[name]
        return str(getattr(foreign, kind if kind in OWNED[name] else OWNED[name][0]))

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule)


def cases(app, foreign) -> list:
    """(endpoint, method, foreign path, missing path, foreign kind) for every object route and kind."""
    out = []
    for endpoint, method, rule in routes_with_objects(app):
        first = next(name for name in re.findall(r"<(?:\w+:)?(\w+)>", rule) if name in OWNED)
        for kind in OWNED[first]:
            out.append((endpoint, method, filled(rule, foreign, kind), filled(rule, foreign, None), kind))
    return out


def by_design(who: str, endpoint: str, kind: str) -> bool:
    """The role reaches this foreign object by design, not through a hole.

    Exams are not anyone's: a staff role that the access matrix lets use an exam route uses it on any exam
    (its rows are scoped, which the test checks). Examiners read any attempt's evidence. The system admin
    reaches every person, unit, attempt, certificate, study session and import. Personal things and the
    owner's attempt routes are nobody else's.
    """
    if endpoint in OWNER_ONLY or kind in PERSONAL:
        return False
    if kind == "far_exam":
        return who not in ("anonymous", "cadre1", "grid1") and MATRIX[endpoint][1][WHO.index(who)] < 400
    if who == "examiner":
        return endpoint == "exams.evidence" and kind in ("done_attempt", "open_attempt")
    return who == "admin"


def fingerprint() -> dict:
    """Every row of every table that is not reference data, as a hash per table."""
    found = {}
    for table in db.metadata.sorted_tables:
        if table.info.get("reference") or table.name in UNWATCHED:
            continue
        rows = db.session.execute(select(table)).all()
        found[table.name] = hash(tuple(sorted(repr(tuple(row)) for row in rows)))
    return found


def page(response, path: str) -> bytes:
    """The body without what names the request itself (its address) or changes each time (tokens)."""
    return masked(response.get_data().replace(path.encode(), b"-"))


def call(client, endpoint: str, method: str, path: str):
    # buffered: a streamed download is read and closed within its request. Left unread (the admin's 200s), its
    # generator was closed by the garbage collector later, outside its request context, which Flask reports.
    if path.startswith("/api/"):
        return client.open(path, method=method, json=JSON.get(endpoint, {}) if method != "GET" else None,
                           buffered=True)
    return client.open(path, method=method, data=FORM if method != "GET" else None, buffered=True)


@pytest.mark.parametrize("who", WHO)
def test_s03_no_role_reaches_objects_it_does_not_own(built, who, monkeypatch):
    """0 of M cross-actor accesses succeed; not-yours answers as does-not-exist; 0 rows changed."""
    app, foreign = built.app, built.foreign
    problems, refused, scoped = [], 0, 0
    with app.app_context(), rolled_back(monkeypatch):
        client = app.test_client()
        if who != "anonymous":
            assert client.post("/login", data={"username": who, "password": PASSWORD}).status_code == 302
        before = fingerprint()
        for endpoint, method, path, missing, kind in cases(app, foreign):
            response = call(client, endpoint, method, path)
            status = response.status_code
            if by_design(who, endpoint, kind):
                if who in ("hr", "unitadmin") and status == 200 and foreign.name.encode() in response.get_data():
                    problems.append(f"{who} {method} {path}: shows {foreign.name} (out of scope)")
                scoped += 1
                client.get("/")  # show (and so drop) what it flashed, or the next page would carry it
            elif who == "anonymous":
                if not (status == 401 or (status == 302 and "/login" in response.headers["Location"])):
                    problems.append(f"{who} {method} {path}: {status}")
                refused += 1
            else:
                missing_response = call(client, endpoint, method, missing)
                absent = missing_response.status_code
                # An upload's token is opaque and random: its form may call a stranger's "expired" (422).
                refusals = (403, 404, 422) if kind in ("org_token", "bank_token") else (403, 404)
                if status not in refusals or status != absent:
                    problems.append(f"{who} {method} {path} ({kind}): {status}, for a missing id {absent}")
                elif page(response, path) != page(missing_response, missing):
                    problems.append(f"{who} {method} {path} ({kind}): another body than for a missing id")
                refused += 1
            after = fingerprint()
            changed = sorted(name for name in after if after[name] != before[name])
            if changed and not by_design(who, endpoint, kind):
                problems.append(f"{who} {method} {path}: rows changed in {changed}")
            before = after
    print(f"\nS-03 {who}: {refused} cross-actor calls refused, {scoped} by design (scope checked), "
          f"{len(problems)} problems")
    assert problems == [], "\n".join(problems)


def test_s03_every_object_route_is_in_the_idor_matrix(built):
    """A new route with an object id in its path joins the matrix by itself; its parameter must be known."""
    unknown = set()
    for rule in built.app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        unknown |= set(rule.arguments) - set(OWNED) - set(FIXED) - {"code", "filename"}
    assert unknown == set(), "say in OWNED (an object someone owns) or FIXED (no owner) what these are"
    assert len(routes_with_objects(built.app)) >= 40


def test_s03_a_paper_takes_no_foreign_question_or_option(built, monkeypatch):
    """cadre1's own open attempt: questions that are not on the paper (also as case sub-questions) and option
    letters that are not the question's are refused, and nothing is stored."""
    from examapp.exams.models import AttemptItem
    from examapp.org.models import User

    app = built.app
    with app.app_context(), rolled_back(monkeypatch):
        client = app.test_client()
        assert client.post("/login", data={"username": "cadre1", "password": PASSWORD}).status_code == 302
        exam = build_second_exam(db.session.get(User, built.world.learner))
        paper = client.post(f"/api/v1/exams/{exam}/attempts").get_json()
        attempt, on_paper = paper["attempt_id"], {q["id"] for q in paper["questions"]}
        single = next(q for q in paper["questions"] if q["type"] == "single")
        before = fingerprint()
        foreign = sorted(set(db.session.scalars(select(AttemptItem.question_id))) - on_paper)
        refused = []
        for question in foreign:
            for ref in (str(question), f"{question}-1"):
                refused.append(client.put(f"/api/v1/attempts/{attempt}/answers/{ref}", json={"answer": "A"}))
        for letter in ("E", "Z", "AA", ["A", "E"]):
            refused.append(client.put(f"/api/v1/attempts/{attempt}/answers/{single['id']}", json={"answer": letter}))
        assert [r.status_code for r in refused] == [404] * 2 * len(foreign) + [422] * 4
        assert fingerprint() == before
        print(f"\nS-03 foreign ids: {2 * len(foreign)} foreign question ids and 4 foreign options refused, 0 stored")


def build_second_exam(learner) -> int:
    """An exam for cadre1's town drawing single-choice questions (the bank has more than the paper takes)."""
    from tests.exams.conftest import make_exam

    exam = make_exam(SimpleNamespace(now=utcnow(), town=learner.unit.parent), title="第二场", blueprint=[
        {"variant": "default", "section": "单选", "type": "single", "count": 2, "points": "50"}])
    return exam.id


SCAN = 300  # ids scanned on each side of the caller's own


@pytest.mark.parametrize("path", ["/api/v1/attempts/{}", "/api/v1/people/{}", "/practice/feedback/{}"])
def test_s03_scanning_ids_finds_nothing_that_is_not_yours(built, monkeypatch, path):
    """grid1 walks the ids up to SCAN past its own: only its own person; every other id answers alike (no oracle)."""
    app = built.app
    with app.app_context(), rolled_back(monkeypatch):
        client = app.test_client()
        assert client.post("/login", data={"username": "grid1", "password": PASSWORD}).status_code == 302
        own = built.world.villager
        answers = {i: client.get(path.format(i)) for i in range(max(own - SCAN, 1), own + SCAN)}
        found = sorted(i for i, r in answers.items() if r.status_code != 404)
        bodies = {page(r, path.format(i)) for i, r in answers.items() if r.status_code == 404}
    assert found == ([own] if "people" in path else [])
    assert len(bodies) == 1
    print(f"\nS-03 scan {path}: {len(answers)} ids, {len(found)} reached (own only), one answer for the rest")
