"""Log in on a phone, reach a role-scoped page, pass axe-core, log out."""

from .conftest import axe_violations, log_in, no_horizontal_scroll, screenshot


def test_login_scoped_page_and_logout_on_a_phone(live_server, phone):
    base = live_server["url"]
    phone.goto(f"{base}/login")
    assert axe_violations(phone) == []
    log_in(phone, base, "unitadmin")
    phone.goto(f"{base}/org/people")
    assert phone.get_by_role("heading", name="人员管理").is_visible()
    body = phone.locator("main").inner_text()
    assert "东山村民委员会" in body and "西岭村民委员会" not in body, "unit admin sees only its village"
    assert no_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    screenshot(phone, "people-phone")
    phone.goto(f"{base}/audit/")
    assert "403" in phone.locator("main").inner_text()
    phone.goto(f"{base}/me")  # on a phone, log out lives in 我的
    phone.get_by_test_id("me-logout").click()
    phone.wait_for_url("**/login")
    phone.goto(f"{base}/org/people")
    assert "/login" in phone.url


def test_larger_text_switch_is_remembered(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "cadre1")
    phone.goto(f"{base}/me")  # on a phone, the switch lives in 我的
    size = phone.evaluate("() => getComputedStyle(document.documentElement).fontSize")
    phone.get_by_role("button", name="大字模式").click()
    bigger = phone.evaluate("() => getComputedStyle(document.documentElement).fontSize")
    assert float(bigger.rstrip("px")) > float(size.rstrip("px"))
    phone.reload()
    assert phone.evaluate("() => document.documentElement.classList.contains('large-text')")
    assert no_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    screenshot(phone, "home-large-text")
