"""纠错 on a 360×740 phone: a learner reports a question from practice feedback, an examiner dismisses it with a
reply, and the learner reads the reply on 我的纠错; every page passes axe-core."""

from .conftest import axe_violations, log_in, no_horizontal_scroll, screenshot
from .test_practice_journey import answer, served_version

USER = "cadre11"
REPLY = "经核对《宪法》原文，本题答案无误。"


def test_report_from_practice_feedback_and_read_the_reply(live_server, phone):
    base, app = live_server["url"], live_server["app"]
    log_in(phone, base, USER)
    phone.goto(f"{base}/practice/question?law=constitution-2018")
    phone.locator("[data-practice-form]").wait_for()
    version = served_version(app, phone)
    answer(phone, version, right=False)
    link = phone.locator("[data-feedback]").get_by_test_id("report-error")
    assert link.inner_text() == "这道题有误？我要纠错"
    link.click()
    phone.get_by_test_id("report-form").wait_for()
    assert version.stem in phone.inner_text("main")
    assert axe_violations(phone) == [] and no_horizontal_scroll(phone)
    phone.get_by_label("存在什么问题？").select_option("explanation")
    phone.get_by_label("具体说明").fill("解析与第一条原文不一致。")
    phone.get_by_test_id("send-report").click()
    phone.wait_for_url(f"{base}/bank/reports/mine")
    mine = phone.get_by_test_id("my-report").first
    assert "解析有误" in mine.inner_text() and "待处理" in mine.inner_text()
    assert axe_violations(phone) == [] and no_horizontal_scroll(phone)
    screenshot(phone, "report-error-sent")

    phone.context.clear_cookies()
    log_in(phone, base, "examiner")
    phone.goto(f"{base}/bank/reports")
    assert axe_violations(phone) == []
    phone.get_by_test_id("queue-row").first.get_by_role("link").click()
    assert "解析与第一条原文不一致。" in phone.inner_text("main")
    assert axe_violations(phone) == []
    phone.get_by_label("给学员的答复").fill(REPLY)
    phone.get_by_role("button", name="不予采纳：试题无误").click()
    phone.wait_for_url(f"{base}/bank/reports")

    phone.context.clear_cookies()
    log_in(phone, base, USER)
    phone.goto(f"{base}/bank/reports/mine")
    assert "未采纳" in phone.get_by_test_id("my-report").first.inner_text()
    assert REPLY in phone.get_by_test_id("report-reply").first.inner_text()
    assert axe_violations(phone) == []
    screenshot(phone, "report-error-replied")
