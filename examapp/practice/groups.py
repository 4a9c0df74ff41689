"""Mastery for staff: a unit admin's subtree (who has not practised) and the organisation (articles most missed)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, case, func, select

from ..bank.models import QuestionVersion
from ..extensions import db
from ..org.models import User
from ..permissions import restrict_to_scope
from ..study.credits import local_day
from ..study.services import find_article
from .models import PracticeAnswer

ARTICLE_DAYS = 90  # the most-missed list covers about a quarter: the span between two 集中学法 sessions


def people_in_scope(viewer: User) -> Select:
    """Ids of active people the viewer may see (their unit subtree; everyone for examiners and admins)."""
    return restrict_to_scope(select(User.id).where(User.status == "active"), viewer)


def month_start(now: datetime) -> date:
    return local_day(now).replace(day=1)


def not_practised_since(viewer: User, since: date) -> list[tuple[User, date | None]]:
    """People in scope with no practice answer since the day given, with the day they last practised."""
    last = (select(PracticeAnswer.user_id, func.max(PracticeAnswer.day).label("last_day"))
            .group_by(PracticeAnswer.user_id).subquery())
    stmt = (select(User, last.c.last_day).outerjoin(last, last.c.user_id == User.id)
            .where(User.id.in_(people_in_scope(viewer)))
            .where((last.c.last_day.is_(None)) | (last.c.last_day < since))
            .order_by(User.unit_id, User.name))
    return [(person, day) for person, day in db.session.execute(stmt)]


@dataclass
class MissedArticle:
    law: str
    number: int
    answers: int = 0
    wrong: int = 0
    law_title: str = ""
    label: str = ""

    @property
    def rate(self) -> float:
        return self.wrong / self.answers if self.answers else 0.0


def most_missed_articles(users: Select, now: datetime, limit: int = 20) -> list[MissedArticle]:
    """The cited articles behind the most wrong practice answers of these people in the last quarter."""
    stmt = (select(PracticeAnswer.version_id, func.count(PracticeAnswer.id),
                   func.sum(case((PracticeAnswer.is_correct.is_(False), 1), else_=0)))
            .where(PracticeAnswer.user_id.in_(users), PracticeAnswer.answered_at >= now - timedelta(days=ARTICLE_DAYS))
            .group_by(PracticeAnswer.version_id))
    counts = {vid: (int(n), int(wrong or 0)) for vid, n, wrong in db.session.execute(stmt)}
    bases = db.session.execute(select(QuestionVersion.id, QuestionVersion.basis)
                               .where(QuestionVersion.id.in_(list(counts) or [-1])))
    articles: dict[tuple[str, int], MissedArticle] = {}
    for vid, basis in bases:
        answers, wrong = counts[vid]
        for entry in basis or []:
            key = (entry.get("law", ""), int(entry.get("article") or 0))
            item = articles.setdefault(key, MissedArticle(*key))
            item.answers, item.wrong = item.answers + answers, item.wrong + wrong
    ranked = sorted((a for a in articles.values() if a.wrong), key=lambda a: (-a.wrong, -a.rate, a.law, a.number))
    for item in ranked[:limit]:
        article = find_article(item.law, item.number)
        item.law_title = article.law.short_title if article else item.law
        item.label = article.label if article else str(item.number)
    return ranked[:limit]
