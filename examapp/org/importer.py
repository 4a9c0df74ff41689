"""Bulk people import from .xlsx/.csv: parse, validate every row, then write all or nothing."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit, checked
from ..errors import Invalid
from ..extensions import db
from ..permissions import HR, UNIT_ADMIN, can_assign_role, can_set_scope, in_scope
from ..progress import Step, each, silent
from ..uploads import read_table
from .models import ImportBatch, Unit, User
from .services import create_people, find_unit, taken_usernames, unit_finder
from .validation import person_problems

REQUIRED = ("姓名", "账号", "单位", "职务", "职级", "角色", "领导干部", "网格员", "执法人员")
OPTIONAL = ("手机号", "范围")
HEADER = REQUIRED + OPTIONAL
ROLE_NAMES = {
    "学员": "learner", "单位管理员": "unit_admin", "考务管理员": "examiner", "人事": "hr",
    "系统管理员": "admin", "learner": "learner", "unit_admin": "unit_admin", "examiner": "examiner",
    "hr": "hr", "admin": "admin",
}
YES = {"是", "y", "yes", "1", "true", "√"}
NO = {"否", "n", "no", "0", "false", "×", ""}
ACCOUNT_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
UNIT_FIELDS = ("unit", "scope_unit")
COLUMNS = {"name": "姓名", "position": "职务", "rank": "职级", "phone": "手机号"}


@dataclass
class PersonRow:
    row: int
    values: dict


@dataclass
class ImportReport:
    rows: list[PersonRow] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)
    created: int = 0
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, message: str) -> None:
        self.errors.setdefault(row, []).append(message)

    def messages(self) -> list[str]:
        return [_("Row %(row)s: %(message)s", row=row, message=m)
                for row, ms in sorted(self.errors.items()) for m in ms]


def parse_flag(value: str) -> bool | None:
    value = value.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    return None


def check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise Invalid(_("Row 1: the header lacks the columns %(names)s. Expected: %(expected)s.",
                        names="、".join(missing), expected="、".join(HEADER)))


def validate_row(actor: User | None, row: int, record: dict, report: ImportReport, seen: set,
                 find=find_unit) -> dict | None:
    values, problems = {}, []
    name, account = record.get("姓名", "").strip(), record.get("账号", "").strip()
    if not ACCOUNT_RE.match(account):
        problems.append(_("账号 %(value)s must be 2–64 letters, digits, '_', '.' or '-'.", value=account))
    elif account.lower() in seen:
        problems.append(_("账号 %(value)s appears twice in the file.", value=account))
    seen.add(account.lower())
    unit = find(record.get("单位", ""))
    if unit is None:
        problems.append(_("单位 %(value)s is not a known unit (use its full path, e.g. 乌塘镇/某村委会).",
                          value=record.get("单位", "")))
    elif actor is not None and not in_scope(actor, unit):
        problems.append(_("单位 %(value)s is outside your scope.", value=record.get("单位", "")))
    role = ROLE_NAMES.get(record.get("角色", "").strip().lower() or "学员")
    if role is None:
        problems.append(_("角色 %(value)s is not one of 学员, 单位管理员, 考务管理员, 人事, 系统管理员.",
                          value=record.get("角色", "")))
    elif actor is not None and not can_assign_role(actor, role):
        problems.append(_("You may not give the role %(value)s.", value=record.get("角色", "")))
    flags = {}
    for column, attr in (("领导干部", "is_leader"), ("网格员", "is_grid_worker"), ("执法人员", "is_enforcement")):
        flags[attr] = parse_flag(record.get(column, ""))
        if flags[attr] is None:
            problems.append(_("%(column)s must be 是/否, Y/N or 1/0, not %(value)s.", column=column,
                              value=record.get(column, "")))
    phone = record.get("手机号", "").strip()
    details = {"name": name, "position": record.get("职务", ""), "rank": record.get("职级", ""), "phone": phone}
    for key, message in person_problems(details).items():
        problems.append(_("%(column)s: %(problem)s", column=COLUMNS[key], problem=message))
    scope = check_scope(actor, record, role, problems, find)
    for message in problems:
        report.error(row, message)
    if problems:
        return None
    values.update(username=account, name=name, unit=unit, role=role, phone=phone, scope_unit=scope,
                  position=record.get("职务", "").strip(), rank=record.get("职级", "").strip(), **flags)
    return values


def check_scope(actor: User | None, record: dict, role: str | None, problems: list[str], find=find_unit):
    """Read the optional 范围 column: the unit whose subtree an HR or unit admin account sees."""
    reference = record.get("范围", "").strip()
    if not reference:
        return None
    scope = find(reference)
    if scope is None:
        problems.append(_("范围 %(value)s is not a known unit (use its full path, e.g. 乌塘镇/某村委会).",
                          value=reference))
    elif actor is not None and not can_set_scope(actor):
        problems.append(_("Only a system administrator may fill in 范围."))
    elif role not in (HR, UNIT_ADMIN):
        problems.append(_("范围 applies only to 人事 and 单位管理员 accounts."))
    return scope


def import_people(actor: User | None, data: bytes, filename: str, now: datetime, *,
                  dry_run: bool = False, step: Step = silent,
                  checked_rows: list[PersonRow] | None = None) -> ImportReport:
    """Validate every row; write nothing unless all are valid (and not a dry run). `step` hears the progress.

    `checked_rows` are this file's rows from a preview under the same stamp (see checked_stamp): written without
    reading and checking the file again; only whether an account was taken meanwhile is asked again.
    """
    report = check_rows(actor, data, filename, step) if checked_rows is None else ImportReport(rows=checked_rows)
    existing = taken_usernames([r.values["username"] for r in report.rows])
    for person in report.rows:
        if person.values["username"] in existing:
            report.error(person.row, _("账号 %(value)s already exists.", value=person.values["username"]))
    if report.ok and not dry_run:
        step("write", 0, len(report.rows))
        write(actor, report, now, filename)
        step("write", len(report.rows), len(report.rows))
    return report


def check_rows(actor: User | None, data: bytes, filename: str, step: Step) -> ImportReport:
    """Read the file and check every row against the rules, the units and the actor's scope."""
    step("read", 0, 0)
    sheet = read_table(data, filename)
    check_header(sheet.header)
    report = ImportReport()
    seen: set[str] = set()
    find = unit_finder()
    for row, record in each(list(sheet.records()), "check", step):
        values = validate_row(actor, row, record, report, seen, find)
        if values is not None:
            report.rows.append(PersonRow(row, values))
    if not sheet.rows:
        raise Invalid(_("The file has a header but no people."))
    return report


def checked_stamp(actor: User | None, data: bytes) -> dict:
    """What checking a file's rows read besides the file: the actor's role and scope, and the units."""
    units = db.session.execute(select(func.count(Unit.id), func.max(Unit.id), func.max(Unit.updated_at))).one()
    return {"digest": checked.digest(data), "units": [units[0], units[1], str(units[2])],
            "actor": [getattr(actor, name, None) for name in ("id", "role", "unit_id", "scope_unit_id", "status")]}


def rows_state(rows: list[PersonRow]) -> list:
    """Checked rows as JSON-able data: units by id."""
    return [[person.row, {**{k: v for k, v in person.values.items() if k not in UNIT_FIELDS},
                          **{k: getattr(person.values[k], "id", None) for k in UNIT_FIELDS}}] for person in rows]


def rows_from_state(state: list) -> list[PersonRow] | None:
    """The rows of rows_state again, with their units (None when a unit is gone: then check again)."""
    ids = {values[k] for _row, values in state for k in UNIT_FIELDS if values[k] is not None}
    units = {unit.id: unit for unit in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}
    if ids - set(units):
        return None
    return [PersonRow(row, {**values, **{k: units.get(values[k]) for k in UNIT_FIELDS}}) for row, values in state]


def write(actor: User | None, report: ImportReport, now: datetime, filename: str) -> None:
    user_ids = create_people(actor, now, [person.values for person in report.rows])
    report.created = len(user_ids)
    batch = ImportBatch(actor_id=getattr(actor, "id", None), filename=filename[:200], created_at=now,
                        user_ids=user_ids)
    db.session.add(batch)
    db.session.flush()
    report.batch_id = batch.id
    audit.record("people_imported", actor=actor, target=filename[:200],
                 detail={"count": report.created, "batch": batch.id}, now=now)
