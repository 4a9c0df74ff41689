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
