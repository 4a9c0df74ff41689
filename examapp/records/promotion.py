"""任职晋升审核: did each candidate meet this year's requirements, with the evidence."""

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..org.models import User
from ..permissions import restrict_to_scope
from . import dossier as dossier_mod

MAX_CANDIDATES = 500


@dataclass
class Criterion:
    label: str
    met: bool
    evidence: str
    link: str = ""


@dataclass
class Check:
    query: str
    person: User | None
    problem: str = ""  # not found / ambiguous
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.person is not None and not self.problem and all(c.met for c in self.criteria)


def resolve(viewer: User, lines: list[str]) -> list[Check]:
    """Match each line to one person in scope by account, else by exact name."""
    checks = []
    for raw in lines[:MAX_CANDIDATES]:
        query = raw.strip()
        if not query:
            continue
        base = restrict_to_scope(select(User), viewer)
        people = db.session.scalars(base.where(User.username == query)).all() or db.session.scalars(
            base.where(User.name == query).order_by(User.id).limit(5)).all()
        if not people:
            checks.append(Check(query, None, _("No such account or name in your scope.")))
        elif len(people) > 1:
            names = "、".join(f"{p.name}（{p.username}）" for p in people)
            checks.append(Check(query, None, _("Several people have this name: %(names)s. Use the account.",
                                               names=names)))
        else:
            checks.append(Check(query, people[0]))
    return checks


def evaluate(check: Check, year: int) -> Check:
    """Fill the criteria of one resolved candidate."""
    person = check.person
    if person is None:
        return check
    record = dossier_mod.build(person, year)
    link = url_for("records.person_record", user_id=person.id, year=year, _external=True)
    if person.status == "exempt":
        check.criteria.append(Criterion(_("Exempt"), True, person.exempt_reason, link))
        return check
    check.criteria.append(exam_criterion(record, link))
    progress = record.progress
    check.criteria.append(Criterion(
        _("Study credits"), bool(progress and progress.reached),
        _("%(got)s of %(need)s credits", got=progress.credits, need=progress.required) if progress else "—", link))
    leader = record.leader
    if leader is not None and leader.applies:
        check.criteria.append(Criterion(
            _("Leading cadres' organised study"), leader.reached,
            _("%(got)s of %(need)s sessions", got=leader.attended, need=leader.required), link))
    return check


def exam_criterion(record, link: str) -> Criterion:
    required = [e for e in record.exams if e.required]
    failed = [e for e in required if not e.passed]
    passed = [e for e in record.exams if e.passed]
    parts = [f"{e.title} {e.score:g} {e.serial or ''}".strip() for e in passed]
    parts += [_("%(title)s: not passed", title=e.title) for e in failed]
    if not required and not passed:
        return Criterion(_("Exam passed"), False, _("No exam this year"), link)
    cert_link = url_for("records.certificate", serial=passed[0].serial, _external=True) if (
        passed and passed[0].serial) else link
    return Criterion(_("Exam passed"), not failed and bool(passed), "；".join(parts), cert_link)


def run(viewer: User, lines: list[str], year: int) -> list[Check]:
    return [evaluate(check, year) for check in resolve(viewer, lines)]


def rows(checks: list[Check]):
    """Spreadsheet rows: one per candidate, criteria side by side."""
    for check in checks:
        person = check.person
        verdict = _("Meets requirements") if check.met else _("Does not meet requirements")
        cells = [check.query, person.username if person else "", person.name if person else "",
                 person.unit.full_name if person else "", verdict, check.problem]
        by_label = {c.label: c for c in check.criteria}
        for label in (_("Exam passed"), _("Study credits"), _("Leading cadres' organised study")):
            c = by_label.get(label)
            cells += [("✓ " if c.met else "✗ ") + c.evidence if c else "—"]
        cells.append(check.criteria[0].link if check.criteria else "")
        yield cells


def header() -> list[str]:
    return [_("Entered"), _("Account"), _("Name"), _("Unit"), _("Conclusion"), _("Problem"),
            _("Exam passed"), _("Study credits"), _("Leading cadres' organised study"), _("Link")]


def lines_from_text(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("，", "\n").replace(",", "\n").splitlines()]


def first_column(sheet) -> list[str]:
    return [cells[0] for _n, cells in sheet.rows if cells]
