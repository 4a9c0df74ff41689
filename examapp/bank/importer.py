"""Import questions from any supported file: parse → validate → write all or nothing."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from .. import audit
from ..errors import Invalid
from ..progress import Step, each, silent
from ..uploads import MAX_UPLOAD_BYTES, decode_text, read_table, sniff_kind
from . import library, services
from .dupes import find_duplicates
from .formats import Parsed, ParseResult, aiken, gift, native, xlsx_csv
from .models import CONFIDENTIAL, VISIBILITIES
from .validation import question_warnings, validate_question

TEXT_SUFFIXES = (".gift", ".txt", ".yaml", ".yml", ".json")


@dataclass
class ImportReport:
    kind: str
    filename: str
    items: list[Parsed] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    unsupported: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # exact duplicates: (line, of what)
    skip_duplicates: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def line_word(self) -> str:
        return _("Row") if self.kind in ("xlsx", "csv") else _("Line")

    @property
    def lacking_basis(self) -> list[int]:
        return [p.line for p in self.items if not p.data.get("basis")]

    def error(self, line: int, message: str) -> None:
        self.errors.setdefault(line, []).append(message)

    def warn(self, line: int, message: str) -> None:
        self.warnings.setdefault(line, []).append(message)

    def messages(self, which: str = "errors") -> list[str]:
        source = self.errors if which == "errors" else self.warnings
        return [_("%(word)s %(line)s: %(message)s", word=self.line_word, line=line, message=m)
                for line, ms in sorted(source.items()) for m in ms]

    def summary(self) -> str:
        if not self.ok:
            return _("%(n)s problem(s); nothing imported.", n=sum(len(m) for m in self.errors.values()))
        skipped = len(self.skipped_duplicates)
        if self.dry_run:
            return _("Dry run: %(n)s question(s) would be imported (%(skipped)s skipped as unsupported, "
                     "%(dupes)s as duplicates).", n=len(self.items), skipped=len(self.unsupported), dupes=skipped)
        return _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(skipped)s skipped.",
                 created=len(self.created), updated=len(self.updated), unchanged=len(self.unchanged),
                 skipped=len(self.unsupported) + skipped)

    @property
    def skipped_duplicates(self) -> list[tuple[int, str]]:
        return self.duplicates if self.skip_duplicates else []

    def checked_state(self) -> dict:
        """What checking found, as JSON-able data (the preview keeps it for the confirmation)."""
        return {"kind": self.kind, "filename": self.filename, "skip_duplicates": self.skip_duplicates,
                "items": [[p.line, p.data, p.warnings] for p in self.items],
                "errors": [[line, ms] for line, ms in self.errors.items()],
                "warnings": [[line, ms] for line, ms in self.warnings.items()],
                "unsupported": [list(u) for u in self.unsupported], "duplicates": [list(d) for d in self.duplicates]}

    @classmethod
    def from_checked(cls, state: dict) -> "ImportReport":
        return cls(kind=state["kind"], filename=state["filename"], skip_duplicates=state["skip_duplicates"],
                   items=[Parsed(line, data, warnings) for line, data, warnings in state["items"]],
                   errors=dict((line, ms) for line, ms in state["errors"]),
                   warnings=dict((line, ms) for line, ms in state["warnings"]),
                   unsupported=[tuple(u) for u in state["unsupported"]],
                   duplicates=[tuple(d) for d in state["duplicates"]])


def detect(data: bytes, filename: str) -> str:
    """Tell the format from the content first, then the extension."""
    name = filename.lower()
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm", ".xls")):
        return sniff_kind(data, filename)
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".yaml", ".yml")):
        return "native"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".gift", ".txt")):
        text, _enc = decode_text(data)
        return "aiken" if aiken.looks_like_aiken(text) and not gift.find_unescaped(text, "{") else "gift"
    text, _enc = decode_text(data[:4096].rsplit(b"\n", 1)[0])  # whole lines: a cut character is no clue
    if text.lstrip("\ufeff").startswith("schema:"):
        return "native"
    raise Invalid(_("Unknown file type %(name)s: use .xlsx, .csv, .gift, .txt (Aiken), .yaml or .json.",
                    name=filename))


def parse_file(data: bytes, filename: str) -> ParseResult:
    """Read any supported file into parsed questions; raise Invalid for an unreadable file."""
    if not data or not data.strip():
        raise Invalid(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid(_("The file is larger than %(mb)s MB.", mb=MAX_UPLOAD_BYTES // 1024 // 1024))
    kind = detect(data, filename)
    if kind in ("xlsx", "csv"):
        return xlsx_csv.parse(read_table(data, filename))
    text, _enc = decode_text(data)
    if "\x00" in text:
        raise Invalid(_("The file contains NUL characters; it is not a text file."))
    if kind == "aiken":
        return aiken.parse(text)
    if kind == "gift":
        return gift.parse(text)
    return native.parse(text, is_json=kind == "json")


def check(result: ParseResult, filename: str, skip_unsupported: bool, skip_duplicates: bool = False,
          step: Step = silent) -> ImportReport:
    """Validate parsed questions: rules, unsupported types, codes and duplicates."""
    report = ImportReport(kind=result.kind, filename=filename, items=result.items, unsupported=result.unsupported,
                          skip_duplicates=skip_duplicates)
    for line, message in result.errors:
        report.error(line, message)
    for line, kind in result.unsupported:
        if skip_unsupported:
            report.warn(line, _("Question type %(type)s is not supported; skipped.", type=kind))
        else:
            report.error(line, _("Question type %(type)s is not supported (import the rest with "
                                 "--skip-unsupported or the checkbox).", type=kind))
    if not result.items and not result.errors and not result.unsupported:
        report.error(1, _("The file contains no questions."))
    seen_codes: dict[str, int] = {}
    for parsed in each(result.items, "check", step):
        for problem in validate_question(parsed.data):
            report.error(parsed.line, problem)
        for warning in question_warnings(parsed.data):
            report.warn(parsed.line, warning)
        code = parsed.data.get("code")
        if code and code in seen_codes:
            report.error(parsed.line, _("Code %(code)s is used twice (also %(word)s %(line)s).",
                                        code=code, word=report.line_word, line=seen_codes[code]))
        elif code:
            seen_codes[code] = parsed.line
    for line, exact, message in find_duplicates([(p.line, p.data) for p in result.items],
                                              lambda n: _("%(word)s %(line)s", word=report.line_word, line=n)):
        if exact:
            report.duplicates.append((line, message))
        if exact and not skip_duplicates:
            report.error(line, _("%(message)s Leave duplicates out with --skip-duplicates or the checkbox.",
                                 message=message))
        else:
            report.warn(line, message)
    return drop_duplicates(report) if skip_duplicates else report


def drop_duplicates(report: ImportReport) -> ImportReport:
    """Leave the exact duplicates out of the import and say so for each (the first copy in a file stays)."""
    lines = {line for line, _message in report.duplicates}
    report.items = [p for p in report.items if p.line not in lines]
    for line in sorted(lines):
        report.warn(line, _("Skipped as a duplicate."))
    if not report.items and report.ok:
        report.error(1, _("Every question of the file is a duplicate; nothing to import."))
    return report


def write(report: ImportReport, actor, now: datetime, visibility: str = CONFIDENTIAL) -> None:
    """Create or update every question (flushes; the caller commits); new ones get `visibility`."""
    existing = services.by_codes(p.data.get("code") for p in report.items)
    fresh = [{**p.data, "visibility": visibility} for p in report.items
             if (p.data.get("code") or "") not in existing]
    report.created.extend(services.create_questions(fresh, actor, now))
    for parsed in report.items:
        data = parsed.data
        question = existing.get(data.get("code") or "")
        if question is None:
            continue
        if services.update_question(question, data, actor, now, note="imported") is None:
            report.unchanged.append(question.code)
        else:
            report.updated.append(question.code)


def import_questions(data: bytes, filename: str, actor, now: datetime, *, dry_run: bool = False,
                     skip_unsupported: bool = False, skip_duplicates: bool = False,
                     visibility: str = CONFIDENTIAL, step: Step = silent,
                     checked: ImportReport | None = None) -> ImportReport:
    """Run one import; nothing is written unless every question passes (and not a dry run).

    New questions get `visibility` (confidential unless the importer chose public); existing ones keep theirs.
    `checked` is this file's report from a preview under the same options and bank (see staging.recall): it is
    written without reading and checking the file again.
    """
    if visibility not in VISIBILITIES:
        raise Invalid(_("Choose public or confidential."), code="bad_visibility")
    with library.cached():
        step("read", 0, 0)
        report = checked or check(parse_file(data, filename), filename, skip_unsupported, skip_duplicates, step)
        report.dry_run = dry_run
        if report.ok and not dry_run:
            step("write", 0, len(report.items))
            write(report, actor, now, visibility)
            step("write", len(report.items), len(report.items))
        audit.record("bank.import", actor=actor, target=filename, now=now, detail={
            "format": report.kind, "created": len(report.created), "updated": len(report.updated),
            "unchanged": len(report.unchanged), "skipped": len(report.unsupported),
            "skipped_duplicates": [line for line, _message in report.skipped_duplicates],
            "lacking_basis": len(report.lacking_basis), "visibility": visibility})
    return report
