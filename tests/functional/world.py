"""One small but complete world for the access matrix: people, the library, a bank, an exam with a
finished attempt and its certificate, an organised session and a case study."""

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select, update

from examapp.bank.models import Question
from examapp.db import utcnow
from examapp.extensions import db
from examapp.records.services import active_certificate
from examapp.study.loader import ensure_library
from examapp.study.models import CaseStudy, StudyAttendance, StudySession
from tests.exams.conftest import make_bank, make_exam
from tests.records.conftest import finish_attempt


def build_world(org) -> SimpleNamespace:
    report = ensure_library(utcnow())
    assert not report.errors, report.errors
    questions = make_bank()
    exam = make_exam(org)
    attempt = finish_attempt(exam, org.learner, 95)
    session = StudySession(unit_id=org.village_a.id, held_on=date.today(), topic="学习行政处罚法",
                           recorded_by_id=org.unitadmin.id)
    db.session.add(session)
    db.session.flush()
    db.session.add(StudyAttendance(session_id=session.id, user_id=org.villager.id))
    case = CaseStudy(code="matrix-case", title="无证执法案", scenario="某镇执法队员无证执法。", analysis="应持证上岗。")
    db.session.add(case)
    db.session.commit()
    cert = active_certificate(org.learner.id, exam.id)
    practice_answer, book_entry = practise_once(org, questions[0])
    return SimpleNamespace(question=questions[0].id, exam=exam.id, attempt=attempt.id, serial=cert.serial,
                           session=session.id, case=case.id, unit=org.village_a.id, office=org.office.id,
                           villager=org.villager.id, learner=org.learner.id, year=exam.year,
                           practice_answer=practice_answer, book_entry=book_entry)


def practise_once(org, question) -> tuple[int, int]:
    """cadre1 answers one public question wrong in practice: an answer to read and a book entry to remove."""
    from flask import current_app

    from examapp.bank.models import PUBLIC
    from examapp.practice.answering import answer_question
    from examapp.practice.book import entry_of
    from examapp.practice.pool import Filters
    from examapp.practice.serving import next_question

    question.visibility = PUBLIC
    with current_app.test_request_context():
        served, _set = next_question(org.learner, utcnow(), "filter", Filters(question=question.id))
        outcome = answer_question(org.learner, served.question.id, "D", utcnow())
    db.session.commit()
    return outcome.answer.id, entry_of(org.learner.id, question.id).id


def village_staff(org) -> dict:
    """Staff accounts inside the unit admin's subtree (东山村), keyed by account, as path parameters."""
    from tests.factories import make_user

    staff = {"vexam": make_user("vexam", org.village_a, "examiner"),
             "vhr": make_user("vhr", org.village_a, "hr", scope_unit=org.village_a),
             "vadmin": make_user("vadmin", org.village_a, "unit_admin"),
             "vsys": make_user("vsys", org.village_a, "admin")}
    db.session.commit()
    return {name: SimpleNamespace(learner=user.id) for name, user in staff.items()}


def untangle_bank() -> None:
    db.session.rollback()
    db.session.execute(update(Question).values(current_version_id=None))
    db.session.commit()


def case_ids() -> list[int]:
    return list(db.session.scalars(select(CaseStudy.id)))
