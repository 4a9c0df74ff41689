"""The mastery map (掌握情况): per law and chapter, what a learner or a group practised, got right and retains."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, case, func, select

from ..bank.models import Question, QuestionVersion
from ..extensions import db
from ..study.models import Article, Law
from ..study.numerals import NUMERAL_RE, cn_to_int
from .models import PracticeAnswer, PracticeCard
from .pool import practice_questions
from .schedule import retrievability, scheduler

RECENT_DAYS = 30  # accuracy is over the answers of the last 30 days
WEAK_ACCURACY = 0.6  # below this (with at least MIN_ANSWERS answers) a chapter is weak
WEAK_RETRIEVABILITY = 0.7  # or when the mean chance of recall of its practised questions falls below this
MIN_ANSWERS = 3
_CHAPTER_NO = re.compile(rf"^第({NUMERAL_RE}|\d+)[章编]")


@dataclass
class ChapterRow:
    law: str
    chapter: str
    law_title: str = ""
    bank: int = 0  # public questions that may be practised
    practised: int = 0  # distinct questions practised (by the learner, or by anyone in the group)
    people: int = 0  # people who practised it (groups)
    answers: int = 0  # recent answers
    correct: int = 0
    recall_sum: float = 0.0
    cards: int = 0
    first_article: int | None = None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None

    @property
    def retrievability(self) -> float | None:
        return self.recall_sum / self.cards if self.cards else None

    @property
    def coverage(self) -> float:
        return min(self.practised / self.bank, 1.0) if self.bank else 0.0

    @property
    def is_weak(self) -> bool:
        low_accuracy = self.answers >= MIN_ANSWERS and (self.accuracy or 0) < WEAK_ACCURACY
        low_recall = self.cards >= MIN_ANSWERS and (self.retrievability or 0) < WEAK_RETRIEVABILITY
        return low_accuracy or low_recall


def chapter_order(row: ChapterRow) -> tuple:
    """Laws by title, chapters in the statute's order (第二章 before 第十章)."""
    match = _CHAPTER_NO.match(row.chapter or "")
    return (row.law_title, int(cn_to_int(match.group(1))) if match else 10_000, row.chapter)


def chapter_rows(users: Select, now: datetime) -> list[ChapterRow]:
    """Rows for every law and chapter of the practisable bank, for the people the select returns (user ids)."""
    rows: dict[tuple[str, str], ChapterRow] = {}

    def row(law: str, chapter: str) -> ChapterRow:
        return rows.setdefault((law, chapter or ""), ChapterRow(law, chapter or ""))

    bank = practice_questions().with_only_columns(Question.law_slug, QuestionVersion.chapter, func.count(Question.id))
    for law, chapter, count in db.session.execute(bank.group_by(Question.law_slug, QuestionVersion.chapter)):
        row(law, chapter).bank = count
    add_cards(row, users, now)
    add_answers(row, users, now)
    add_titles(rows)
    return sorted(rows.values(), key=chapter_order)


def shown_pairs() -> Select:
    """(question id, law, chapter) of the practisable bank, to join people's cards and answers with."""
    return practice_questions().with_only_columns(Question.id, Question.law_slug, QuestionVersion.chapter).subquery()


def add_cards(row, users: Select, now: datetime) -> None:
    shown = shown_pairs()
    sched = scheduler()
    stmt = select(shown.c.law_slug, shown.c.chapter, PracticeCard).join(
        shown, shown.c.id == PracticeCard.question_id).where(PracticeCard.user_id.in_(users))
    seen: dict[tuple, tuple[set, set]] = {}
    for law, chapter, card in db.session.execute(stmt):
        target = row(law, chapter)
        target.cards += 1
        target.recall_sum += retrievability(card, now, sched)
        questions, people = seen.setdefault((law, chapter or ""), (set(), set()))
        questions.add(card.question_id)
        people.add(card.user_id)
    for (law, chapter), (questions, people) in seen.items():
        row(law, chapter).practised, row(law, chapter).people = len(questions), len(people)


def add_answers(row, users: Select, now: datetime) -> None:
    shown = shown_pairs()
    stmt = (select(shown.c.law_slug, shown.c.chapter, func.count(PracticeAnswer.id),
                   func.sum(case((PracticeAnswer.is_correct.is_(True), 1), else_=0)))
            .join(shown, shown.c.id == PracticeAnswer.question_id)
            .where(PracticeAnswer.user_id.in_(users), PracticeAnswer.answered_at >= now - timedelta(days=RECENT_DAYS))
            .group_by(shown.c.law_slug, shown.c.chapter))
    for law, chapter, answers, correct in db.session.execute(stmt):
        target = row(law, chapter)
        target.answers, target.correct = int(answers or 0), int(correct or 0)


def add_titles(rows: dict) -> None:
    """Each law's short title and each chapter's first article (the link to read it)."""
    slugs = {law for law, _chapter in rows}
    titles = dict(db.session.execute(select(Law.slug, Law.short_title).where(Law.slug.in_(slugs))).all())
    firsts = db.session.execute(select(Law.slug, Article.chapter, func.min(Article.number)).join(Article.law)
                                .where(Law.slug.in_(slugs)).group_by(Law.slug, Article.chapter))
    first = {(slug, chapter or ""): number for slug, chapter, number in firsts}
    for (law, chapter), item in rows.items():
        item.law_title = titles.get(law, law)
        item.first_article = first.get((law, chapter))


def own(user_id: int) -> Select:
    from ..org.models import User

    return select(User.id).where(User.id == user_id)


def weak_chapters(user, now: datetime) -> list[tuple[str, str]]:
    """The learner's weak chapters, weakest first."""
    weak = [r for r in chapter_rows(own(user.id), now) if r.is_weak]
    weak.sort(key=lambda r: (r.accuracy if r.accuracy is not None else 1, r.retrievability or 0))
    return [(r.law, r.chapter) for r in weak]


def totals(rows: list[ChapterRow]) -> dict:
    """Whole-bank figures over the rows."""
    answers, correct = sum(r.answers for r in rows), sum(r.correct for r in rows)
    cards = sum(r.cards for r in rows)
    return {"bank": sum(r.bank for r in rows), "practised": sum(r.practised for r in rows), "answers": answers,
            "accuracy": correct / answers if answers else None,
            "retrievability": sum(r.recall_sum for r in rows) / cards if cards else None}
