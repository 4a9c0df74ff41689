"""Learners' error reports (纠错): scope, rate limit, filing, the examiners' queue and resolution."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import audit
from ..errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from ..extensions import db
from .models import (
    REPORT_DISMISSED,
    REPORT_FIXED,
    REPORT_OPEN,
    REPORT_REASONS,
    REPORT_SOURCES,
    Question,
    QuestionReport,
    QuestionVersion,
)

REPORTS_PER_DAY = 10  # per person, over the last 24 hours: enough for honest use, too few to flood the queue
REASON_LABELS = {"key": _l("The answer key is wrong"), "explanation": _l("The explanation is wrong"),
                 "stem": _l("The question is unclear or ambiguous"), "basis": _l("The cited article is wrong"),
                 "other": _l("Something else")}
STATUS_LABELS = {REPORT_OPEN: _l("Waiting for an examiner"), REPORT_FIXED: _l("Fixed"),
                 REPORT_DISMISSED: _l("Dismissed")}


class TooMany(DomainError):
    status, code = 429, "too_many_requests"


def shown_version(user, question_id: int, source: str, attempt_id: int | None, now: datetime) -> QuestionVersion:
    """The version this person was shown with its key (practice feedback or exam review); raise otherwise."""
    if source not in REPORT_SOURCES:
        raise Invalid(_("Unknown place of the report."))
    version_id = practice_version(user, question_id) if source == "practice" else \
        exam_version(user, question_id, attempt_id, now)
    version = db.session.get(QuestionVersion, version_id) if version_id else None
    if version is None:
        raise NotFound(_("You can report only questions you have answered in practice or seen in an exam review."))
    return version


def practice_version(user, question_id: int) -> int | None:
    from ..practice.models import PracticeAnswer

    return db.session.scalar(select(PracticeAnswer.version_id).where(
        PracticeAnswer.user_id == user.id, PracticeAnswer.question_id == question_id)
        .order_by(PracticeAnswer.id.desc()).limit(1))


def exam_version(user, question_id: int, attempt_id: int | None, now: datetime) -> int | None:
    from ..exams.models import Attempt
    from ..exams.present import review_level, withheld_questions

    attempt = db.session.get(Attempt, attempt_id) if attempt_id else None
    if attempt is None or attempt.user_id != user.id:
        return None
    if review_level(attempt.exam, attempt, user, now) == "none" or question_id in withheld_questions(
            attempt, user, now):  # a confidential question stays unseen until no one can still answer it
        raise Forbidden(_("This exam's review is not shown yet, so its questions cannot be reported."))
    item = next((i for i in attempt.items if i.question_id == question_id), None)
    return (item.graded_version_id or item.question_version_id) if item else None


def file_report(user, version: QuestionVersion, source: str, attempt_id: int | None, reason: str, detail: str,
                now: datetime) -> QuestionReport:
    """Record one report, at most one open per person and question and REPORTS_PER_DAY a day (flushes)."""
    if reason not in REPORT_REASONS:
        raise Invalid(_("Choose what is wrong with the question."))
    detail = (detail or "").strip()
    if len(detail) > 500:
        raise Invalid(_("Describe the problem in at most 500 characters."))
    if reason == "other" and not detail:
        raise Invalid(_("Say what is wrong when you choose “something else”."))
    if open_report(user.id, version.question_id) is not None:
        raise Conflict(_("You have already reported this question; an examiner will reply."))
    recent = db.session.scalar(select(func.count(QuestionReport.id)).where(
        QuestionReport.user_id == user.id, QuestionReport.created_at > now - timedelta(days=1)))
    if recent >= REPORTS_PER_DAY:
        raise TooMany(_("You have sent %(n)s reports in the last 24 hours; please try again tomorrow.",
                        n=REPORTS_PER_DAY))
    report = QuestionReport(question_id=version.question_id, version_id=version.id, user_id=user.id, source=source,
                            attempt_id=attempt_id if source == "exam" else None, reason=reason, detail=detail,
                            status=REPORT_OPEN, reply="", created_at=now)
    db.session.add(report)
    db.session.flush()
    return report


def open_report(user_id: int, question_id: int) -> QuestionReport | None:
    return db.session.scalar(select(QuestionReport).where(
        QuestionReport.user_id == user_id, QuestionReport.question_id == question_id,
        QuestionReport.status == REPORT_OPEN).limit(1))


def my_reports(user) -> list[QuestionReport]:
    return list(db.session.scalars(select(QuestionReport).where(QuestionReport.user_id == user.id)
                                   .order_by(QuestionReport.created_at.desc(), QuestionReport.id.desc())))


def queue() -> list[tuple[Question, int, datetime]]:
    """Questions with open reports: the question, how many, and the oldest report's time (most reported first)."""
    stmt = select(QuestionReport.question_id, func.count(QuestionReport.id), func.min(QuestionReport.created_at)) \
        .where(QuestionReport.status == REPORT_OPEN).group_by(QuestionReport.question_id)
    rows = [(db.session.get(Question, qid), n, first) for qid, n, first in db.session.execute(stmt)]
    return sorted(rows, key=lambda row: (-row[1], row[2]))


def reports_of(question: Question) -> list[QuestionReport]:
    return list(db.session.scalars(select(QuestionReport).where(QuestionReport.question_id == question.id)
                                   .order_by(QuestionReport.status != REPORT_OPEN, QuestionReport.id)))


def resolve(question: Question, action: str, reply: str, actor, now: datetime) -> list[QuestionReport]:
    """Close every open report of a question as fixed (a newer version exists) or dismissed (flushes)."""
    reply = (reply or "").strip()
    if action not in (REPORT_FIXED, REPORT_DISMISSED):
        raise Invalid(_("Choose to mark the question fixed or to dismiss the reports."))
    if len(reply) > 1000:
        raise Invalid(_("Keep the reply within 1,000 characters."))
    if action == REPORT_DISMISSED and not reply:
        raise Invalid(_("Tell the learners why the reports are not accepted."))
    reports = [r for r in reports_of(question) if r.status == REPORT_OPEN]
    if not reports:
        raise Conflict(_("This question has no open reports."))
    if action == REPORT_FIXED and any(r.version_id == question.current_version_id for r in reports):
        raise Conflict(_("Edit the question first: the reports are about its current version."))
    for report in reports:
        report.status, report.reply, report.resolved_at = action, reply, now
        report.resolved_by_id = actor.id
        report.fixed_version_id = question.current_version_id if action == REPORT_FIXED else None
    audit.record(f"bank.report_{action}", actor=actor, target=question.code, now=now,
                 detail={"reports": len(reports), "version_id": question.current_version_id})
    db.session.flush()
    return reports
