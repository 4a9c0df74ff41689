"""The yearly exam on a 360 px phone (issue 10, items 1-4)."""

import re

from .conftest import axe_violations, log_in
from .test_exam_journey import start_demo_exam


def submit_with_one_tap(page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit-exam").tap()
    page.wait_for_selector("[data-testid=result]")


def test_review_explanations_name_the_letters_the_learner_saw(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "grid9")
    start_demo_exam(phone, base)
    submit_with_one_tap(phone)
    rows = phone.locator("[data-testid^=review-explanation-]")
    checked = 0
    for n in range(rows.count()):
        explanation = rows.nth(n).inner_text()
        chosen = re.search(r"故选([A-H]+)", explanation)
        if not chosen:
            continue
        position = rows.nth(n).get_attribute("data-testid").rsplit("-", 1)[1]
        key = phone.get_by_test_id(f"review-key-{position}").inner_text().split("：")[-1].split(":")[-1]
        assert chosen.group(1) == re.sub(r"[^A-H]", "", key), (position, explanation, key)
        checked += 1
    assert checked >= 10
    assert axe_violations(phone) == []


def paper_item(live_server, username: str, position: int):
    """The frozen item at a position of the person's open attempt (the test reads the key the server holds)."""
    from sqlalchemy import select

    from examapp.exams.models import IN_PROGRESS, Attempt, AttemptItem
    from examapp.extensions import db
    from examapp.org.models import User

    with live_server["app"].app_context():
        item = db.session.scalar(
            select(AttemptItem).join(Attempt).join(User, User.id == Attempt.user_id)
            .where(User.username == username, Attempt.state == IN_PROGRESS, AttemptItem.position == position))
        found = {"question_id": item.question_id, "key": item.key, "type": item.type}
        db.session.remove()
    return found


def test_one_tap_submits_while_the_cursor_is_still_in_the_last_blank(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "grid11")
    start_demo_exam(phone, base)
    last = phone.locator("section.question[data-type=blank]").last
    position = int(last.get_attribute("data-testid").rsplit("-", 1)[1])
    item = paper_item(live_server, "grid11", position)
    phone.get_by_test_id(f"nav-{position}").tap()
    inputs = last.locator("input[data-blank]")
    for n in range(inputs.count()):
        inputs.nth(n).tap()
        # Typed key by key, like a thumb on a phone keyboard; the cursor stays in the last blank.
        inputs.nth(n).press_sequentially(item["key"][n][0])
    assert phone.evaluate("() => document.activeElement.matches('input[data-blank]')")

    submit_with_one_tap(phone)
    review = phone.get_by_test_id(f"review-{position}")
    assert "right" in review.get_attribute("class").split(), review.inner_text()
    assert item["key"][-1][0] in phone.get_by_test_id(f"review-answer-{position}").inner_text()
    assert axe_violations(phone) == []


HIDE_JS = """(hidden) => {
  Object.defineProperty(document, 'hidden', {value: hidden, configurable: true});
  Object.defineProperty(document, 'visibilityState', {value: hidden ? 'hidden' : 'visible', configurable: true});
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def test_leaving_the_page_is_explained_before_and_warned_on_return(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "grid12")
    phone.goto(f"{base}/exams/")
    phone.locator("main a[href*='/exams/']").first.click()
    policy = phone.get_by_test_id("leave-policy")
    assert "不会因此交卷" in policy.inner_text() and "3 秒" in policy.inner_text()
    assert axe_violations(phone) == []
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("start-exam").click()
    phone.wait_for_selector("[data-testid=exam-page]")
    assert phone.get_by_test_id("leave-policy").is_visible()
    warning = phone.get_by_test_id("leave-warning")

    # A glance at a notification (under 3 s): kept as evidence, no warning.
    phone.evaluate("() => window.dispatchEvent(new Event('blur'))")
    phone.wait_for_timeout(500)
    with phone.expect_response(lambda r: r.url.endswith("/events")):
        phone.evaluate("() => window.dispatchEvent(new Event('focus'))")
    phone.wait_for_timeout(300)
    assert not warning.is_visible()

    # Answering a call: the page is hidden for a few seconds, then shown again.
    phone.evaluate(HIDE_JS, True)
    phone.wait_for_timeout(3500)
    phone.evaluate(HIDE_JS, False)
    warning.wait_for(state="visible")
    text = warning.inner_text()
    assert "第 1 次" in text and "考试继续" in text, text
    assert warning.bounding_box()["y"] < 740  # in the sticky bar: seen wherever the learner was
    assert axe_violations(phone) == []
    phone.get_by_test_id("leave-warning-close").tap()
    assert not warning.is_visible()
    assert phone.get_by_test_id("exam-page").count() == 1  # record only: the exam goes on
