"""The demo's open yearly exam for the whole demo organisation (idempotent).

The demo has only the shipped bank, which is public (published for study with its keys): the demo exam
allows public questions and says so on its pages ("所用题目已公开"). A real exam draws confidential ones.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..org.models import Unit
from .bank_source import rule_pool
from .models import Exam
from .services import DEFAULT_BLUEPRINT

DEMO_TOWN = "乌塘镇"


def fitted_blueprint() -> list[dict]:
    """The default 50-question paper, shrunk per type to what the active bank (public included) holds."""
    rules = []
    for rule in DEFAULT_BLUEPRINT:
        available = len(rule_pool(rule, allow_public=True))
        if available:
            rules.append({**rule, "count": min(int(rule["count"]), available)})
    return rules


def seed_demo_exam(now: datetime) -> str:
    """Create (once) a published exam open now for everyone in the demo town; describe it."""
    title = f"{now.year}年度学法考试"
    exam = db.session.scalar(select(Exam).where(Exam.title == title, Exam.year == now.year))
    if exam is not None:
        if not exam.allows_public_questions:
            # Seeded before exams drew confidential questions only: the demo's bank is all public.
            exam.allows_public_questions = True
            return f"考试已存在：{title}（编号 {exam.id}），现改为可用公开题目，页面会提示所用题目已公开"
        return f"考试已存在：{title}（编号 {exam.id}）"
    blueprint = fitted_blueprint()
    if not blueprint:
        return "未创建考试：题库为空（请先运行 `flask --app wsgi content load`）"
    town = db.session.scalar(select(Unit).where(Unit.full_name == DEMO_TOWN))
    exam = Exam(title=title, year=now.year, status="published", published_at=now,
                opens_at=(now - timedelta(days=1)).replace(microsecond=0),
                closes_at=(now + timedelta(days=30)).replace(microsecond=0), duration_minutes=90,
                pass_mark=Decimal(60), excellent_mark=Decimal(90), max_attempts=3, counted_rule="highest",
                multiple_rule="partial", partial_share=Decimal("0.5"), review_policy="after_submit",
                review_shows_key=True, counts_toward_record=True, blueprint=blueprint, allows_public_questions=True,
                audience={"unit_ids": [town.id]} if town else {}, created_at=now, updated_at=now)
    db.session.add(exam)
    db.session.flush()
    count = sum(int(r["count"]) for r in blueprint)
    points = sum(Decimal(r["points"]) * int(r["count"]) for r in blueprint)
    note = "" if count == 50 else "（题库题量不足，少于默认的 50 题）"
    return (f"已创建考试：{title}（编号 {exam.id}），{count} 题，满分 {points} 分{note}；"
            "抽取随系统发布的公开题目，考试页面会提示所用题目已公开")
