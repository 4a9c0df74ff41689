"""Examiner services: exams, blueprint rules, the publish check, overrides (all take `now`)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..org.models import User
from .bank_source import rule_pool
from .draw import RULE_FILTERS, VARIANTS, variants_present
from .models import IN_PROGRESS, LEAVE_POLICIES, OVERRIDE_KINDS, Attempt, Exam, ExamOverride
from .publish_check import audience_problems, mark_problems
from .queries import counted_attempt  # noqa: F401  (re-exported for reports and records)

EXAM_FIELDS = ("title", "year", "opens_at", "closes_at", "makeup_opens_at", "makeup_closes_at", "duration_minutes",
               "pass_mark", "excellent_mark", "max_attempts", "counted_rule", "multiple_rule", "partial_share",
               "review_policy", "review_shows_key", "counts_toward_record", "is_qualification",
               "certificate_valid_months", "leave_policy", "leave_limit", "audience", "eligibility",
               "is_kept_out_of_practice", "allows_public_questions")

# 50 questions, 100 points: the yearly exam's default paper.
DEFAULT_BLUEPRINT = [
    {"variant": "default", "section": "单项选择题", "type": "single", "count": 20, "points": "2"},
    {"variant": "default", "section": "多项选择题", "type": "multiple", "count": 10, "points": "3"},
    {"variant": "default", "section": "判断题", "type": "true_false", "count": 15, "points": "1"},
    {"variant": "default", "section": "填空题", "type": "blank", "count": 5, "points": "3"},
]


def create_exam(data: dict, actor: User, now: datetime) -> Exam:
    """Create a draft exam with the default paper (flushes)."""
    exam = Exam(created_by_id=actor.id, created_at=now, updated_at=now, blueprint=[dict(r) for r in DEFAULT_BLUEPRINT])
    apply_settings(exam, data, now)
    db.session.add(exam)
    db.session.flush()
    record("exam.create", actor=actor, target=f"exam:{exam.id}", now=now,
           detail={"title": exam.title, "allows_public_questions": bool(exam.allows_public_questions)})
    return exam


def audit_value(value):
    """A setting as the audit log keeps it (JSON: times as ISO 8601, exact marks as strings)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def setting_changes(exam: Exam, data: dict) -> tuple[dict, dict]:
    """Return the settings the data would change: ({field: before}, {field: after})."""
    changed = [name for name in EXAM_FIELDS if name in data and getattr(exam, name) != data[name]]
    return ({name: audit_value(getattr(exam, name)) for name in changed},
            {name: audit_value(data[name]) for name in changed})


def update_exam(exam: Exam, data: dict, actor: User, now: datetime) -> Exam:
    """Apply the settings and audit every change with its before and after (results may depend on them)."""
    before, after = setting_changes(exam, data)
    apply_settings(exam, data, now)
    if "counted_rule" in after:
        from .results import recount

        recount(exam.id)  # another attempt may count now
    if after:
        record("exam.update", actor=actor, target=f"exam:{exam.id}", now=now,
               detail={"published": exam.is_published, "before": before, "after": after})
    return exam


def apply_settings(exam: Exam, data: dict, now: datetime) -> Exam:
    """Apply the settings after checking that they fit together."""
    for name in EXAM_FIELDS:
        if name in data:
            setattr(exam, name, data[name])
    if exam.closes_at <= exam.opens_at:
        raise Invalid(_("The window must close after it opens."), code="bad_window")
    if bool(exam.makeup_opens_at) != bool(exam.makeup_closes_at) or (
            exam.makeup_opens_at and (exam.makeup_closes_at <= exam.makeup_opens_at
                                      or exam.makeup_opens_at < exam.closes_at)):
        raise Invalid(_("The make-up window must open after the main window closes and close after it opens."),
                      code="bad_makeup_window")
    if Decimal(exam.excellent_mark) < Decimal(exam.pass_mark):
        raise Invalid(_("The excellent mark cannot be below the pass mark."), code="bad_marks")
    check_leave_policy(exam)
    exam.updated_at = now
    return exam


def check_leave_policy(exam: Exam) -> None:
    """A policy from the list; "submit" needs the number of leaves allowed, the others keep none."""
    if exam.leave_policy not in LEAVE_POLICIES:
        raise Invalid(_("Choose what happens when a learner leaves the exam page."), code="bad_leave_policy")
    if exam.leave_policy != "submit":
        exam.leave_limit = None
    elif exam.leave_limit is None or not 1 <= int(exam.leave_limit) <= 100:
        raise Invalid(_("Say how many leaves (1 to 100) are allowed before the paper is submitted."),
                      code="bad_leave_limit")


def clean_rule(data: dict) -> dict:
    """Keep a rule's known fields; check count, points and variant."""
    rule = {name: data.get(name) for name in RULE_FILTERS if data.get(name) not in (None, "")}
    rule["variant"] = data.get("variant") or "default"
    rule["section"] = (data.get("section") or "").strip()[:120]
    try:
        rule["count"] = int(data["count"])
        points = Decimal(str(data["points"]))
    except (KeyError, ValueError, ArithmeticError):
        raise Invalid(_("Each rule needs a number of questions and points per question."), code="bad_rule") from None
    if rule["variant"] not in VARIANTS or not 1 <= rule["count"] <= 200 or not Decimal(0) < points <= 100:
        raise Invalid(_("Each rule needs a number of questions and points per question."), code="bad_rule")
    rule["points"] = format(points.quantize(Decimal("0.01")).normalize(), "f")
    return rule


def ensure_draft(exam: Exam) -> None:
    """The paper changes only while the exam is a draft (papers already drawn must stay comparable)."""
    if exam.is_published:
        raise Conflict(_("Take the exam back to draft before changing its paper."), code="published")


def add_rule(exam: Exam, data: dict, actor: User, now: datetime) -> None:
    ensure_draft(exam)
    exam.blueprint = [*(exam.blueprint or []), clean_rule(data)]
    exam.updated_at = now


def remove_rule(exam: Exam, index: int, actor: User, now: datetime) -> None:
    ensure_draft(exam)
    rules = list(exam.blueprint or [])
    if not 0 <= index < len(rules):
        raise Invalid(_("No such rule."))
    del rules[index]
    exam.blueprint, exam.updated_at = rules, now


@dataclass
class RuleCheck:
    index: int
    rule: dict
    available: int
    needed: int
    public: int = 0  # matching public questions this exam may not draw (it allows confidential ones only)

    @property
    def ok(self) -> bool:
        return self.available >= self.needed


def variant_totals(exam: Exam) -> dict[str, tuple[int, Decimal]]:
    """Questions and points per paper variant."""
    totals = {}
    for variant in variants_present(exam.blueprint or []):
        rules = [r for r in exam.blueprint if r.get("variant", "default") == variant]
        totals[variant] = (sum(int(r["count"]) for r in rules),
                           sum((Decimal(str(r["points"])) * int(r["count"]) for r in rules), Decimal(0)))
    return totals


def check_blueprint(exam: Exam) -> list[RuleCheck]:
    """Count each rule's pool in the active bank; earlier overlapping rules may take some of it."""
    checks = []
    for variant in variants_present(exam.blueprint or []):
        pools: list[tuple[dict, set[int]]] = []
        for index, rule in enumerate(exam.blueprint):
            if rule.get("variant", "default") != variant:
                continue
            pool = set(rule_pool(rule, exam.allows_public_questions))
            public = 0 if exam.allows_public_questions else len(rule_pool(rule, True)) - len(pool)
            # What earlier rules of the same paper could take from this pool.
            taken = sum(min(int(r["count"]), len(pool & p)) for r, p in pools)
            checks.append(RuleCheck(index, rule, len(pool) - taken, int(rule["count"]), public))
            pools.append((rule, pool))
    return checks


def short_rule(check: RuleCheck) -> str:
    section = check.rule.get("section") or _("rule %(n)s", n=check.index + 1)
    return _("%(section)s needs %(needed)s questions, the bank can give %(available)s", section=section,
             needed=check.needed, available=max(check.available, 0))


def publish(exam: Exam, actor: User, now: datetime) -> list[RuleCheck]:
    """Publish when every rule can be filled from active questions not under review (confidential by default)."""
    checks = check_blueprint(exam)
    if not checks:
        raise Conflict(_("Add at least one rule to the paper before publishing."), code="empty_blueprint")
    if short := [c for c in checks if not c.ok]:
        rules = "；".join(short_rule(c) for c in short)
        if not exam.allows_public_questions:
            raise Conflict(_("The bank does not hold enough confidential questions: %(rules)s. Add or import "
                             "confidential questions, or allow public questions for this exam.", rules=rules),
                           code="bank_short")
        raise Conflict(_("The question bank cannot fill every rule: %(rules)s. Add questions or change the rules.",
                         rules=rules), code="bank_short")
    if "default" not in variants_present(exam.blueprint):
        raise Conflict(_("The paper needs rules for everyone (the default paper)."), code="no_default_paper")
    if problems := mark_problems(exam, variant_totals(exam)):
        raise Conflict(" ".join(problems), code="marks_out_of_reach")
    if problems := audience_problems(exam):
        raise Conflict(" ".join(problems), code="empty_audience")
    exam.status, exam.published_at, exam.updated_at = "published", now, now
    record("exam.publish", actor=actor, target=f"exam:{exam.id}",
           detail={"totals": {k: [n, str(p)] for k, (n, p) in variant_totals(exam).items()},
                   "allows_public_questions": bool(exam.allows_public_questions)}, now=now)
    return checks


def unpublish(exam: Exam, actor: User, now: datetime) -> None:
    exam.status, exam.updated_at = "draft", now
    record("exam.unpublish", actor=actor, target=f"exam:{exam.id}", now=now)


def grant_override(exam: Exam, person: User, kind: str, reason: str, actor: User, now: datetime, *,
                   minutes: int = 0, until_at: datetime | None = None) -> ExamOverride:
    """Grant extra time, an extra attempt or a reopened window, with a reason (audited)."""
    reason = (reason or "").strip()
    if kind not in OVERRIDE_KINDS or not reason:
        raise Invalid(_("Choose a kind and give a reason."), code="bad_override")
    if (kind == "extra_time" and not 1 <= minutes <= 600) or (kind == "reopen" and (not until_at or until_at <= now)):
        raise Invalid(_("Give the extra minutes, or a reopen date in the future."), code="bad_override")
    grant = ExamOverride(exam_id=exam.id, user_id=person.id, kind=kind, minutes=minutes if kind == "extra_time" else 0,
                         until_at=until_at if kind == "reopen" else None, reason=reason[:1000],
                         granted_by_id=actor.id, granted_at=now)
    db.session.add(grant)
    if kind == "extra_time":
        # An attempt already running gets the time too.
        running = db.session.scalar(select(Attempt).where(
            Attempt.exam_id == exam.id, Attempt.user_id == person.id, Attempt.state == IN_PROGRESS)
            .with_for_update())
        if running is not None:
            running.deadline_at = running.deadline_at + timedelta(minutes=minutes)
    db.session.flush()
    record("exam.override", actor=actor, target=f"exam:{exam.id}",
           detail={"user": person.username, "kind": kind, "minutes": grant.minutes,
                   "until": until_at.isoformat() if grant.until_at else None, "reason": grant.reason}, now=now)
    return grant


def exam_overrides(exam: Exam) -> list[ExamOverride]:
    return list(db.session.scalars(select(ExamOverride).where(ExamOverride.exam_id == exam.id)
                                   .order_by(ExamOverride.granted_at.desc())))
