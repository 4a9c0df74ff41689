"""Library pages for every role; the article permalink, versions and comparison; the requirement page."""

import pytest

from examapp.extensions import db
from examapp.study.credits import requirement

ROLES = ("learner", "villager", "unitadmin", "examiner", "hr", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_library(library, org, login, role):
    client = login(getattr(org, role))
    index = client.get("/study/")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert html.index("宪法</h2>") < html.index("法律</h2>") < html.index("行政法规</h2>")
    assert client.get("/study/laws/constitution-2018").status_code == 200
    assert client.get("/study/laws/constitution-2018/articles/143").status_code == 200


def test_law_page_has_contents_and_preamble(library, org, login):
    html = login(org.learner).get("/study/laws/constitution-2018").get_data(as_text=True)
    assert "第三章 国家机构" in html and "第一节 全国人民代表大会" in html
    assert 'id="preamble"' in html and "中国是世界上历史最悠久的国家之一" in html
    assert "/study/laws/constitution-2018/articles/62" in html


def test_article_permalink_with_previous_and_next(library, org, login):
    html = login(org.learner).get("/study/laws/administrative-penalty-law-2021/articles/33").get_data(as_text=True)
    assert "第三十三条" in html and 'rel="prev"' in html and 'rel="next"' in html
    assert "/articles/32" in html and "/articles/34" in html
    assert 'data-heartbeat-url="/api/v1/study/heartbeat"' in html and "js/study.js" in html
    assert 'name="viewport"' in html


def test_unknown_law_or_article_is_404(library, org, login):
    client = login(org.learner)
    assert client.get("/study/laws/nope").status_code == 404
    assert client.get("/study/laws/constitution-2018/articles/999").status_code == 404


def test_versions_show_which_is_in_force(library, org, login):
    client = login(org.learner)
    old = client.get("/study/laws/supervision-law-2018").get_data(as_text=True)
    assert "supervision-law-2024" in old and "badge warn" in old
    article = client.get("/study/laws/supervision-law-2018/articles/21").get_data(as_text=True)
    assert "/study/laws/supervision-law-2018/articles/21/compare/supervision-law-2024" in article


def test_compare_view_marks_changes(library, org, login):
    client = login(org.learner)
    changed = client.get("/study/laws/supervision-law-2024/articles/1/compare/supervision-law-2018")
    assert changed.status_code == 200
    html = changed.get_data(as_text=True)
    assert "<ins>" in html or "<del>" in html
    moved = client.get("/study/laws/supervision-law-2018/articles/21/compare/supervision-law-2024")
    assert "第二十二条" in moved.get_data(as_text=True)
    added = client.get("/study/laws/supervision-law-2024/articles/12/compare/supervision-law-2018")
    assert added.status_code == 200
    assert client.get("/study/laws/supervision-law-2024/articles/1/compare/constitution-2018").status_code == 404


def test_changes_table(library, org, login):
    html = login(org.learner).get("/study/laws/administrative-reconsideration-law-2017/changes/"
                                  "administrative-reconsideration-law-2023").get_data(as_text=True)
    assert html.count("<tr>") > 90


def test_progress_page(library, org, login):
    assert login(org.learner).get("/study/progress").status_code == 200


def test_requirement_page_admin_only(library, org, login):
    for user in (org.learner, org.unitadmin, org.hr, org.examiner):
        assert login(user).get("/study/requirements").status_code == 403
    client = login(org.admin)
    assert client.get("/study/requirements").status_code == 200
    data = {"year": "2031", "credits_required": "12", "hours_required": "40", "leader_sessions_required": "3",
            "daily_cap_minutes": "90", "minutes_per_credit": "30", "case_credits": "0.5", "session_hours": "2",
            "practice_answers_per_credit": "20", "practice_daily_cap": "1"}
    assert client.post("/study/requirements", data=data).status_code == 302
    db.session.expire_all()
    rule = requirement(2031)
    assert rule.credits_required == 12 and rule.leader_sessions_required == 3 and rule.daily_cap_minutes == 90


def test_nav_entries(library, org, login):
    learner = login(org.learner).get("/").get_data(as_text=True)
    assert "/study/" in learner and "/study/sessions" not in learner and "/study/requirements" not in learner
    admin = login(org.admin).get("/").get_data(as_text=True)
    assert "/study/sessions" in admin and "/study/requirements" in admin
