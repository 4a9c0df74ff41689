"""朗读本条: the browser's own speech synthesis reads articles and cases aloud, with pause and speed."""

from .conftest import axe_violations, log_in, no_horizontal_scroll

# A stand-in for speechSynthesis that records what the page asks of it and finishes each utterance at once
# when told to; the real engine is the browser's and needs no outside service.
STUB = """
(() => {
  const calls = [];
  let queue = [];
  window.__speech = { calls, finish() { const u = queue.shift(); if (u && u.onend) u.onend(); } };
  class Utterance { constructor(text) { this.text = text; this.rate = 1; this.lang = ''; } }
  const synth = {
    speaking: false, paused: false,
    speak(u) { calls.push(['speak', u.text, u.rate, u.lang]); queue.push(u); this.speaking = true; },
    pause() { calls.push(['pause']); this.paused = true; },
    resume() { calls.push(['resume']); this.paused = false; },
    cancel() { calls.push(['cancel']); queue = []; this.speaking = false; },
    getVoices() { return [{ lang: 'zh-CN', name: '中文' }]; },
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
})();
"""

NO_SPEECH = "delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;"


def calls(page) -> list:
    return page.evaluate("() => window.__speech.calls")


def test_an_article_is_read_aloud_with_pause_and_speed(live_server, phone):
    base = live_server["url"]
    phone.add_init_script(STUB)
    log_in(phone, base, "grid22")
    phone.goto(f"{base}/study/laws/administrative-penalty-law-2021/articles/33")
    play = phone.get_by_test_id("speak-play")
    assert play.inner_text() == "朗读本条" and play.bounding_box()["height"] >= 44
    assert no_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    play.tap()
    spoken = [c for c in calls(phone) if c[0] == "speak"]
    assert spoken[0][1].startswith("中华人民共和国行政处罚法 第三十三条") and spoken[0][3] == "zh-CN"
    assert play.inner_text() == "暂停" and play.get_attribute("aria-pressed") == "true"
    phone.evaluate("() => window.__speech.finish()")  # the title is read: the article text follows
    assert "违法行为轻微并及时改正" in [c for c in calls(phone) if c[0] == "speak"][1][1]
    play.tap()
    assert calls(phone)[-1] == ["pause"] and play.inner_text() == "继续朗读"
    play.tap()
    assert calls(phone)[-1] == ["resume"]
    phone.get_by_test_id("speak-rate").select_option("1.5")  # faster: the current paragraph again, faster
    last = calls(phone)[-1]
    assert last[0] == "speak" and last[2] == 1.5 and "违法行为轻微" in last[1]
    phone.get_by_test_id("speak-stop").tap()
    assert calls(phone)[-1] == ["cancel"] and play.inner_text() == "朗读本条"
    phone.reload()  # the speed is remembered on this phone
    assert phone.get_by_test_id("speak-rate").input_value() == "1.5"


def test_a_case_is_read_aloud(live_server, phone):
    base = live_server["url"]
    phone.add_init_script(STUB)
    log_in(phone, base, "grid23")
    phone.goto(f"{base}/study/cases")
    phone.locator("main a[href*='/study/cases/']").first.click()
    play = phone.get_by_test_id("speak-play")
    assert play.inner_text() == "朗读本案"
    play.tap()
    first = [c for c in calls(phone) if c[0] == "speak"][0][1]
    assert first == phone.locator("h1").inner_text().strip()
    assert axe_violations(phone) == []


def test_no_speech_synthesis_no_button(live_server, phone):
    base = live_server["url"]
    phone.add_init_script(NO_SPEECH)
    log_in(phone, base, "grid24")
    phone.goto(f"{base}/study/laws/administrative-penalty-law-2021/articles/33")
    assert phone.evaluate("() => 'speechSynthesis' in window") is False
    assert phone.get_by_test_id("speak").count() == 1
    assert not phone.get_by_test_id("speak").is_visible()
