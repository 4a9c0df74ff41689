"""The home page says what to do now; 我的 and 学法 gather the menu for the phone's bottom bar."""

import re
from datetime import timedelta

from examapp.exams import attempts
from examapp.extensions import db
from examapp.study.credits import credit_row, local_day
from examapp.study.models import StudyAttendance, StudySession

from .conftest import make_exam


def page(client, url="/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_open_exam_shows_with_its_deadline_in_beijing_time(org, exam, login):
    html = page(login(org.learner))
    assert 'data-testid="home-open-exams"' in html and exam.title in html
    closes = exam.closes_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert f"{closes.month}月{closes.day}日 {closes:%H:%M}" in html
    assert f'href="/exams/{exam.id}"' in html
    assert "home-in-progress" not in html and "home-retry" not in html


def test_an_exam_in_progress_shows_time_left_and_continue(org, exam, login):
    attempt = attempts.start_attempt(exam, org.learner, org.now - timedelta(minutes=30))
    db.session.commit()
    html = page(login(org.learner))
    assert 'data-testid="home-in-progress"' in html
    assert f'href="/exams/attempts/{attempt.id}"' in html and "继续答题" in html
    left = re.search(r'data-testid="home-time-left">剩余 (\d+) 分钟', html)
    assert left and 58 <= int(left.group(1)) <= 61  # 90 minutes, 30 gone
    assert 'data-testid="home-open-exams"' not in html  # the exam is not also offered as new


def test_an_overdue_attempt_is_scored_not_offered(org, exam, login):
    attempts.start_attempt(exam, org.learner, org.now - timedelta(hours=3))
    db.session.commit()
    html = page(login(org.learner))
    assert "home-in-progress" not in html
    assert 'data-testid="home-retry"' in html  # scored 0 at its deadline, attempts remain


def test_a_failed_result_offers_try_again_while_attempts_remain(org, bank, login):
    exam = make_exam(org, max_attempts=2)
    for minute in (0, 10):
        done = attempts.start_attempt(exam, org.learner, org.now + timedelta(minutes=minute))
        attempts.submit(done, org.now + timedelta(minutes=minute + 5))
        db.session.commit()
        html = page(login(org.learner))
        if minute == 0:
            assert 'data-testid="home-retry"' in html and "再考一次" in html
            assert "还可考 1 次" in html and f'href="/exams/{exam.id}"' in html
    assert "home-retry" not in html and "再考一次" not in html  # no attempts left
    assert "home-open-exams" not in html


def test_a_passed_exam_asks_for_nothing(org, exam, login):
    done = attempts.start_attempt(exam, org.learner, org.now)
    attempts.submit(done, org.now + timedelta(minutes=5))
    done.passed = True
    db.session.commit()
    html = page(login(org.learner))
    assert exam.title not in html.split('<h2>全部功能</h2>')[0]


def test_credits_are_shown_in_one_unit_against_the_requirement(org, library, login):
    law = library["administrative-penalty-law-2021"]
    credit_row(org.learner.id, law.id, local_day(org.now)).seconds = 30 * 60
    db.session.commit()
    html = page(login(org.learner))
    card = section(html, "home-credits")
    assert "学分" in card and "学时" not in card
    assert re.search(r"已获 [\d.]+ 学分，要求 [\d.]+ 学分", card)
    assert "<progress" in card


def test_leaders_see_their_organised_study_others_do_not(org, login):
    org.learner.is_leader = True
    held = StudySession(unit_id=org.office.id, held_on=local_day(org.now), topic="宪法学习", hours=2,
                        recorded_by_id=org.admin.id)
    db.session.add(held)
    db.session.flush()
    db.session.add(StudyAttendance(session_id=held.id, user_id=org.learner.id))
    db.session.commit()
    card = section(page(login(org.learner)), "home-leader")
    assert "已参加 1 次，共需 2 次" in card and "还需参加 1 次" in card
    assert "home-leader" not in page(login(org.villager))


def test_staff_get_their_menu_not_a_learners_dashboard(org, login):
    html = page(login(org.examiner))
    assert "home-credits" not in html and "home-leader" not in html
    assert "/bank/" in html  # the question bank tile


def test_bottom_bar_on_every_page_but_the_exam_itself(org, exam, login):
    client = login(org.learner)
    html = page(client)
    nav = section(html, "bottom-nav", tag="nav")
    for label, url in (("首页", "/"), ("学法", "/learn"), ("考试", "/exams/"), ("我的", "/me")):
        assert f'href="{url}"' in nav and label in nav
    assert re.search(r'href="/"\s+aria-current="page"', nav)
    assert re.search(r'href="/learn"\s+aria-current="page"', section(page(client, "/study/"), "bottom-nav", "nav"))
    assert re.search(r'href="/me"\s+aria-current="page"', section(page(client, "/me"), "bottom-nav", "nav"))
    attempt = attempts.start_attempt(exam, org.learner, org.now)
    db.session.commit()
    assert 'data-testid="bottom-nav"' not in page(client, f"/exams/attempts/{attempt.id}")
    assert 'data-testid="bottom-nav"' not in page(client.__class__(client.application), "/login")


def test_me_has_profile_settings_records_and_logout(org, login):
    html = page(login(org.unitadmin), "/me")
    for text in ("unitadmin", "东山村民委员会", "修改密码", "Switch to English", "大字模式", "我的证书",
                 "我的学法档案", 'data-testid="me-logout"', "/org/people"):
        assert text in html, text
    assert "/org/people" not in page(login(org.learner), "/me")


def test_language_switch_from_me_comes_back_to_me(org, login):
    client = login(org.learner)
    response = client.post("/language/en", data={"next": "/me"})
    assert response.status_code == 302 and response.location.endswith("/me")
    assert "切换到中文" in page(client, "/me")


def test_learn_gathers_reading_cases_practice_and_own_study(org, login):
    html = page(login(org.learner), "/learn")
    for url in ("/study/", "/study/cases", "/practice/", "/study/progress"):
        assert f'href="{url}' in html, url
    assert 'action="/study/search"' in html


def test_pages_need_a_login(client, org):
    for url in ("/", "/me", "/learn"):
        assert client.get(url).status_code == 302


def section(html: str, testid: str, tag: str = "section") -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index(f"</{tag}>", start)]
