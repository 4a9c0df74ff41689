"""What leaves the server: a question without its key; after answering, the feedback with key and articles."""


from flask import has_request_context, request, url_for
from sqlalchemy import bindparam, select, tuple_

from ..bank.models import Question, QuestionVersion
from ..exams.draw import options_list
from ..extensions import db
from ..localtime import iso, local_date  # iso: the one ISO helper (the API imports it from here)
from ..study.models import Article, Law
from ..study.services import find_law


def question_json(question: Question, version: QuestionVersion) -> dict:
    """One practice question as the learner sees it before answering: never the key or the explanation."""
    data = {"id": question.id, "type": version.type, "stem": version.stem, "law": question.law_slug,
            "law_title": law_name(question.law_slug), "chapter": version.chapter or "",
            "difficulty": version.difficulty}
    if version.type in ("single", "multiple"):
        data["options"] = options_list(version.options)
    if version.type == "blank":
        data["blanks"] = len(version.answer or []) or 1
    if version.type == "case":
        data["subquestions"] = [sub_json(n, sub) for n, sub in enumerate(version.subquestions or [], start=1)]
    return data


def sub_json(n: int, sub: dict) -> dict:
    data = {"n": n, "type": sub["type"], "stem": sub["stem"]}
    if sub["type"] in ("single", "multiple"):
        data["options"] = options_list(sub.get("options"))
    return data


def law_name(slug: str) -> str:
    law = find_law(slug)
    return law.short_title if law is not None else slug


# Plain columns, not ORM objects: the law's preamble and history are not needed here.
ARTICLES = select(Law.slug, Article.number, Law.short_title, Article.label, Article.text) \
    .join(Law, Law.id == Article.law_id) \
    .where(Article.suffix == 0, tuple_(Law.slug, Article.number).in_(bindparam("cited", expanding=True)))

# (library, {(law slug, article number): its reply entry or None}): the cited articles this process has read, as
# the reply gives them, for as long as the statute library is unchanged (a law reload changes its digest and load
# time) and the application is served under the same root (the entries hold links).
_cited_cache: tuple = (None, {})


def article_entry(slug: str, number: int, title: str, label: str, text: str) -> dict:
    return {"law": slug, "law_title": title, "article": number, "label": label, "text": text,
            "url": url_for("study.article", slug=slug, number=number)}


def cited_articles(cited: list[tuple[str, int]], library: tuple | None) -> dict:
    """The reply entry of each cited article that exists: from this process's cache when `library` (as read with
    the answer) is what the cache was filled under, else one statement for the ones not cached yet."""
    global _cited_cache
    marker, known = _cited_cache
    library = None if library is None else (*library, request.script_root if has_request_context() else "")
    if library is None or marker != library:
        known = {}
    missing = [item for item in cited if item not in known]
    if missing:
        found = {(slug, number): article_entry(slug, number, title, label, text) for slug, number, title, label, text
                 in db.session.execute(ARTICLES, {"cited": missing})}
        known.update({item: found.get(item) for item in missing})
        if library is not None and marker != library:
            _cited_cache = (library, known)
    return {item: known[item] for item in cited if known[item] is not None}


def basis_articles(basis: list | None, library: tuple | None = None) -> list[dict]:
    """The cited articles with their full text and a link to read each one (at most one statement for all of them;
    none when `library` is given and they were read before under it)."""
    cited = [(entry.get("law", ""), int(entry.get("article") or 0)) for entry in basis or []]
    if not cited:
        return []
    found = cited_articles(cited, library)
    return [dict(found[item]) for item in cited if item in found]


def key_text(qtype: str, key) -> str:
    """The key written for people: B; A、C; 正确/错误; blanks joined by ；."""
    from flask_babel import gettext as _

    if qtype == "single":
        return str(key)
    if qtype == "multiple":
        return "、".join(key or [])
    if qtype == "true_false":
        return _("True") if key else _("False")
    if qtype == "blank":
        return "；".join(" / ".join(alternatives) for alternatives in key or [])
    return ""


def answer_text(qtype: str, answer) -> str:
    """The learner's answer written like the key ("—" when empty)."""
    if answer in (None, [], ""):
        return "—"
    if qtype == "blank":
        return "；".join(str(a) for a in answer) or "—"
    return key_text(qtype, answer)


def feedback_json(outcome) -> dict:
    """The answer endpoint's reply: right or wrong, the key, the explanation, the cited articles, the next due date."""
    version = outcome.version
    data = {"question_id": outcome.answer.question_id, "correct": outcome.correct, "key": version.answer,
            "key_text": key_text(version.type, version.answer), "explanation": version.explanation or "",
            "articles": basis_articles(version.basis, outcome.library), "next_due": iso(outcome.card_due),
            "next_due_text": local_date(outcome.card_due).isoformat() if outcome.card_due else None,
            "rating": RATING_NAMES[outcome.answer.rating], "in_book": outcome.in_book,
            "left_book": outcome.left_book, "credited": outcome.answer.is_credited, "repeated": outcome.repeated}
    if version.type == "case":
        data["parts"] = [{"n": p.n, "type": p.type, "correct": p.correct, "key": p.key,
                          "key_text": key_text(p.type, p.key), "explanation": p.explanation,
                          "articles": basis_articles(p.basis, outcome.library)} for p in outcome.parts]
    return data


RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}
