"""Case studies (以案释法): load them from YAML files, save admin edits, and finish them for credit."""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict, Invalid
from ..extensions import db
from ..org.models import User
from .citations import find_citations
from .credits import add_case_credit
from .loader import LoadReport
from .models import CaseArticle, CaseCompletion, CaseStudy, Law
from .services import find_article

CASES_DIR = Path(__file__).resolve().parent.parent / "materials" / "cases"
REQUIRED = ("code", "title", "scenario", "analysis", "articles")


class CaseFileError(ValueError):
    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class CaseLink:
    law: Law
    number: int
    quote: str


def line_of(raw: str, needle: str) -> int:
    """The first line of the file that contains needle (1 if none): errors point at it."""
    for number, line in enumerate(raw.split("\n"), start=1):
        if needle and needle in line:
            return number
    return 1


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def resolve_link(ref: str, quote: str) -> CaseLink:
    """Check one 'slug:number' link and that the quoted words are in that article; raise Invalid if not."""
    match = re.fullmatch(r"\s*([a-z0-9-]+)\s*:\s*(\d+)\s*", str(ref))
    if not match:
        raise Invalid(_("A link must look like slug:number, not %(ref)s.", ref=ref))
    slug, number = match.group(1), int(match.group(2))
    law = db.session.scalar(select(Law).where(Law.slug == slug))
    if law is None:
        raise Invalid(_("Citation of a law not in the library: %(name)s", name=slug))
    article = find_article(slug, number)
    if article is None:
        raise Invalid(_("%(law)s has no article %(number)s.", law=slug, number=number))
    if quote and squash(quote) not in squash(article.text):
        raise Invalid(_("The quoted words are not in %(law)s article %(number)s: %(quote)s",
                        law=slug, number=number, quote=quote), details={"needle": quote})
    return CaseLink(law, number, quote or "")


def check_case(data: dict) -> list[CaseLink]:
    """Validate a case's fields, links and the citations in its text; return the links."""
    for key in REQUIRED:
        if not data.get(key):
            raise Invalid(_("The field %(field)s is missing.", field=key))
    if not re.fullmatch(r"[a-z0-9-]{3,60}", str(data["code"])):
        raise Invalid(_("The code may hold only a-z, 0-9 and '-' (3-60 characters)."))
    links = [resolve_link(item.get("ref", "") if isinstance(item, dict) else item,
                          item.get("quote", "") if isinstance(item, dict) else "") for item in data["articles"]]
    find_citations(f"{data['scenario']}\n{data['analysis']}")
    return links


def save_case(case: CaseStudy, data: dict, links: list[CaseLink], *, source: str, digest: str = "") -> CaseStudy:
    case.code, case.title = str(data["code"]), str(data["title"]).strip()
    case.scenario, case.analysis = str(data["scenario"]).strip(), str(data["analysis"]).strip()
    case.tags = [str(t) for t in data.get("tags") or []]
    case.is_published = bool(data.get("published", True))
    case.source, case.content_hash = source, digest
    case.links = [CaseArticle(law=link.law, article_number=link.number, quote=link.quote, position=index)
                  for index, link in enumerate(links)]
    db.session.add(case)
    db.session.flush()
    return case


def load_case_file(path: Path) -> tuple[str, str]:
    """Load one YAML case; return ('added' | 'updated' | 'unchanged', code)."""
    raw = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CaseFileError(str(path), (mark.line + 1) if mark else 1, "不是有效的 YAML") from exc
    if not isinstance(data, dict):
        raise CaseFileError(str(path), 1, "一个案例文件只写一个案例（一个 YAML 映射）")
    digest = hashlib.sha256(raw.encode()).hexdigest()
    existing = db.session.scalar(select(CaseStudy).where(CaseStudy.code == str(data.get("code"))))
    if existing is not None and (existing.content_hash == digest or existing.source != "file"):
        return "unchanged", existing.code  # same file, or edited in the app since: keep the edit
    try:
        links = check_case(data)
    except Invalid as exc:
        words = sorted(re.findall(r"[\w\u4e00-\u9fff-]{2,}", exc.message), key=len, reverse=True)
        needle = (exc.details or {}).get("needle") or next((w for w in words if w in raw), "")
        raise CaseFileError(str(path), line_of(raw, needle), exc.message) from exc
    with db.session.begin_nested():
        save_case(existing or CaseStudy(), data, links, source="file", digest=digest)
    return ("updated" if existing else "added"), str(data["code"])


def load_cases_dir(folder: str | Path, now: datetime) -> LoadReport:
    """Load every *.yaml case in a folder; a bad file is reported and skipped whole."""
    report = LoadReport()
    for path in sorted(Path(folder).glob("*.y*ml")):
        try:
            outcome, code = load_case_file(path)
        except CaseFileError as exc:
            report.errors.append(str(exc))
            continue
        getattr(report, outcome).append(code)
    return report


def finish_case(user: User, case: CaseStudy, now: datetime) -> CaseCompletion:
    """Record that a person worked through a case; credit it once, on the case's first law."""
    done = db.session.scalar(select(CaseCompletion).where(
        CaseCompletion.user_id == user.id, CaseCompletion.case_id == case.id))
    if done is not None:
        raise Conflict(_("You have already finished this case study."))
    completion = CaseCompletion(user_id=user.id, case_id=case.id, finished_at=now)
    db.session.add(completion)
    if case.links:
        add_case_credit(user, case.links[0].law_id, now)
    db.session.flush()
    return completion
