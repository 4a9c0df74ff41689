"""学法档案 at province size: the same figures as the per-piece rules, in a fixed number of statements
(a page opened often cannot add a query per exam; each statement is a round trip)."""

from datetime import date

import pytest
from sqlalchemy import select

from examapp.exams.audience import in_audience
from examapp.extensions import db
from examapp.records import dossier
from examapp.study import credits
from examapp.study.models import StudyAttendance, StudySession

from .conftest import finish_attempt, make_exam


@pytest.fixture
def year(org):
    """Four exams for different units (one the learner is outside of), two sessions attended, a retake."""
    org.learner.is_leader = True
    exams = [make_exam(title="宪法考试", audience={"unit_ids": [org.town.id]}),
             make_exam(title="民法典考试", audience={"unit_ids": [org.other_town.id, org.office.id]}),
             make_exam(title="行政法考试", audience={"unit_ids": [org.other_town.id]}),
             make_exam(title="安全生产法考试", audience={})]
    finish_attempt(exams[0], org.learner, 55)
    finish_attempt(exams[0], org.learner, 81, number=2)
    finish_attempt(exams[2], org.learner, 92)  # not required: took part anyway
    for day, hours in ((date(2026, 3, 2), 2.5), (date(2026, 6, 9), 1.25)):
        session = StudySession(unit_id=org.office.id, held_on=day, topic="集中学法", hours=hours)
        db.session.add(session)
        db.session.flush()
        db.session.add(StudyAttendance(session_id=session.id, user_id=org.learner.id))
    db.session.commit()
    return org


def test_the_dossier_equals_the_rules_piece_by_piece(year):
    person = year.learner
    got = dossier.build(person, 2026)
    assert got.progress == credits.yearly_progress(person, 2026)
    assert got.progress.sessions == 2 and got.progress.hours >= 3.75
    assert got.leader == credits.leader_sessions(person, 2026)
    assert [s.id for s in got.sessions] == [s.id for s in credits.sessions_of(person, 2026)]
    from examapp.exams.models import Exam

    exams = {e.id: e for e in db.session.scalars(select(Exam))}
    assert {(line.title, line.required) for line in got.exams} == {
        (e.title, in_audience(e, person)) for e in exams.values()
        if in_audience(e, person) or e.title in ("宪法考试", "行政法考试")}
    lines = {line.title: line for line in got.exams}
    assert (lines["宪法考试"].score, lines["宪法考试"].attempts, lines["宪法考试"].passed) == (81.0, 2, True)
    assert (lines["行政法考试"].required, lines["行政法考试"].excellent) == (False, True)


def test_the_dossier_takes_the_same_statements_however_many_exams(year, statements):
    person = year.learner
    _ = person.unit  # loaded by the page's access check before the dossier is built
    statements.clear()
    dossier.build(person, 2026)
    assert len(statements) <= 10, "\n".join(statements)
