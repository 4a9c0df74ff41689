"""Case studies: shipped files load and check their articles; finishing credits; admin editing."""

import re

from sqlalchemy import func, select

from examapp.db import utcnow
from examapp.extensions import db
from examapp.study.cases import CASES_DIR, load_cases_dir
from examapp.study.citations import find_citations
from examapp.study.credits import yearly_progress
from examapp.study.models import CaseStudy
from examapp.study.services import find_article


def test_at_least_twelve_cases_with_checked_articles(cases):
    items = db.session.scalars(select(CaseStudy)).all()
    assert len(items) >= 12 and len(cases.added) == len(items)
    for case in items:
        assert case.links, case.code
        for link in case.links:
            article = find_article(link.law.slug, link.article_number)
            squash = re.sub(r"\s+", "", article.text)
            assert re.sub(r"\s+", "", link.quote) in squash, (case.code, link.quote)
        cited = find_citations(case.analysis)
        assert cited, case.code


def test_reload_is_idempotent(cases, ctx):
    again = load_cases_dir(CASES_DIR, utcnow())
    assert not again.added and not again.updated and not again.errors
    assert len(again.unchanged) == len(cases.added)


BAD = """code: bad-case
title: 错误的案例
scenario: |
  某村发生纠纷。
analysis: |
  依照《中华人民共和国刑法》第二十条处理。
articles:
  - ref: land-administration-law-2019:62
    quote: 农村村民一户只能拥有一处宅基地
"""


def test_unknown_law_in_citation_names_file_and_line(library, ctx, tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "quote.yaml").write_text(BAD.replace("bad-case", "quote-case").replace("刑法", "土地管理法")
                                         .replace("一户只能", "一户可以"), encoding="utf-8")
    (tmp_path / "missing.yaml").write_text(BAD.replace("bad-case", "missing-case").replace("刑法", "土地管理法")
                                           .replace("2019:62", "2019:620"), encoding="utf-8")
    report = load_cases_dir(tmp_path, utcnow())
    assert len(report.errors) == 3 and not report.added
    errors = " ".join(report.errors)
    assert "bad.yaml:6:" in errors and "中华人民共和国刑法" in errors
    assert "quote.yaml:9:" in errors and "missing.yaml:8:" in errors
    assert db.session.scalar(select(func.count(CaseStudy.id))) == 0


def test_finish_case_credits_once(cases, org, login):
    case = db.session.scalar(select(CaseStudy).where(CaseStudy.code == "fine-without-defence"))
    client = login(org.villager)
    page = client.get(f"/study/cases/{case.id}")
    assert page.status_code == 200 and "第四十五条" in page.get_data(as_text=True)
    assert client.post(f"/study/cases/{case.id}/finish").status_code == 302
    year = utcnow().year
    assert yearly_progress(org.villager, year).cases == 1
    client.post(f"/study/cases/{case.id}/finish")
    assert yearly_progress(org.villager, year).cases == 1
    assert "badge ok" in client.get("/study/cases").get_data(as_text=True)


def test_only_admins_add_and_edit(cases, org, login):
    case = db.session.scalar(select(CaseStudy).where(CaseStudy.code == "poppy-in-the-yard"))
    for user in (org.learner, org.unitadmin, org.examiner):
        client = login(user)
        assert client.get("/study/cases/new").status_code == 403
        assert client.get(f"/study/cases/{case.id}/edit").status_code == 403
    client = login(org.admin)
    assert client.get(f"/study/cases/{case.id}/edit").status_code == 200
    form = {"code": "new-case", "title": "新案例", "scenario": "某镇执法。",
            "analysis": "《行政处罚法》第四十二条规定执法人员不得少于两人。",
            "articles": "administrative-penalty-law-2021:42 执法人员不得少于两人", "tags": "执法", "published": "y"}
    response = client.post("/study/cases/new", data=form)
    assert response.status_code == 302
    saved = db.session.scalar(select(CaseStudy).where(CaseStudy.code == "new-case"))
    assert saved.source == "app" and saved.links[0].article_number == 42
    bad = client.post("/study/cases/new", data={**form, "code": "other-case", "articles": "constitution-2018:999"})
    assert bad.status_code == 200 and db.session.scalar(select(CaseStudy).where(CaseStudy.code == "other-case")) is None
    edited = client.post(f"/study/cases/{case.id}/edit", data={**form, "code": case.code, "title": "改过的标题"})
    assert edited.status_code == 302
    db.session.refresh(case)
    assert case.title == "改过的标题" and case.source == "app"
    again = load_cases_dir(CASES_DIR, utcnow())  # the file does not overwrite the edit
    db.session.refresh(case)
    assert case.code in again.unchanged and case.title == "改过的标题"


def test_drafts_are_hidden_from_learners(cases, org, login):
    case = db.session.scalar(select(CaseStudy).where(CaseStudy.code == "poppy-in-the-yard"))
    case.is_published = False
    db.session.commit()
    assert login(org.learner).get(f"/study/cases/{case.id}").status_code == 404
    assert login(org.admin).get(f"/study/cases/{case.id}").status_code == 200


def test_citations_in_the_analysis_link_to_articles(cases, org, login):
    case = db.session.scalar(select(CaseStudy).where(CaseStudy.code == "fine-without-defence"))
    html = login(org.learner).get(f"/study/cases/{case.id}").get_data(as_text=True)
    assert '<a href="/study/laws/administrative-penalty-law-2021/articles/45">《行政处罚法》第四十五条</a>' in html
