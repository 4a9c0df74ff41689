"""The report lines read from exam_results equal the lines of the direct query over the attempts (the
one every export used before the summary), for every viewer, unit filter, absent list and after a
revocation; the CSV route streams exactly those lines."""

import csv
import io

import pytest
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from examapp.exams.audience import audience_clause
from examapp.exams.models import FINISHED, Attempt
from examapp.extensions import db
from examapp.org.models import Unit, User
from examapp.permissions import restrict_to_scope
from examapp.records.models import Certificate
from examapp.reports import queries
from tests.records.conftest import finish_attempt


def direct_rows(exam, viewer, unit=None, only_absent=False) -> list[tuple]:
    """Reference: each person's counted attempt looked up in the attempts, as the reports did before."""
    order = ([Attempt.number.desc()] if exam.counted_rule == "latest"
             else [Attempt.score.desc().nulls_last(), Attempt.number])
    mine = (Attempt.exam_id == exam.id, Attempt.user_id == User.id, Attempt.state == FINISHED)
    counted_id = select(Attempt.id).where(*mine).order_by(*order).limit(1).correlate(User).scalar_subquery()
    count = select(func.count(Attempt.id)).where(*mine).correlate(User).scalar_subquery()
    serial = (select(Certificate.serial).where(Certificate.user_id == User.id, Certificate.exam_id == exam.id,
                                               Certificate.revoked_at.is_(None))
              .order_by(Certificate.id).limit(1).correlate(User).scalar_subquery())
    counted, required = aliased(Attempt), audience_clause(exam)
    stmt = (select(User.id, required, count, counted.score, counted.max_score, counted.passed, counted.excellent,
                   counted.finished_at, serial)
            .join(Unit, User.unit_id == Unit.id).outerjoin(counted, counted.id == counted_id)
            .where(or_(required, counted.id.is_not(None))))
    if only_absent:
        stmt = stmt.where(required, counted.id.is_(None))
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path))
    stmt = restrict_to_scope(stmt, viewer).order_by(queries.path_order(), User.name, User.id)
    return [(r[0], bool(r[1]), int(r[2] or 0), None if r[3] is None else float(r[3]),
             None if r[4] is None else float(r[4]), bool(r[5]), bool(r[6]), r[7], r[8])
            for r in db.session.execute(stmt)]


def summary_rows(exam, viewer, unit=None, only_absent=False) -> list[tuple]:
    return [(r.user_id, r.required, r.attempts, r.score, r.max_score, r.passed, r.excellent, r.finished_at,
             r.serial) for r in queries.exam_rows(exam, viewer, unit, only_absent=only_absent)]


@pytest.mark.parametrize("who, where, absent", [("admin", None, False), ("hr", None, False),
                                                ("unitadmin", None, False), ("admin", "village_a", False),
                                                ("admin", None, True)])
def test_lines_equal_the_direct_query(results, who, where, absent):
    org = results.org
    viewer, unit = getattr(org, who), getattr(org, where) if where else None
    got = summary_rows(results.exam, viewer, unit, absent)
    assert got == direct_rows(results.exam, viewer, unit, absent)
    assert got or who == "unitadmin" and absent


def test_lines_follow_a_revocation_and_a_second_certificate(results, login):
    from examapp.records.services import revoke

    org, exam = results.org, results.exam
    first = db.session.scalar(select(Certificate).where(Certificate.user_id == org.learner.id))
    finish_attempt(exam, org.learner, 97, number=2)  # a better attempt: the counted one changes
    revoke(first, actor=org.admin, reason="信息有误", now=org.now)
    db.session.commit()
    assert summary_rows(exam, org.admin) == direct_rows(exam, org.admin)
    response = login(org.hr).get(f"/reports/exams/{exam.id}/download?format=csv")
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1:]
    assert [line[1] for line in lines] == [db.session.get(User, r[0]).username
                                          for r in direct_rows(exam, org.hr)]
    mine = next(line for line in lines if line[1] == org.learner.username)
    assert mine[6:8] == ["2", "97.0"] and mine[-1] != first.serial
