"""The exam_results summary: each person's counted result per exam, kept in step with the attempts.

Attempt.record_result (finish and regrade alike) calls refresh(); a change of the counted rule recounts the
people of the exam who finished more than one attempt; `flask exams rebuild-results` rebuilds everything from the
attempts in one set-based statement.
"""

from sqlalchemy import case, delete, func, insert, literal_column, select, update

from ..extensions import db
from .models import FINISHED, Attempt, Exam, ExamResult
from .queries import counted_attempt_of


def refresh(exam: Exam, user_id: int) -> None:
    """Recompute one person's row from their finished attempts of the exam (flushes)."""
    counted = counted_attempt_of(exam, user_id)
    row = db.session.get(ExamResult, (exam.id, user_id))
    if counted is None:
        if row is not None:
            db.session.delete(row)
        return
    finished = db.session.scalar(select(func.count(Attempt.id)).where(
        Attempt.exam_id == exam.id, Attempt.user_id == user_id, Attempt.state == FINISHED))
    if row is None:
        row = ExamResult(exam_id=exam.id, user_id=user_id)
        db.session.add(row)
    row.attempt_id, row.attempts, row.finished_at = counted.id, finished, counted.finished_at
    row.score, row.max_score, row.passed, row.excellent = (counted.score, counted.max_score, bool(counted.passed),
                                                            bool(counted.excellent))
    db.session.flush()


def ranked_stmt(exam_id: int | None = None):
    """Every finished attempt with its rank under its exam's counted rule and the person's finished count."""
    latest = Exam.counted_rule == "latest"
    order = [case((latest, -Attempt.number), else_=0),
             case((latest, 0), else_=func.coalesce(Attempt.score, -1)).desc(), Attempt.number]
    person = (Attempt.exam_id, Attempt.user_id)
    stmt = (select(Attempt.exam_id, Attempt.user_id, Attempt.id, Attempt.score, Attempt.max_score, Attempt.passed,
                   Attempt.excellent, Attempt.finished_at,
                   func.row_number().over(partition_by=person, order_by=order).label("rank"),
                   func.count().over(partition_by=person).label("finished"))
            .join(Exam, Exam.id == Attempt.exam_id).where(Attempt.state == FINISHED))
    return stmt.where(Attempt.exam_id == exam_id) if exam_id is not None else stmt


RESULT_COLUMNS = ("exam_id", "user_id", "attempt_id", "attempts", "score", "max_score", "passed", "excellent",
                  "finished_at")


def direct_stmt(exam_id: int | None = None, users=None):
    """What exam_results should hold, computed from the attempts, its columns named as exam_results' (the rebuild,
    the recount and their tests use this); users, a select of user ids, keeps only their rows."""
    ranking = ranked_stmt(exam_id)
    ranked = (ranking.where(Attempt.user_id.in_(users)) if users is not None else ranking).subquery()
    false = literal_column("false")
    return select(ranked.c.exam_id, ranked.c.user_id, ranked.c.id.label("attempt_id"),
                  ranked.c.finished.label("attempts"), ranked.c.score, ranked.c.max_score,
                  func.coalesce(ranked.c.passed, false).label("passed"),
                  func.coalesce(ranked.c.excellent, false).label("excellent"),
                  ranked.c.finished_at).where(ranked.c.rank == 1)


def recount(exam_id: int) -> int:
    """After the exam's counted rule changed: point the rows of people with more than one finished attempt at the
    attempt the rule now counts; return the rows rewritten (flushes).

    Only they can change: with one finished attempt every rule counts it, with none there is no row. A province's
    exam holds a million rows, nearly all of one attempt, which the full rebuild would delete and write again in
    the examiner's request.
    """
    db.session.flush()
    several = select(ExamResult.user_id).where(ExamResult.exam_id == exam_id, ExamResult.attempts > 1)
    counted = direct_stmt(exam_id, users=several).subquery()
    result = db.session.execute(
        update(ExamResult)
        .where(ExamResult.exam_id == counted.c.exam_id, ExamResult.user_id == counted.c.user_id)
        .values({name: counted.c[name] for name in RESULT_COLUMNS[2:]})
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    return result.rowcount


def rebuild(exam_id: int | None = None) -> int:
    """Recompute exam_results (one exam, or all) from the attempts; return the rows written (flushes)."""
    db.session.flush()
    gone = delete(ExamResult)
    db.session.execute(gone.where(ExamResult.exam_id == exam_id) if exam_id is not None else gone)
    db.session.execute(insert(ExamResult.__table__).from_select(list(RESULT_COLUMNS), direct_stmt(exam_id)))
    db.session.expire_all()
    written = select(func.count()).select_from(ExamResult)  # rowcount is not reported for INSERT … SELECT
    return db.session.scalar(written.where(ExamResult.exam_id == exam_id) if exam_id is not None else written)
