"""Load the shipped question bank (question_bank/*.yaml): idempotent upsert by code."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import update

from ..extensions import db
from ..progress import Step, each, silent
from . import library
from .dupes import find_duplicates
from .formats import native
from .importer import write
from .models import PUBLIC, Question
from .validation import validate_question


@dataclass
class LoadReport:
    """What a bank load did; `errors` name file and line. Nothing is written when there are errors."""

    files: int = 0
    total: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self, what: str = "题库") -> list[str]:
        out = [f"{what}：{self.files} 个文件共 {self.total} 题：新增 {len(self.created)} 题，"
               f"更新 {len(self.updated)} 题（存为新版本），未变 {len(self.unchanged)} 题"]
        out += [f"  新增 {code}" for code in self.created[:50]]
        out += [f"  更新 {code}" for code in self.updated[:200]]
        out += [f"  提醒 {message}" for message in self.warnings[:50]]
        if len(self.warnings) > 50:
            out.append(f"  …… 另有 {len(self.warnings) - 50} 条提醒")
        return out + [f"  错误 {message}" for message in self.errors]

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass
class _Batch:
    """Parsed questions of all files, shaped like an ImportReport for the shared writer."""

    items: list = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def read_dir(folder: Path, report: LoadReport) -> tuple[_Batch, dict[int, str]]:
    """Parse every *.yaml file; return the batch and a key -> 'file:line' map for messages."""
    batch, where = _Batch(), {}
    for path in sorted(folder.glob("*.y*ml")):
        report.files += 1
        result = native.parse(path.read_text(encoding="utf-8-sig"))
        for line, message in result.errors:
            report.errors.append(f"{path.name}:{line}: {message}")
        for parsed in result.items:
            key = len(where) + 1
            where[key] = f"{path.name}:{parsed.line}"
            parsed.line = key
            batch.items.append(parsed)
    return batch, where


def publish(codes) -> None:
    """Mark the shipped questions public: their text and keys are in the public repository."""
    db.session.execute(update(Question).where(Question.code.in_(list(codes)), Question.visibility != PUBLIC)
                       .values(visibility=PUBLIC).execution_options(synchronize_session=False))


def load_bank_dir(path, now: datetime, actor=None, step: Step = silent) -> LoadReport:
    """Validate every question of the folder, then create or version them (flushes, no commit)."""
    report = LoadReport()
    with library.request_context(), library.cached():
        batch, where = read_dir(Path(path), report)
        report.total = len(batch.items)
        codes: dict[str, int] = {}
        for parsed in each(batch.items, "check", step):
            code = parsed.data.get("code")
            for problem in validate_question(parsed.data):
                report.errors.append(f"{where[parsed.line]}: {problem}")
            if not code:
                report.errors.append(f"{where[parsed.line]}: 缺少题目编号（code）")
            elif code in codes:
                report.errors.append(f"{where[parsed.line]}: 题目编号 {code} 与 {where[codes[code]]} 的重复")
            codes.setdefault(code, parsed.line)
        pairs = [(p.line, p.data) for p in batch.items]
        for line, exact, message in find_duplicates(pairs, where.get, against_bank=False):
            (report.errors if exact else report.warnings).append(f"{where[line]}: {message}")
        if not report.errors:
            step("write", 0, len(batch.items))
            write(batch, actor, now, visibility=PUBLIC)
            step("write", len(batch.items), len(batch.items))
            publish(codes)
    report.created, report.updated, report.unchanged = batch.created, batch.updated, batch.unchanged
    return report
