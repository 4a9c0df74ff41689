"""A learner on a 360×740 phone does the daily set, finds a wrong answer in the book, and reviews a due card
after the server's clock has moved on two days; every practice page passes axe-core."""

from datetime import timedelta

from sqlalchemy import select

from examapp.bank.models import QuestionVersion
from examapp.db import utcnow
from examapp.extensions import db
from examapp.practice.models import PracticeServe

from .conftest import axe_violations, log_in, no_horizontal_scroll, screenshot

USER = "cadre5"
TAP = 44  # px: the smallest comfortable target for a thumb


def served_version(app, page) -> QuestionVersion:
    """The version the server served for the question now on the page (read from the database)."""
    question_id = int(page.locator("[data-question-body]").get_attribute("data-question-id"))
    with app.app_context():
        version_id = db.session.scalar(select(PracticeServe.version_id).where(
            PracticeServe.question_id == question_id).order_by(PracticeServe.id.desc()).limit(1))
        version = db.session.get(QuestionVersion, version_id)
        db.session.expunge(version)
        db.session.remove()
    return version


def wrong_value(qtype: str, key, options: list):
    letters = [o["key"] for o in options or []]
    if qtype == "single":
        return next(k for k in letters if k != key)
    if qtype == "multiple":
        # A letter outside the key; when every option is right (the bank has such questions), one of them alone.
        return [next((k for k in letters if k not in key), letters[0])]
    if qtype == "true_false":
        return not key
    return ["（不会）"] * len(key)


def fill(page, name: str, qtype: str, value) -> None:
    if qtype in ("single", "true_false"):
        page.get_by_test_id(f"{name}-{str(value).lower() if qtype == 'true_false' else value}").check()
    elif qtype == "multiple":
        for letter in value:
            page.get_by_test_id(f"{name}-{letter}").check()
    else:
        for n, text in enumerate(value, start=1):
            page.get_by_test_id(f"{name}-{n}").fill(text if isinstance(text, str) else text[0])


def answer(page, version: QuestionVersion, right: bool) -> None:
    if version.type == "case":
        for n, sub in enumerate(version.subquestions, start=1):
            value = sub["answer"] if right else wrong_value(sub["type"], sub["answer"], sub.get("options"))
            fill(page, f"a-{n}", sub["type"], value)
    else:
        value = version.answer if right else wrong_value(version.type, version.answer, version.options)
        fill(page, "a", version.type, value)
    page.get_by_test_id("submit-answer").click()
    page.locator("[data-feedback]:not([hidden])").wait_for()


def assert_thumb_friendly(page) -> None:
    assert no_horizontal_scroll(page)
    for locator in (page.get_by_test_id("submit-answer"), page.locator(".option").first):
        if locator.count() and locator.is_visible():
            assert locator.bounding_box()["height"] >= TAP


def test_daily_set_wrong_answer_book_and_a_due_review(live_server, phone, monkeypatch):
    base, app = live_server["url"], live_server["app"]
    log_in(phone, base, USER)
    assert "每日一练" in phone.get_by_test_id("practice-home").inner_text()
    phone.goto(f"{base}/practice/")
    assert axe_violations(phone) == []
    phone.get_by_test_id("start-daily").click()
    phone.locator("[data-practice-form]").wait_for()
    first = served_version(app, phone)
    for position in range(1, 11):
        assert f"第 {position} 题，共 10 题" in phone.locator("[data-question-meta]").inner_text()
        version = served_version(app, phone)
        if position == 1:
            assert_thumb_friendly(phone)
            assert axe_violations(phone) == []
            screenshot(phone, "practice-question-phone")
        answer(phone, version, right=position != 1)
        feedback = phone.locator("[data-feedback]")
        assert not phone.get_by_test_id("submit-answer").is_visible()  # one answer per question
        assert ("回答错误" if position == 1 else "回答正确") in feedback.inner_text()
        assert "法律依据" in feedback.inner_text() or not version.basis
        if position == 1:
            assert "已记入错题本" in feedback.inner_text()
            assert axe_violations(phone) == []
            screenshot(phone, "practice-feedback-phone")
        phone.get_by_test_id("next-question").click()
        if position < 10:
            phone.locator("[data-practice-form] button[type=submit]:not([hidden])").wait_for()
    phone.get_by_test_id("practice-done").wait_for()
    assert "答对 9 题，共 10 题" in phone.locator("main").inner_text()
    assert axe_violations(phone) == []

    phone.goto(f"{base}/practice/book")
    assert first.stem[:20] in phone.locator("main").inner_text()
    assert no_horizontal_scroll(phone) and axe_violations(phone) == []
    screenshot(phone, "practice-book-phone")

    later = utcnow() + timedelta(days=2)  # the server's clock moves on: the wrong card is due
    for module in ("examapp.practice.views", "examapp.practice.views_staff", "examapp.api.practice"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: later)
    phone.goto(f"{base}/practice/")
    assert int(phone.get_by_test_id("due-count").inner_text()) >= 1
    phone.get_by_test_id("start-review").click()
    phone.locator("[data-practice-form]").wait_for()
    assert served_version(app, phone).question_id == first.question_id
    answer(phone, served_version(app, phone), right=True)
    assert "回答正确" in phone.locator("[data-feedback]").inner_text()
    assert axe_violations(phone) == []

    phone.goto(f"{base}/practice/mastery")
    assert no_horizontal_scroll(phone) and axe_violations(phone) == []
    screenshot(phone, "practice-mastery-phone")


def test_practice_works_without_javascript(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                  bypass_csp=True, locale="zh-CN")
    page = context.new_page()
    base, app = live_server["url"], live_server["app"]
    log_in(page, base, "cadre6")
    page.goto(f"{base}/practice/question?mode=filter&type=single")
    version = served_version(app, page)
    page.get_by_test_id(f"a-{version.answer}").check()
    page.get_by_test_id("submit-answer").click()
    page.wait_for_url("**/practice/feedback/**")
    assert "回答正确" in page.locator("main").inner_text()
    page.get_by_test_id("next-question").click()
    page.wait_for_url("**/practice/question**")
    assert page.locator("[data-practice-form]").count() == 1
    context.close()
