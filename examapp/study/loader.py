"""Load statute files into the library: all or nothing per file, idempotent, old versions kept."""

import csv
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..progress import Step, each, silent
from .models import LEVELS, Article, Law
from .numerals import article_label
from .parser import LawFormatError, ParsedLaw, parse_law
from .services import refresh_in_force, short_title
from .signals import law_version_loaded

LAWS_DIR = Path(__file__).resolve().parent.parent / "materials" / "laws"


@dataclass
class LoadReport:
    """What a load did: per-file outcome and the errors (each naming file and line)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def lines(self, what: str, unit: str = "部") -> list[str]:
        """A summary line, then one line per item added or updated and per error (for `content load`)."""
        out = [f"{what}：新增 {len(self.added)} {unit}，更新 {len(self.updated)} {unit}，"
               f"未变 {len(self.unchanged)} {unit}"]
        out += [f"  新增 {slug}" for slug in self.added] + [f"  更新 {slug}" for slug in self.updated]
        return out + [f"  错误 {message}" for message in self.errors]


@dataclass
class ManifestRow:
    slug: str
    title: str
    version_date: date
    level: str
    articles: int
    line: int


def read_manifest(folder: Path) -> dict[str, ManifestRow]:
    """Read MANIFEST.tsv if the folder has one (slug -> row)."""
    path = folder / "MANIFEST.tsv"
    if not path.exists():
        return {}
    rows: dict[str, ManifestRow] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            try:
                rows[row["slug"]] = ManifestRow(row["slug"], row["title"], date.fromisoformat(row["version_date"]),
                                                row["level"], int(row["articles"]), line)
            except KeyError as exc:
                raise LawFormatError(str(path), line, f"MANIFEST.tsv 缺少 {exc.args[0]} 列") from exc
            except (TypeError, ValueError) as exc:
                raise LawFormatError(str(path), line, "MANIFEST.tsv 这一行有误：缺少某列的值，或日期不是 "
                                     "2021-01-22 这样的写法，或条数不是整数") from exc
    return rows


def guess_level(title: str) -> str:
    if title.endswith("宪法"):
        return "宪法"
    return "行政法规" if title.endswith(("条例", "规定", "办法")) else "法律"


def guess_date(parsed: ParsedLaw, path: str) -> date:
    """The version date is the date of the last history line that amends or adopts the law."""
    import re

    for line in reversed(parsed.history):
        match = re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日", line)
        if match and "施行" not in line[match.end():match.end() + 4]:
            return date(*map(int, match.groups()))
    raise LawFormatError(path, 2, "沿革中找不到版本日期（如“2021年1月22日 第十三届全国人大常委会第二十五次会议修订”）")


def check_against_manifest(parsed: ParsedLaw, row: ManifestRow | None, path: str) -> None:
    if row is None:
        return
    if row.title != parsed.title:
        raise LawFormatError(path, 1, f"标题 {parsed.title} 与 MANIFEST.tsv 中的 {row.title} 不一致")
    if row.articles != len(parsed.articles):
        raise LawFormatError(path, parsed.articles[-1].line,
                             f"共 {len(parsed.articles)} 条，MANIFEST.tsv 写的是 {row.articles} 条")
    if row.level not in LEVELS:
        raise LawFormatError(path, 1, f"MANIFEST.tsv 中的效力级别 {row.level} 无法识别"
                                      f"（应为 {'、'.join(LEVELS)} 之一）")


def load_laws_dir(folder: str | Path, now: datetime, step: Step = silent) -> LoadReport:
    """Load every *.md statute in folder; a broken file is reported and nothing of it is loaded."""
    folder = Path(folder)
    report = LoadReport()
    try:
        manifest = read_manifest(folder)
    except LawFormatError as exc:
        report.errors.append(str(exc))
        return report
    paths = [p for p in sorted(folder.glob("*.md")) if p.name.upper() != "README.MD"]
    for path in each(paths, "load", step, every=1):
        try:
            outcome, slug = load_law_file(path, manifest.get(path.stem), now)
        except LawFormatError as exc:
            report.errors.append(str(exc))
            continue
        getattr(report, outcome).append(slug)
    return report


def load_law_file(path: Path, row: ManifestRow | None, now: datetime) -> tuple[str, str]:
    """Load one file; return ('added' | 'updated' | 'unchanged', slug)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LawFormatError(str(path), raw[:exc.start].count(b"\n") + 1, "不是 UTF-8 编码的文本") from exc
    parsed = parse_law(text, str(path))
    check_against_manifest(parsed, row, str(path))
    digest = hashlib.sha256(raw).hexdigest()
    law = db.session.scalar(select(Law).where(Law.slug == path.stem))
    if law is not None and law.source_sha256 == digest:
        return "unchanged", law.slug
    previous = None if law else current_version(parsed.title)
    outcome = "updated" if law else "added"
    with db.session.begin_nested():
        law = law or Law(slug=path.stem)
        fill_law(law, parsed, row, str(path), digest, now)
        db.session.add(law)
        db.session.flush()
        replace_articles(law, parsed)
        refresh_in_force()
    if previous is not None and previous.version_date < law.version_date:
        law_version_loaded.send(law, old_law=previous, now=now)
    return outcome, law.slug


def current_version(title: str) -> Law | None:
    return db.session.scalar(select(Law).where(Law.title == title).order_by(Law.version_date.desc()).limit(1))


def fill_law(law: Law, parsed: ParsedLaw, row: ManifestRow | None, path: str, digest: str, now: datetime) -> None:
    law.title = parsed.title
    law.short_title = short_title(parsed.title)
    law.version_date = row.version_date if row else guess_date(parsed, path)
    law.level = row.level if row else guess_level(parsed.title)
    law.history = "\n".join(parsed.history)
    law.preamble = "\n".join(parsed.preamble)
    law.article_count = len(parsed.articles)
    law.source_sha256 = digest
    law.source_path = Path(path).name
    law.loaded_at = now


def replace_articles(law: Law, parsed: ParsedLaw) -> None:
    """Update articles in place by number so ids others may hold stay valid; drop the ones that went."""
    existing = {(a.number, a.suffix): a for a in law.articles}
    wanted = set()
    for ordinal, item in enumerate(parsed.articles, start=1):
        key = (item.number, item.suffix)
        wanted.add(key)
        article = existing.get(key) or Article(law=law, number=item.number, suffix=item.suffix)
        article.ordinal, article.label = ordinal, article_label(item.number, item.suffix)
        article.chapter, article.section = item.chapter, item.section
        article.text, article.source_line = item.text, item.line
        db.session.add(article)
    for key, article in existing.items():
        if key not in wanted:
            db.session.delete(article)
    db.session.flush()


def ensure_library(now: datetime) -> LoadReport:
    """Load the shipped statutes unless every one of them is already in the library (commits)."""
    wanted = set(read_manifest(LAWS_DIR))
    present = set(db.session.scalars(select(Law.slug).where(Law.slug.in_(wanted))))
    if wanted <= present:
        return LoadReport(unchanged=sorted(present))
    report = load_laws_dir(LAWS_DIR, now)
    db.session.commit()
    return report
