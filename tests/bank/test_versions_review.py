"""Versions never change past results; eligible_questions; amendment review (待复核)."""

import re

import pytest
from sqlalchemy import select

from examapp.bank import services
from examapp.bank.loader import load_bank_dir
from examapp.bank.models import Question, QuestionReview, QuestionVersion
from examapp.bank.review import confirm_review
from examapp.db import utcnow
from examapp.errors import Invalid
from examapp.extensions import db
from examapp.study.loader import LAWS_DIR, load_laws_dir
from examapp.study.models import Law
from examapp.study.services import refresh_in_force

from .helpers import SAMPLE_DIR

APL = "administrative-penalty-law-2021"
NEW = "administrative-penalty-law-2099"


@pytest.fixture
def bank(req):
    report = load_bank_dir(SAMPLE_DIR, utcnow())
    assert not report.errors, report.errors
    db.session.commit()
    return {q.code: q for q in db.session.scalars(select(Question))}


def codes(stmt) -> set[str]:
    return {q.code for q in db.session.scalars(stmt)}


def test_an_edit_makes_a_new_version_and_keeps_the_old(bank):
    question = bank["t-single"]
    first = question.current
    data = services.question_dict(question)
    data["stem"] = "行政处罚应当遵循什么原则？"
    version = services.update_question(question, data, None, utcnow())
    db.session.commit()
    assert version.number == 2 and question.current_version_id == version.id
    assert db.session.get(QuestionVersion, first.id).stem == "行政处罚遵循什么原则？"
    assert services.update_question(question, data, None, utcnow()) is None  # unchanged: no version


def test_versions_are_immutable(bank):
    version = bank["t-single"].current
    version.stem = "改了"
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_loader_versions_only_changed_questions(bank, tmp_path):
    text = (SAMPLE_DIR / "sample.yaml").read_text(encoding="utf-8").replace("保密", "保守秘密")
    (tmp_path / "sample.yaml").write_text(text, encoding="utf-8")
    report = load_bank_dir(tmp_path, utcnow())
    db.session.commit()
    assert report.updated == ["t-single"] and len(report.unchanged) == 4
    assert bank["t-single"].current.number == 2


def test_eligible_questions_filters(bank):
    assert codes(services.eligible_questions()) == set(bank)
    assert codes(services.eligible_questions(type="case")) == {"t-case"}
    assert codes(services.eligible_questions(type=["single", "multiple"])) == {"t-single", "t-multiple"}
    assert codes(services.eligible_questions(difficulty=[1])) == {"t-tf", "t-blank"}
    assert codes(services.eligible_questions(tag="程序")) == {"t-multiple"}
    assert codes(services.eligible_questions(audience="grid")) == {"t-single", "t-tf", "t-blank"}
    assert codes(services.eligible_questions(chapter="第一章 总则")) == set(bank)
    assert codes(services.eligible_questions(law="constitution-2018")) == set()
    bank["t-single"].status = "retired"
    bank["t-tf"].status = "draft"
    bank["t-blank"].needs_review = True
    db.session.flush()
    assert codes(services.eligible_questions()) == {"t-multiple", "t-case"}


def amended_copy(tmp_path):
    """A 2099 version of the law: article 5 reworded, article 8 replaced by something else."""
    text = (LAWS_DIR / f"{APL}.md").read_text(encoding="utf-8")
    text = text.replace("<!-- INFO END -->", "2099年1月1日 测试用修订\n\n<!-- INFO END -->")
    text = text.replace("行政处罚遵循公正、公开的原则。", "行政处罚遵循公正、公开、高效的原则。")
    text = re.sub(r"第八条 [^\n]*\n\n[^\n]*\n", "第八条 本条在测试中改写为完全不同的内容，与原文没有关系。\n", text)
    path = tmp_path / f"{NEW}.md"
    path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def amended(bank, tmp_path):
    report = load_laws_dir(amended_copy(tmp_path), utcnow())
    assert report.added == [NEW], report.errors
    db.session.commit()
    yield bank
    law = db.session.scalar(select(Law).where(Law.slug == NEW))
    db.session.rollback()
    db.session.execute(QuestionReview.__table__.delete())
    db.session.delete(db.session.get(Law, law.id))
    db.session.flush()
    refresh_in_force()
    db.session.commit()


def test_a_new_law_version_flags_changed_questions(amended):
    reviews = {r.question.code: r for r in db.session.scalars(select(QuestionReview))}
    assert set(reviews) == {"t-single", "t-tf", "t-blank", "t-case"}  # t-multiple cites only article 7
    assert reviews["t-single"].changes == [{"article": 5, "new_article": 5, "status": "changed"}]
    assert reviews["t-tf"].changes == [{"article": 8, "new_article": None, "status": "removed"}]
    assert all(amended[code].needs_review for code in reviews)
    assert codes(services.eligible_questions()) == {"t-multiple"}


def test_confirming_cites_the_new_version_and_releases_the_question(amended):
    review = db.session.scalar(select(QuestionReview).join(Question).where(Question.code == "t-single"))
    old_version = amended["t-single"].current_version_id
    confirm_review(review, None, utcnow())
    db.session.commit()
    question = amended["t-single"]
    assert not question.needs_review and question.current_version_id != old_version
    assert question.current.basis == [{"law": NEW, "article": 5}] and question.law_slug == NEW
    assert db.session.get(QuestionVersion, old_version).basis == [{"law": APL, "article": 5}]
    assert "t-single" in codes(services.eligible_questions())


def test_a_removed_article_cannot_be_confirmed(amended):
    review = db.session.scalar(select(QuestionReview).join(Question).where(Question.code == "t-tf"))
    with pytest.raises(Invalid):
        confirm_review(review, None, utcnow())


def test_review_pages(amended, org, login):
    client = login(org.examiner)
    review = db.session.scalar(select(QuestionReview).join(Question).where(Question.code == "t-single"))
    page = client.get("/bank/reviews").get_data(as_text=True)
    assert "t-single" in page and "t-multiple" not in page
    page = client.get(f"/bank/reviews/{review.id}").get_data(as_text=True)
    assert "行政处罚遵循公正、公开的原则。" in page and "<ins>、高效</ins>" in page
    response = client.post(f"/bank/reviews/{review.id}/confirm")
    assert response.status_code == 302
    assert not amended["t-single"].needs_review
    removed = db.session.scalar(select(QuestionReview).join(Question).where(Question.code == "t-tf"))
    form = client.get(f"/bank/reviews/{removed.id}/edit")
    assert form.status_code == 200
    response = client.post(f"/bank/reviews/{removed.id}/edit", data={
        "type": "true_false", "stem": "违法行为构成犯罪的，可以用行政处罚代替刑事处罚。", "answer": "错误",
        "basis": f"{APL}:7", "difficulty": 1, "audience": "grid", "status": "active", "explanation": "改了依据"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    db.session.expire_all()
    assert not amended["t-tf"].needs_review and amended["t-tf"].current.number == 2
    assert client.post(f"/bank/reviews/{removed.id}/confirm").status_code == 409
    assert login(org.learner).get(f"/bank/reviews/{review.id}").status_code == 403
