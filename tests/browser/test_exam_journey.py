"""The yearly exam on a phone: answers survive going offline and a reload; submit shows the result."""

from .conftest import axe_violations, log_in, no_horizontal_scroll, screenshot

ANSWER_JS = """
(section) => {
  const type = section.dataset.type;
  const pick = (root, kind) => {
    const boxes = root.querySelectorAll('input[type=' + kind + ']');
    if (kind === 'checkbox') { boxes[0].click(); boxes[1].click(); } else { boxes[0].click(); }
  };
  if (type === 'single' || type === 'true_false') pick(section, 'radio');
  else if (type === 'multiple') pick(section, 'checkbox');
  else if (type === 'blank') section.querySelectorAll('input[type=text]').forEach(i => {
    i.value = '测试'; i.dispatchEvent(new Event('input', {bubbles: true}));
    i.dispatchEvent(new Event('change', {bubbles: true})); });
  else if (type === 'case') section.querySelectorAll('.subquestion').forEach(sub =>
    pick(sub, sub.dataset.type === 'multiple' ? 'checkbox' : 'radio'));
}
"""

ANSWERED_JS = """
(section) => section.dataset.type === 'blank'
  ? Array.from(section.querySelectorAll('input[type=text]')).every(i => i.value === '测试')
  : section.querySelectorAll('input:checked').length > 0
"""


def answer(page, position: int) -> None:
    page.get_by_test_id(f"question-{position}").evaluate(ANSWER_JS)


def is_answered(page, position: int) -> bool:
    return page.get_by_test_id(f"question-{position}").evaluate(ANSWERED_JS)


def start_demo_exam(page, base: str) -> None:
    page.goto(f"{base}/exams/")
    page.locator("main a[href*='/exams/']").first.click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("start-exam").click()
    page.wait_for_selector("[data-testid=exam-page]")


def test_offline_answers_survive_and_the_result_is_shown(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "grid5")
    start_demo_exam(phone, base)
    status = phone.get_by_test_id("save-status")
    assert no_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    for position in (1, 2, 3):
        answer(phone, position)
    phone.wait_for_function("() => document.querySelector('[data-testid=save-status]').textContent.includes('已保存')")

    phone.context.set_offline(True)
    for position in (4, 5, 6):
        answer(phone, position)
    phone.wait_for_timeout(1500)
    assert "已保存" not in status.inner_text() or "未" in status.inner_text()
    screenshot(phone, "exam-offline")

    phone.context.set_offline(False)
    phone.wait_for_function("() => document.querySelector('[data-testid=save-status]').textContent.includes('已保存')"
                            " && !document.querySelector('[data-testid=save-status]').textContent.includes('未')",
                            timeout=30_000)
    phone.reload()
    phone.wait_for_selector("[data-testid=exam-page]")
    for position in range(1, 7):
        assert is_answered(phone, position), f"question {position} lost its answer"

    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("submit-exam").click()
    phone.wait_for_selector("[data-testid=result]")
    assert phone.get_by_test_id("score").inner_text().strip() != ""
    assert phone.get_by_test_id("max-score").inner_text().strip() == "100"
    screenshot(phone, "exam-result")
