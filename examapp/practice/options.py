"""Choices for the "practise by" form: laws and their chapters that have practice questions, types, levels."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..bank.models import Question, QuestionVersion
from ..extensions import db
from ..study.models import Law
from .pool import practice_questions

TYPE_LABELS = {"single": _l("Single choice"), "multiple": _l("Multiple choice"), "true_false": _l("True or false"),
               "blank": _l("Fill in the blank"), "case": _l("Case analysis")}


def filter_choices() -> dict:
    """Laws (short title, count) and chapters grouped by law, from the practisable bank."""
    stmt = practice_questions().with_only_columns(Question.law_slug, QuestionVersion.chapter, func.count(Question.id))
    rows = db.session.execute(stmt.group_by(Question.law_slug, QuestionVersion.chapter)).all()
    titles = dict(db.session.execute(db.select(Law.slug, Law.short_title)).all())
    laws: dict[str, dict] = {}
    for slug, chapter, count in rows:
        entry = laws.setdefault(slug, {"slug": slug, "title": titles.get(slug, slug), "count": 0, "chapters": []})
        entry["count"] += count
        if chapter:
            entry["chapters"].append(chapter)
    for entry in laws.values():
        from .mastery import ChapterRow, chapter_order

        entry["chapters"].sort(key=lambda c, slug=entry["slug"]: chapter_order(ChapterRow(slug, c)))
    return {"laws": sorted(laws.values(), key=lambda e: e["title"]), "types": TYPE_LABELS,
            "difficulties": list(range(1, 6))}
