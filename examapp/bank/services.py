"""Question writes (every edit a new version) and the queries other domains use."""

from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.orm import selectinload

from .. import audit
from ..errors import Invalid
from ..extensions import db
from . import library
from .models import CONFIDENTIAL, VISIBILITIES, Question, QuestionVersion
from .validation import fingerprint, question_warnings, validate_question  # noqa: F401  (re-exported)

CHUNK = 1000  # rows per multi-row INSERT: 20 columns × 1,000 stay inside SQLite's 32,766 parameters
CONTENT_FIELDS = ("type", "stem", "options", "answer", "explanation", "basis", "difficulty", "tags",
                  "audience", "subquestions")


def as_list(value) -> list | None:
    if value is None or value == "":
        return None
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def current_versions() -> Select:
    """Select (Question, current QuestionVersion) pairs."""
    return select(Question, QuestionVersion).join(QuestionVersion, Question.current_version_id == QuestionVersion.id)


def filter_bank(stmt: Select, *, law=None, chapter=None, tag=None, type=None, difficulty=None,
                audience=None, status=None, search=None, lacking_basis: bool = False, visibility=None) -> Select:
    """Apply the examiner's filters to a select over questions joined with current versions."""
    for column, value in ((Question.law_slug, law), (QuestionVersion.chapter, chapter),
                          (Question.type, type), (QuestionVersion.difficulty, difficulty),
                          (Question.status, status), (QuestionVersion.audience, audience),
                          (Question.visibility, visibility)):
        values = as_list(value)
        if values:
            stmt = stmt.where(column.in_(values))
    if lacking_basis:
        stmt = stmt.where(QuestionVersion.has_basis.is_(False))
    for one in as_list(tag) or []:
        stmt = stmt.where(QuestionVersion.tag_index.contains(f"|{one}|"))
    if search:
        pattern = f"%{search.strip()}%"
        stmt = stmt.where(or_(QuestionVersion.stem.ilike(pattern), Question.code.ilike(pattern),
                              QuestionVersion.explanation.ilike(pattern)))
    return stmt


def eligible_questions(law=None, chapter=None, tag=None, type=None, difficulty=None, audience=None) -> Select:
    """Select active questions not awaiting review, joined with their current version.

    Each filter takes one value or a list. `audience="grid"` also admits questions for everyone.
    Rows are Question objects; add QuestionVersion columns or use Question.current_version_id.
    """
    stmt = select(Question).join(QuestionVersion, Question.current_version_id == QuestionVersion.id).where(
        Question.status == "active", Question.needs_review.is_(False))
    if audience:
        stmt = stmt.where(QuestionVersion.audience.in_(set(as_list(audience)) | {"all"}))
    return filter_bank(stmt, law=law, chapter=chapter, tag=tag, type=type, difficulty=difficulty)


def chapter_of(basis: list) -> str:
    """Return the chapter of the first basis article ('' without one)."""
    if not basis:
        return ""
    article = library.find_article(basis[0]["law"], basis[0]["article"])
    return article.chapter if article else ""


def content_of(data: dict) -> dict:
    """Pick a question dict's content fields with their defaults."""
    content = {name: data.get(name) for name in CONTENT_FIELDS}
    content["options"] = content["options"] or []
    content["basis"] = content["basis"] or []
    content["tags"] = list(content["tags"] or [])
    content["explanation"] = content["explanation"] or ""
    content["audience"] = content["audience"] or "all"
    if content["type"] != "case":
        content["subquestions"] = None
    return content


def content_changed(version: QuestionVersion | None, data: dict) -> bool:
    return version is None or version.content() != content_of(data)


def main_law(data: dict) -> str:
    basis = data.get("basis") or []
    return data.get("law") or (basis[0]["law"] if basis else "")


def add_version(question: Question, data: dict, actor, now: datetime, note: str = "",
                chapter: str | None = None) -> QuestionVersion:
    """Append a new immutable version and make it current (flushes)."""
    number = (db.session.scalar(select(func.max(QuestionVersion.number)).where(
        QuestionVersion.question_id == question.id)) or 0) + 1 if question.id else 1
    version = new_version(data, actor, now, number, note, chapter, question=question)
    db.session.add(version)
    db.session.flush()
    question.current_version_id = version.id
    question.type = version.type
    question.law_slug = main_law(data) or question.law_slug
    question.updated_at = now
    db.session.flush()
    return version


def new_version(data: dict, actor, now: datetime, number: int, note: str, chapter: str | None = None,
                **links) -> QuestionVersion:
    return QuestionVersion(**version_row(data, actor, now, number, note, chapter), **links)


def version_row(data: dict, actor, now: datetime, number: int, note: str, chapter: str | None = None) -> dict:
    """The columns of a new version of a question dict (an object's fields or one row of a bulk INSERT)."""
    content = content_of(data)
    return dict(number=number, **content, has_basis=bool(content["basis"]),
                tag_index="".join(f"|{t}" for t in content["tags"]) + "|",
                chapter=chapter_of(content["basis"]) if chapter is None else chapter,
                fingerprint=fingerprint(content), note=note[:200], created_at=now,
                created_by_id=getattr(actor, "id", None))


def create_questions(items: list[dict], actor, now: datetime) -> list[str]:
    """Create many questions with their first versions; return their codes in the order given.

    Per table and CHUNK rows, one INSERT … RETURNING executemany (SQLAlchemy sends it as multi-row INSERTs,
    its "insertmanyvalues", ids in the order given) and one UPDATE, not one ORM object per row: building and
    flushing 10,000 questions and versions through the unit of work was a third of an import, and on
    PostgreSQL the bank's generation trigger fires once per statement (a plain executemany is one per row).
    """
    questions, versions = Question.__table__, QuestionVersion.__table__
    codes = [d.get("code") or new_code() for d in items]
    for start in range(0, len(items), CHUNK):
        chunk = list(zip(codes[start:start + CHUNK], items[start:start + CHUNK], strict=True))
        ids = db.session.execute(insert(questions).returning(questions.c.id, sort_by_parameter_order=True), [
            {"code": code, "type": d["type"], "law_slug": main_law(d), "status": d.get("status") or "active",
             "visibility": d.get("visibility") or CONFIDENTIAL, "needs_review": False, "created_at": now,
             "updated_at": now} for code, d in chunk]).scalars().all()
        db.session.execute(insert(versions).returning(versions.c.id, sort_by_parameter_order=True), [
            {**version_row(d, actor, now, 1, "created"), "question_id": question_id}
            for question_id, (_code, d) in zip(ids, chunk, strict=True)]).all()
        first = select(versions.c.id).where(versions.c.question_id == questions.c.id, versions.c.number == 1)
        db.session.execute(update(questions).where(questions.c.id.in_(ids))
                           .values(current_version_id=first.scalar_subquery()))
    return codes


def create_question(data: dict, actor, now: datetime, code: str | None = None) -> Question:
    """Create a question with its first version (flushes)."""
    question = Question(code=code or data.get("code") or new_code(), type=data["type"],
                        law_slug=main_law(data), status=data.get("status") or "active",
                        visibility=data.get("visibility") or CONFIDENTIAL, created_at=now, updated_at=now)
    db.session.add(question)
    db.session.flush()
    add_version(question, data, actor, now, note="created")
    return question


def update_question(question: Question, data: dict, actor, now: datetime, note: str = "") -> QuestionVersion | None:
    """Store an edit as a new version; return None when nothing changed."""
    if "status" in data and data["status"] and data["status"] != question.status:
        question.status = data["status"]
        question.updated_at = now
    if not content_changed(question.current, data):
        return None
    before = key_of(question.current.content()) if question.current else None
    version = add_version(question, data, actor, now, note=note or "edited")
    after = key_of(version.content())
    if before is not None and before != after:
        # A new key changes how regrades and later papers score: keep who changed it, from what to what.
        audit.record("bank.key_change", actor=actor, target=question.code, now=now,
                     detail={"version": version.number, "before": before, "after": after})
    return version


def key_of(content: dict) -> dict:
    """The answer key of a question's content (a case: each sub-question's key)."""
    if content.get("type") == "case":
        return {"answer": [sub.get("answer") for sub in content.get("subquestions") or []]}
    return {"answer": content.get("answer")}


def set_visibility(question: Question, visibility: str, actor, now: datetime) -> bool:
    """Make a question public or confidential (audited with before and after); False when unchanged."""
    if visibility not in VISIBILITIES:
        raise Invalid(_("Choose public or confidential."), code="bad_visibility")
    before = question.visibility
    if before == visibility:
        return False
    question.visibility, question.updated_at = visibility, now
    audit.record("bank.visibility", actor=actor, target=question.code, now=now,
                 detail={"before": before, "after": visibility})
    return True


def retire_question(question: Question, now: datetime) -> None:
    question.status = "retired"
    question.updated_at = now


def new_code() -> str:
    import secrets

    return "q-" + secrets.token_hex(5)


def by_codes(codes: Iterable[str]) -> dict[str, Question]:
    codes = [c for c in codes if c]
    if not codes:
        return {}
    found = {}
    for start in range(0, len(codes), 500):  # keep the IN list within every database's limits
        stmt = select(Question).where(Question.code.in_(codes[start:start + 500])).options(
            selectinload(Question.current))
        found.update((q.code, q) for q in db.session.scalars(stmt))
    return found


def question_dict(question: Question, version: QuestionVersion | None = None) -> dict:
    """Return a question as the plain dict the formats and forms use."""
    version = version or question.current
    return {"code": question.code, "law": question.law_slug, "status": question.status, **version.content()}
