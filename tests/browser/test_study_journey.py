"""A cadre reads an article on a phone; the time spent reading is credited."""

from sqlalchemy import func, select

from examapp.extensions import db
from examapp.org.models import User
from examapp.study.models import StudyCredit

from .conftest import axe_violations, log_in, no_horizontal_scroll, screenshot


def credited_seconds(app, username: str) -> int:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        total = db.session.scalar(select(func.coalesce(func.sum(StudyCredit.seconds), 0))
                                  .where(StudyCredit.user_id == user_id))
        db.session.remove()
        return int(total)


def test_reading_an_article_on_a_phone_is_credited(live_server, phone):
    base, app = live_server["url"], live_server["app"]
    log_in(phone, base, "cadre2")
    phone.goto(f"{base}/study/laws/administrative-penalty-law-2021/articles/33")
    assert "第三十三条" in phone.locator("h1").inner_text()
    assert "违法行为轻微并及时改正" in phone.locator("main").inner_text()
    assert no_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    screenshot(phone, "article-phone")
    before = credited_seconds(app, "cadre2")
    phone.mouse.wheel(0, 200)
    phone.wait_for_timeout(33_000)  # one heartbeat interval (30 s) and a little more
    phone.mouse.wheel(0, 100)
    assert credited_seconds(app, "cadre2") > before
    phone.get_by_role("link", name="第三十四条").first.click()
    assert "第三十四条" in phone.locator("h1").inner_text()


def test_search_and_citation_jump(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "cadre3")
    phone.goto(f"{base}/study/search?q=行政处罚法第三十三条")
    phone.wait_for_url("**/articles/33")
    phone.goto(f"{base}/study/search?q=复议")
    assert phone.locator("mark").count() > 0
    assert no_horizontal_scroll(phone)
