"""Words for people: what the audit log and roster history record, without codes or raw JSON."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..localtime import local_iso_text, parse_iso
from .nav import ROLE_LABELS, STATUS_LABELS

ROSTER_KINDS = {
    "joined": _l("Joined"), "edited": _l("Details changed"), "transferred": _l("Transferred"),
    "active": _l("Back to active"), "transferred_out": _l("Transferred out"), "retired": _l("Retired"),
    "exempt": _l("Exempted"),
}

ACTIONS = {
    "login": _l("Logged in"), "login_failed": _l("Log-in failed"),
    "login_refused_locked": _l("Log-in refused (locked)"),
    "logout": _l("Logged out"), "password_changed": _l("Password changed"), "password_reset": _l("Password reset"),
    "token_issued": _l("API token issued"), "sessions_ended": _l("Log-in sessions ended"),
    "role_changed": _l("Role changed"),
    "people_imported": _l("People imported"), "passwords_issued": _l("One-time passwords issued"),
    "bank.import": _l("Questions imported"), "bank.export": _l("Questions exported"),
    "bank.retire": _l("Question retired"),
    "bank.drafts": _l("Question drafts made from an article"),
    "bank.review_flagged": _l("Questions held for review after an amendment"),
    "bank.review_confirmed": _l("Review: question confirmed"), "bank.review_edited": _l("Review: question edited"),
    "exam.create": _l("Exam created"), "exam.publish": _l("Exam published"), "exam.unpublish": _l("Exam withdrawn"),
    "exam.override": _l("Exception granted"), "exam.regrade": _l("Exam regraded"),
    "certificate.download": _l("Certificate downloaded"), "certificate.zip": _l("Certificates downloaded (zip)"),
    "certificate.revoke": _l("Certificate revoked"), "certificate.reconcile": _l("Certificates reconciled"),
    "record.download": _l("Study record downloaded"), "report.download": _l("Report downloaded"),
    "promotion.download": _l("Promotion check downloaded"),
    "qualification.download": _l("Qualification list downloaded"),
    "study_requirement_set": _l("Study requirement set"), "study_session_recorded": _l("Organised study recorded"),
    "case_study_saved": _l("Case study saved"), "practice_settings_set": _l("Practice settings changed"),
    "exam.update": _l("Exam settings changed"), "bank.visibility": _l("Question visibility changed"),
    "bank.key_change": _l("Question key changed"), "rate_limited": _l("Refused: too many requests"),
    **{f"roster_{kind}": _l("Roster: %(change)s", change=label) for kind, label in ROSTER_KINDS.items()},
}

FIELDS = {
    "name": _l("Name"), "username": _l("Account"), "user": _l("Account"), "role": _l("Role"), "unit_id": _l("Unit"),
    "scope_unit_id": _l("Administers"), "position": _l("Position"), "rank": _l("Rank"), "phone": _l("Mobile"),
    "is_leader": _l("Leading cadre"), "is_grid_worker": _l("Grid worker"),
    "is_enforcement": _l("Law-enforcement officer"),
    "status": _l("Status"), "exempt_reason": _l("Exemption reason"), "reason": _l("Reason"), "from": _l("Before"),
    "to": _l("After"), "count": _l("Number"), "created": _l("Added"), "updated": _l("Updated"),
    "unchanged": _l("Unchanged"), "skipped": _l("Skipped"), "lacking_basis": _l("Without legal basis"),
    "format": _l("File type"), "law": _l("Law"), "old_law": _l("Previous version"), "new_law": _l("New version"),
    "title": _l("Title"), "report": _l("Report"), "exam_id": _l("Exam"), "year": _l("Year"),
    "per_unit": _l("One sheet per unit"), "only_absent": _l("Absent only"), "failures": _l("Failed attempts"),
    "locked_until": _l("Locked until"), "issued": _l("Issued"), "revoked": _l("Revoked"), "holder_id": _l("Holder"),
    "topic": _l("Topic"), "attendees": _l("Attendees"), "held_on": _l("Date"), "question": _l("Question"),
    "version": _l("Version"), "attempts": _l("Attempts"), "kind": _l("Kind"), "minutes": _l("Minutes"),
    "until": _l("Until"), "totals": _l("Totals"), "filters": _l("Filters"), "questions": _l("Questions"),
    "desired_retention": _l("Desired retention"), "before": _l("Before"), "after": _l("After"),
    "review": _l("Review number"), "people": _l("People concerned"), "override": _l("Override"),
    "warnings": _l("Warnings"), "sessions": _l("Sessions ended"), "tokens": _l("API tokens revoked"),
    "sessions_ended": _l("Sessions ended"), "tokens_revoked": _l("API tokens revoked"),
    "wait_seconds": _l("Next try allowed after (seconds)"),
    **{name: label for name, label in (  # exam settings (exam.update) and bank changes
        ("opens_at", _l("Opens")), ("closes_at", _l("Closes")), ("makeup_opens_at", _l("Make-up opens")),
        ("makeup_closes_at", _l("Make-up closes")), ("duration_minutes", _l("Duration (minutes)")),
        ("pass_mark", _l("Pass mark")), ("excellent_mark", _l("Excellent mark")),
        ("max_attempts", _l("Attempts allowed")), ("counted_rule", _l("Which attempt counts")),
        ("multiple_rule", _l("Multiple choice scoring")), ("partial_share", _l("Share for a correct subset")),
        ("review_policy", _l("Review policy")), ("review_shows_key", _l("Review shows the key")),
        ("counts_toward_record", _l("Counts toward the yearly record")),
        ("is_qualification", _l("Qualification exam")), ("certificate_valid_months", _l("Certificate valid (months)")),
        ("leave_policy", _l("Page-leave rule")), ("leave_limit", _l("Page leaves allowed")),
        ("audience", _l("Exam audience")), ("eligibility", _l("Eligibility")),
        ("is_kept_out_of_practice", _l("Kept out of practice while open")),
        ("allows_public_questions", _l("Allows public questions")), ("published", _l("Published")),
        ("visibility", _l("Visibility")), ("answer", _l("Key")), ("method", _l("Request")),
        ("limit", _l("Limit")))},
}
# Stored codes of exam settings and question visibility, as people read them.
VALUE_LABELS = {
    "after_submit": _l("After submitting"), "after_close": _l("After the window closes"), "never": _l("Never"),
    "highest": _l("Highest score"), "latest": _l("Latest attempt"), "all_or_nothing": _l("All or nothing"),
    "partial": _l("Partial credit"), "public": _l("Public"), "confidential": _l("Confidential"),
}
CODED_FIELDS = ("review_policy", "counted_rule", "multiple_rule", "visibility")

VERSION_NOTES = {"created": _l("Created"), "edited": _l("Edited"), "imported": _l("Imported"),
                 "api": _l("Changed through the API"), "amendment confirmed": _l("Confirmed after an amendment"),
                 "edited after amendment": _l("Edited after an amendment")}

TARGET_KINDS = {"exam": _l("Exam"), "year": _l("Year"), "case": _l("Case study"), "import": _l("Import batch"),
                "study_session": _l("Organised study"), "practice": _l("Practice")}


@dataclass
class Line:
    """One readable line of an event's details."""

    label: str
    text: str


def action_label(code: str) -> str:
    """Return what an audit action means, in the reader's language."""
    return str(ACTIONS[code]) if code in ACTIONS else _("Other event (%(code)s)", code=code)


def roster_kind_label(kind: str) -> str:
    return str(ROSTER_KINDS.get(kind, kind))


def version_note(note: str) -> str:
    """Return how a question version came to be (notes are stored as codes)."""
    return str(VERSION_NOTES.get(note, note or ""))


def field_label(key: str) -> str:
    return str(FIELDS[key]) if key in FIELDS else key


def target_text(target: str) -> str:
    """Return 'exam:12' as 考试 12; account names and codes stay as they are."""
    kind, _sep, rest = (target or "").partition(":")
    if rest and kind in TARGET_KINDS:
        return f"{TARGET_KINDS[kind]} {rest}" if rest != "settings" else str(TARGET_KINDS[kind])
    return target or ""


def unit_names(ids: set[int]) -> dict[int, str]:
    from ..org.models import Unit

    if not ids:
        return {}
    return dict(db.session.execute(select(Unit.id, Unit.full_name).where(Unit.id.in_(ids))).all())


def value_text(key: str, value, units: dict[int, str]) -> str:
    """Return one recorded value as people read it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in ("unit_id", "scope_unit_id") and isinstance(value, int):
        return units.get(value, str(value))
    if key in ("role", "from", "to") and isinstance(value, str) and value in ROLE_LABELS:
        return str(ROLE_LABELS[value])
    if key == "status" and isinstance(value, str) and value in STATUS_LABELS:
        return str(STATUS_LABELS[value])
    if key in CODED_FIELDS and isinstance(value, str) and value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    if isinstance(value, str) and parse_iso(value):
        return local_iso_text(value)
    if isinstance(value, dict):
        return "；".join(f"{field_label(k)}: {value_text(k, v, units)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(value_text(key, v, units) for v in value)
    return str(value)


def changes(before: dict, after: dict, units: dict[int, str]) -> list[Line]:
    """Return 'field: old → new' lines for a before/after pair."""
    keys = list(dict.fromkeys([*before, *after]))
    return [Line(field_label(k), _("%(old)s → %(new)s", old=value_text(k, before.get(k), units),
                                   new=value_text(k, after.get(k), units)) if k in before
                 else value_text(k, after.get(k), units)) for k in keys]


def unit_ids_in(*mappings: dict) -> set[int]:
    found = set()
    for mapping in mappings:
        for key in ("unit_id", "scope_unit_id"):
            if isinstance(mapping.get(key), int):
                found.add(mapping[key])
    return found


def detail_lines(detail: dict, units: dict[int, str]) -> list[Line]:
    """Return an audit event's details as labelled lines (before/after as changes)."""
    detail = detail if isinstance(detail, dict) else {"": detail}
    lines = []
    if isinstance(detail.get("before"), dict) and isinstance(detail.get("after"), dict):
        lines = changes(detail["before"], detail["after"], units)
    for key, value in detail.items():
        if key in ("before", "after") and lines:
            continue
        if value in (None, "", [], {}):
            continue
        lines.append(Line(field_label(key), value_text(key, value, units)))
    return lines


def describe_events(events) -> dict[int, list[Line]]:
    """Return each event's detail lines, looking every unit named up once."""
    ids: set[int] = set()
    for e in events:
        d = e.detail if isinstance(e.detail, dict) else {}
        ids |= unit_ids_in(d, d.get("before") or {}, d.get("after") or {})
    units = unit_names(ids)
    return {e.id: detail_lines(e.detail, units) for e in events}


def describe_roster(history) -> dict[int, list[Line]]:
    """Return each roster change's before → after lines."""
    ids: set[int] = set()
    for c in history:
        ids |= unit_ids_in(c.before or {}, c.after or {})
    units = unit_names(ids)
    return {c.id: changes(c.before or {}, c.after or {}, units) for c in history}
