"""The yearly exam on a 360 px phone (issue 10, items 1-4)."""

import re

from .conftest import PHONE, axe_violations, log_in, screenshot
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


def go_to(page, position: int) -> None:
    """Tap a question's number on the answer sheet (opening the sheet first when it is folded)."""
    if page.get_by_test_id("answer-sheet").get_attribute("open") is None:
        page.get_by_test_id("answer-sheet-toggle").tap()
    page.get_by_test_id(f"nav-{position}").tap()


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
    go_to(phone, position)
    inputs = last.locator("input[data-blank]")
    for n in range(inputs.count()):
        inputs.nth(n).tap()
        # Typed key by key, like a thumb on a phone keyboard; the cursor stays in the last blank.
        inputs.nth(n).press_sequentially(item["key"][n][0])
    assert phone.evaluate("() => document.activeElement.matches('input[data-blank]')")

    # Hold the submit request to see the progress, and note the order in which requests leave the page.
    sent, held = [], []
    phone.on("request", lambda request: sent.append(f"{request.method} {request.url}"))
    phone.route("**/api/v1/attempts/*/submit", lambda route: held.append(route))
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("submit-exam").tap()
    phone.wait_for_function("() => document.getElementById('submit-exam').disabled")
    phone.wait_for_function("() => document.getElementById('submit-exam').textContent.includes('正在发送答案并交卷')")
    for _ in range(100):
        if held:
            break
        phone.wait_for_timeout(100)
    assert held, "the submit request never left the page"
    saves = [n for n, line in enumerate(sent) if line.startswith("PUT") and f"/answers/{item['question_id']}" in line]
    submits = [n for n, line in enumerate(sent) if line.startswith("POST") and line.endswith("/submit")]
    assert saves and submits and max(saves) < submits[0], sent  # the blank's save went out first
    held[0].continue_()
    phone.wait_for_selector("[data-testid=result]")
    review = phone.get_by_test_id(f"review-{position}")
    assert "right" in review.get_attribute("class").split(), review.inner_text()
    assert item["key"][-1][0] in phone.get_by_test_id(f"review-answer-{position}").inner_text()
    assert phone.evaluate(SMALL_TARGETS_JS) == []
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
    assert phone.evaluate(SMALL_TARGETS_JS) == []  # list titles, buttons and the header brand
    phone.locator("main a[href*='/exams/']").first.click()
    assert phone.evaluate(SMALL_TARGETS_JS) == []
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


SHOWN_JS = """() => Array.from(document.querySelectorAll('section.question'))
  .filter(s => s.getBoundingClientRect().height > 0).map(s => s.dataset.testid)"""

SMALL_TARGETS_JS = """() => {
  const found = [];
  for (const el of document.querySelectorAll(
      'a[href], button, summary, label.option, label.flag, input[type=text], select, textarea')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || el.matches('.skip-link')) continue;  // not shown
    const name = `${el.tagName} ${el.className} ${el.textContent.trim().slice(0, 12)}`;
    if (r.width < 44 || r.height < 44) found.push(`${name} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return found;
}"""

WRAPPED_KEYS_JS = """() => Array.from(document.querySelectorAll('.option .key'))
  .filter(k => k.getBoundingClientRect().height > parseFloat(getComputedStyle(k).lineHeight) * 1.4)
  .map(k => k.closest('section').dataset.testid + ' ' + k.textContent)"""

FLAGS_BELOW_OPTIONS_JS = """() => Array.from(document.querySelectorAll('section.question')).filter(s => {
  const flag = s.querySelector('label.flag').getBoundingClientRect();
  const first = s.querySelector('label.option, input[type=text]');
  return first && flag.height && flag.bottom > first.getBoundingClientRect().top;
}).map(s => s.dataset.testid)"""


def shown(page) -> list[str]:
    return page.evaluate(SHOWN_JS)


def starts_below_the_bar(page, position: int) -> bool:
    bar = page.locator(".exam-bar").bounding_box()
    box = page.get_by_test_id(f"question-{position}").bounding_box()
    return bar["y"] + bar["height"] <= box["y"] + 1 and box["y"] < PHONE["height"] - 100


def test_fifty_questions_on_a_phone_one_per_screen_with_an_answer_sheet(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "grid13")
    start_demo_exam(phone, base)
    total = phone.locator("section.question").count()
    assert total == 50
    assert shown(phone) == ["question-1"]
    assert phone.get_by_test_id("position").inner_text() == f"第 1 题，共 {total} 题"
    assert phone.get_by_test_id("prev-question").is_disabled()
    assert phone.get_by_test_id("view-one").get_attribute("aria-pressed") == "true"

    for position in (2, 3, 4):
        phone.get_by_test_id("next-question").tap()
        assert shown(phone) == [f"question-{position}"] and starts_below_the_bar(phone, position)
    phone.get_by_test_id("prev-question").tap()
    assert shown(phone) == ["question-3"] and phone.get_by_test_id("position").inner_text() == f"第 3 题，共 {total} 题"
    phone.get_by_test_id("question-3").locator("label.option").first.tap()
    phone.get_by_test_id("next-question").tap()
    phone.get_by_test_id("question-4").locator("label.flag").tap()
    phone.get_by_test_id("answer-sheet-toggle").tap()
    assert "answered" in phone.get_by_test_id("nav-3").get_attribute("class")
    assert "flagged" in phone.get_by_test_id("nav-4").get_attribute("class")
    assert phone.get_by_test_id("nav-5").get_attribute("class").split() == ["nav-item"]
    assert f"已答 1 / {total}" in phone.get_by_test_id("sheet-count").inner_text()
    assert "标记 1" in phone.get_by_test_id("sheet-count").inner_text()
    assert phone.evaluate(SMALL_TARGETS_JS) == []
    assert phone.evaluate(FLAGS_BELOW_OPTIONS_JS) == []
    assert axe_violations(phone) == []
    screenshot(phone, "exam-phone-one-question")

    phone.get_by_test_id(f"nav-{total}").tap()
    assert shown(phone) == [f"question-{total}"] and starts_below_the_bar(phone, total)
    assert phone.get_by_test_id("next-question").is_disabled()

    phone.get_by_test_id("view-all").tap()
    assert len(shown(phone)) == total and phone.get_by_test_id("pager").is_hidden()
    for position in (30, 12, 47):
        phone.get_by_test_id(f"nav-{position}").tap()
        assert starts_below_the_bar(phone, position), position
    assert phone.evaluate(SMALL_TARGETS_JS) == []
    assert phone.evaluate(WRAPPED_KEYS_JS) == []
    assert phone.evaluate(FLAGS_BELOW_OPTIONS_JS) == []
    assert axe_violations(phone) == []

    phone.reload()  # the choice of view is remembered on this device
    phone.wait_for_selector("[data-testid=exam-page]")
    assert len(shown(phone)) == total
    phone.get_by_test_id("view-one").tap()
    assert len(shown(phone)) == 1


def test_the_desktop_keeps_the_whole_paper(live_server, desktop):
    base = live_server["url"]
    log_in(desktop, base, "grid14")
    start_demo_exam(desktop, base)
    assert len(shown(desktop)) == desktop.locator("section.question").count() == 50
    assert desktop.get_by_test_id("pager").is_hidden()
    assert desktop.get_by_test_id("view-all").get_attribute("aria-pressed") == "true"
    assert axe_violations(desktop) == []


def small_links_in_main(page) -> list[str]:
    return page.evaluate(SMALL_TARGETS_JS.replace("'a[href], ", "'main a[href], "))


def test_statute_lists_and_contents_are_44px_targets(live_server, phone):
    base = live_server["url"]
    phone.goto(f"{base}/login")
    assert phone.evaluate(SMALL_TARGETS_JS) == []  # the header buttons (larger text, language) too
    log_in(phone, base, "grid15")
    phone.goto(f"{base}/study/")
    titles = phone.locator(".law-list a")
    assert titles.count() >= 10
    assert small_links_in_main(phone) == []
    assert axe_violations(phone) == []
    titles.first.click()
    phone.wait_for_selector(".toc-articles a")
    assert small_links_in_main(phone) == []
    assert axe_violations(phone) == []
    phone.goto(f"{base}/study/cases")
    assert small_links_in_main(phone) == []
