"""Bank coverage (题库覆盖): how many active questions cite each law, chapter and article."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from .models import TYPES, Question, QuestionVersion

DIFFICULTIES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class CitedQuestion:
    """What coverage needs of one question: its type, difficulty, audience and every article it cites."""

    type: str
    difficulty: int
    audience: str
    articles: frozenset  # {(slug, number)} from the question's basis and its sub-questions' bases


@dataclass
class Tally:
    """Questions citing one article (or summed over a chapter or law), by type and difficulty."""

    questions: int = 0
    by_type: dict = field(default_factory=lambda: {t: 0 for t in TYPES})
    by_difficulty: dict = field(default_factory=lambda: {str(d): 0 for d in DIFFICULTIES})

    def add(self, question: CitedQuestion) -> None:
        self.questions += 1
        self.by_type[question.type] = self.by_type.get(question.type, 0) + 1
        key = str(question.difficulty)
        self.by_difficulty[key] = self.by_difficulty.get(key, 0) + 1

    def as_dict(self) -> dict:
        return {"questions": self.questions, "by_type": dict(self.by_type), "by_difficulty": dict(self.by_difficulty)}


def cited_articles(basis: list | None, subquestions: list | None) -> frozenset:
    """Every (law, article) a question cites, in its own basis or a case sub-question's."""
    entries = list(basis or [])
    for sub in subquestions or []:
        entries += sub.get("basis") or []
    return frozenset((e["law"], int(e["article"])) for e in entries if e.get("law") and e.get("article"))


def matches_audience(question_audience: str, audience: str | None) -> bool:
    """A filter for one audience admits that audience's questions and those for everyone."""
    return not audience or question_audience in (audience, "all")


def compute_coverage(articles: Iterable[tuple[str, int, str]], questions: Iterable[CitedQuestion],
                     audience: str | None = None) -> dict:
    """Count the questions citing each article, chapter and law (a question counts once per unit).

    `articles` are (law slug, number, chapter) in reading order. Returns {slug: {"articles", "articles_cited",
    "questions", "by_type", "by_difficulty", "chapters": [{"title", "articles", "articles_cited",
    "questions", ...}], "items": [{"number", "chapter", "questions", "by_type", "by_difficulty"}]}}.
    """
    chosen = [q for q in questions if matches_audience(q.audience, audience)]
    per_article: dict[tuple[str, int], Tally] = {}
    per_law: dict[str, list[tuple[CitedQuestion, set[int]]]] = {}
    for question in chosen:
        numbers: dict[str, set[int]] = {}
        for slug, number in question.articles:
            per_article.setdefault((slug, number), Tally()).add(question)
            numbers.setdefault(slug, set()).add(number)
        for slug, cited in numbers.items():
            per_law.setdefault(slug, []).append((question, cited))
    laws: dict[str, dict] = {}
    for slug, number, chapter in articles:
        law = laws.setdefault(slug, {"items": [], "chapters": {}})
        tally = per_article.get((slug, number), Tally())
        law["items"].append({"number": number, "chapter": chapter, **tally.as_dict()})
        law["chapters"].setdefault(chapter, set()).add(number)
    return {slug: summarise(law, per_law.get(slug, [])) for slug, law in laws.items()}


def summarise(law: dict, questions: list[tuple[CitedQuestion, set[int]]]) -> dict:
    """Law and chapter totals: articles, articles cited, and distinct questions citing any of them."""
    chapters = [{"title": title, **distinct_tally(numbers, questions, law["items"])}
                for title, numbers in law["chapters"].items()]
    every = {item["number"] for item in law["items"]}
    return {**distinct_tally(every, questions, law["items"]), "chapters": chapters, "items": law["items"]}


def distinct_tally(numbers: set[int], questions: list[tuple[CitedQuestion, set[int]]], items: list[dict]) -> dict:
    tally = Tally()
    for question, cited in questions:
        if cited & numbers:
            tally.add(question)
    cited_articles_n = sum(1 for item in items if item["number"] in numbers and item["questions"])
    return {"articles": len(numbers), "articles_cited": cited_articles_n, **tally.as_dict()}


def library_articles(law: str | None = None) -> list[tuple[str, int, str]]:
    """The library's articles as (slug, number, chapter), law by law in reading order."""
    from ..study.models import Article, Law

    stmt = select(Law.slug, Article.number, Article.chapter).join(Article, Article.law_id == Law.id).where(
        Article.suffix == 0).order_by(Law.slug, Article.ordinal)
    if law:
        stmt = stmt.where(Law.slug == law)
    return [(slug, number, chapter or "") for slug, number, chapter in db.session.execute(stmt)]


def active_questions() -> list[CitedQuestion]:
    """Every active question's type, difficulty, audience and cited articles."""
    stmt = select(Question.type, QuestionVersion.difficulty, QuestionVersion.audience, QuestionVersion.basis,
                  QuestionVersion.subquestions).join(
        QuestionVersion, Question.current_version_id == QuestionVersion.id).where(Question.status == "active")
    return [CitedQuestion(kind, difficulty, audience or "all", cited_articles(basis, subs))
            for kind, difficulty, audience, basis, subs in db.session.execute(stmt)]


def bank_coverage(law: str | None = None, audience: str | None = None) -> dict:
    """Coverage of the library's laws (or one law) by the active bank."""
    return compute_coverage(library_articles(law), active_questions(), audience)


def coverage_summary(report: dict) -> dict:
    """Per law: articles, articles cited, and the numbers of the articles no question cites."""
    return {slug: {"articles": law["articles"], "articles_cited": law["articles_cited"],
                   "uncited": [item["number"] for item in law["items"] if not item["questions"]]}
            for slug, law in report.items()}
