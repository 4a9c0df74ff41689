"""Study offline in a village: keep a law, read it with the network cut, and the time read is sent later."""

import time

from playwright.sync_api import Error as PlaywrightError

from .conftest import axe_violations, log_in, no_horizontal_scroll
from .test_study_journey import credited_seconds

LAW = "people-mediation-law-2010"

CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""


def test_a_kept_law_is_read_without_a_connection_and_the_time_is_sent_later(live_server, phone):
    base, app = live_server["url"], live_server["app"]
    log_in(phone, base, "grid21")
    phone.goto(f"{base}/exams/")  # an exam list seen online must not be kept
    phone.goto(f"{base}/study/laws/{LAW}")
    phone.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    keep = phone.get_by_test_id("keep-law")
    assert keep.inner_text() == "下载离线阅读" and keep.bounding_box()["height"] >= 44
    keep.tap()
    phone.wait_for_function("() => document.querySelector('[data-testid=keep-status]')"
                            ".textContent.includes('已保存在本机')")
    assert keep.inner_text() == "删除离线副本"
    assert axe_violations(phone) == []

    phone.goto(f"{base}/study/laws/constitution-2018/articles/33")  # opened, not kept: cached all the same
    urls = phone.evaluate(CACHED_URLS)
    assert f"/study/laws/{LAW}/articles/35" in urls
    assert not [u for u in urls if u.startswith(("/exams", "/api/"))], "exam pages and API answers are never cached"

    # With the network cut, an article never opened before is read from the kept copy.
    phone.add_init_script("window.examappBeatMs = 1000")  # a beat a second instead of every 30 s
    before = credited_seconds(app, "grid21")
    phone.context.set_offline(True)
    phone.goto(f"{base}/study/laws/{LAW}/articles/8")
    assert "第八条" in phone.locator("h1").inner_text()
    assert "村民委员会、居民委员会设立人民调解委员会" in phone.locator("main").inner_text()
    assert no_horizontal_scroll(phone)
    phone.goto(f"{base}/study/laws/constitution-2018/articles/33")
    assert "第三十三条" in phone.locator("h1").inner_text()
    phone.goto(f"{base}/study/laws/{LAW}/articles/8")
    for _ in range(5):  # five seconds of reading, recorded on the phone
        phone.mouse.wheel(0, 50)
        phone.wait_for_timeout(1000)
    queued = phone.evaluate("() => JSON.stringify(localStorage)")
    assert "offlineReading" in queued and LAW in queued

    # An exam page is not served from any copy; other pages fall back to the offline page listing the law.
    phone.goto(f"{base}/")
    assert "没有网络" in phone.locator("h1").inner_text()
    assert phone.get_by_test_id("offline-laws").get_by_role("link").count() >= 1
    exams = phone.context.new_page()
    try:
        exams.goto(f"{base}/exams/")
        shown = exams.locator("body").inner_text()
    except PlaywrightError:  # the browser's own "no connection" error: nothing was served from a copy
        shown = ""
    exams.close()
    assert "我的考试" not in shown

    phone.goto(f"{base}/study/laws/{LAW}/articles/8")
    sent = []
    phone.on("response", lambda r: sent.append(r) if r.url.endswith("/api/v1/study/offline-time") else None)
    phone.context.set_offline(False)  # the connection returns: the queued minute goes out
    deadline = time.monotonic() + 15
    while not sent and time.monotonic() < deadline:
        phone.wait_for_timeout(200)
    assert sent and sent[0].status == 200  # (the body is not read: pages under a service worker hang that call)
    assert credited_seconds(app, "grid21") - before >= 3
    assert phone.evaluate("() => localStorage.getItem('examapp.offlineReading.' + "
                          "document.querySelector('meta[name=examapp-user]').content)") == '{"segments":[]}'

    # Log-out on a shared phone: the copies and the list go, so the next person finds nothing of this one.
    phone.goto(f"{base}/me")
    phone.get_by_test_id("me-logout").tap()
    phone.wait_for_url("**/login")
    assert [u for u in phone.evaluate(CACHED_URLS) if u.startswith("/study/")] == []
    assert phone.evaluate("() => localStorage.getItem('examapp.savedLaws')") is None
