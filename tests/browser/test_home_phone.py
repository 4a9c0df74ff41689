"""The phone's home page says what to do now; the bottom bar replaces the header menu (issue 10)."""

from .conftest import axe_violations, log_in, no_horizontal_scroll, screenshot
from .test_exam_journey import start_demo_exam

TAP = 44


def tap_targets_too_small(page, selector: str) -> list[str]:
    """Visible links and buttons under selector shorter or narrower than 44 px."""
    return page.eval_on_selector_all(selector, """(els, min) => els.filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.height < min || r.width < min);
      }).map(e => e.textContent.trim().slice(0, 30) + ' ' + Math.round(e.getBoundingClientRect().height))""", TAP)


def test_home_says_what_to_do_now_and_the_bottom_bar_leads_everywhere(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "leader1")
    phone.goto(f"{base}/")
    for testid in ("home-open-exams", "home-credits", "home-leader", "practice-home"):
        assert phone.get_by_test_id(testid).is_visible(), testid
    assert "学时" not in phone.get_by_test_id("home-credits").inner_text()
    assert not phone.locator(".main-nav").is_visible(), "the header menu is for desktops"
    bar = phone.get_by_test_id("bottom-nav")
    assert bar.is_visible() and bar.locator("a").count() == 4
    box = bar.bounding_box()
    assert box["y"] + box["height"] >= 739, "the bar sits at the bottom of the screen"
    assert tap_targets_too_small(phone, "[data-testid=bottom-nav] a, main a, main button") == []
    assert no_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    for label, heading in (("学法", "学法"), ("考试", "我的考试"), ("我的", "我的"), ("首页", "欢迎")):
        with phone.expect_navigation():
            bar.get_by_role("link", name=label).tap()
        assert heading in phone.locator("h1").inner_text()
        assert bar.locator("[aria-current=page]").inner_text().strip() == label
        assert axe_violations(phone) == [], label


def test_an_exam_in_progress_is_one_tap_from_home(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "cadre11")
    start_demo_exam(phone, base)
    assert phone.get_by_test_id("bottom-nav").count() == 0, "no bottom bar while answering"
    phone.goto(f"{base}/")
    card = phone.get_by_test_id("home-in-progress")
    assert "剩余" in card.inner_text() and "分钟" in card.inner_text()
    screenshot(phone, "home-exam-in-progress")
    card.get_by_role("link", name="继续答题").tap()
    phone.wait_for_selector("[data-testid=exam-page]")


def test_me_holds_language_and_larger_text(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "cadre12")
    assert not phone.get_by_role("button", name="English").is_visible()
    phone.get_by_test_id("bottom-nav").get_by_role("link", name="我的").tap()
    phone.wait_for_url("**/me")
    assert tap_targets_too_small(phone, "main a, main button, [data-testid=bottom-nav] a") == []
    assert axe_violations(phone) == []
    size = phone.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    phone.get_by_test_id("me-text-size").tap()
    assert phone.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") > size
    assert no_horizontal_scroll(phone)
    phone.get_by_test_id("me-text-size").tap()
    with phone.expect_navigation():
        phone.get_by_test_id("me-language").tap()
    assert phone.locator("h1").inner_text() == "Me"
    with phone.expect_navigation():
        phone.get_by_test_id("me-language").tap()
    assert phone.locator("h1").inner_text() == "我的"
    phone.get_by_test_id("me-logout").tap()
    phone.wait_for_url("**/login")


def test_desktop_keeps_the_header_menu(live_server, desktop):
    base = live_server["url"]
    log_in(desktop, base, "cadre13")
    assert desktop.locator(".main-nav").is_visible()
    assert desktop.get_by_role("button", name="English").is_visible()
    assert not desktop.get_by_test_id("bottom-nav").is_visible()
    assert axe_violations(desktop) == []
