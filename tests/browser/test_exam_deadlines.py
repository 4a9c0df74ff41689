"""The server's clock decides, in a real browser on a phone (360×740): R-07, R-08 and R-11 of the reliability
catalogue. Each test moves its attempt's deadline on the server (and the network grace in the live app's
settings) so that the deadline cases run in seconds."""

import re
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select

from examapp.db import utcnow
from examapp.exams.models import Attempt, AttemptEvent, AttemptItem
from examapp.extensions import db

from .conftest import PHONE, log_in, screenshot
from .test_exam_journey import answer, start_demo_exam

SAVED = ("() => { const s = document.querySelector('[data-testid=save-status]').textContent;"
         " return s.includes('已保存') && !s.includes('未'); }")

SKEW_JS = """
(() => {
  const skew = %d * 1000, Real = Date;
  class Skewed extends Real {
    constructor(...args) { if (args.length) { super(...args); } else { super(Real.now() + skew); } }
    static now() { return Real.now() + skew; }
  }
  window.Date = Skewed;
})();
"""


@pytest.fixture
def phone_page(browser):
    """A phone context of its own, so that a test can add an init script before the first page."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    yield context
    context.close()


@contextmanager
def grace(live_server, seconds: int):
    config = live_server["app"].config
    before = config.get("EXAM_GRACE_SECONDS", 30)
    config["EXAM_GRACE_SECONDS"] = seconds
    try:
        yield seconds
    finally:
        config["EXAM_GRACE_SECONDS"] = before


@contextmanager
def server(live_server):
    with live_server["app"].app_context():
        yield db.session
        db.session.remove()


def attempt_id(page) -> int:
    return int(page.get_by_test_id("exam-page").get_attribute("data-attempt-id")
               or page.locator("#exam").get_attribute("data-attempt-id"))


def move_deadline(live_server, aid: int, seconds_from_now: float):
    """Move the attempt's deadline on the server (whole seconds, as deadline_for stores it)."""
    with server(live_server) as session:
        attempt = session.get(Attempt, aid)
        attempt.deadline_at = (utcnow() + timedelta(seconds=seconds_from_now)).replace(microsecond=0)
        session.commit()
        return attempt.deadline_at


def question_ids(page, positions) -> list[int]:
    return [int(page.get_by_test_id(f"question-{p}").get_attribute("data-question-id")) for p in positions]


def stored(live_server, aid: int) -> dict[int, tuple]:
    with server(live_server) as session:
        return {i.question_id: (i.answer, i.answer_seq, i.awarded)
                for i in session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == aid))}


def timer_seconds(page) -> int:
    parts = [int(p) for p in re.findall(r"\d+", page.get_by_test_id("timer").inner_text())]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def server_remaining(page, aid: int) -> int:
    return page.evaluate(f"() => fetch('/api/v1/attempts/{aid}', {{credentials: 'same-origin'}})"
                         ".then(r => r.json()).then(s => s.remaining_seconds)")


def attempt_keys(page, aid: int) -> list[str]:
    return page.evaluate(f"() => Object.keys(localStorage).filter(k => k.startsWith('examapp.attempt.{aid}.'))")


@pytest.mark.parametrize("skew", [3600, -3600], ids=["client+1h", "client-1h"])
def test_r11_a_skewed_client_clock_changes_neither_the_timer_nor_what_the_server_accepts(live_server, phone_page,
                                                                                         skew):
    """R-11: the page's Date runs ±1 h off. The timer shows the server's remaining time (±2 s), auto-submit does
    not fire early, an answer before the server's deadline is stored and one after its deadline + grace is
    refused (409) and not stored; the deadline is not changed by the client's time."""
    base = live_server["url"]
    phone_page.add_init_script(SKEW_JS % skew)
    page = phone_page.new_page()
    log_in(page, base, "grid31" if skew > 0 else "grid32")
    start_demo_exam(page, base)
    assert abs(page.evaluate("() => Date.now()") / 1000 - time.time() - skew) < 5  # the skew is in force
    aid = attempt_id(page)
    assert abs(timer_seconds(page) - server_remaining(page, aid)) <= 2

    submits = []

    def refuse_submit(route):  # the timer's auto-submit is noted and dropped, so the attempt stays open
        submits.append(utcnow())
        route.abort()

    page.route("**/api/v1/attempts/*/submit", refuse_submit)
    with grace(live_server, 1) as seconds:
        deadline = move_deadline(live_server, aid, 6)
        first, second = question_ids(page, (1, 2))
        answer(page, 1)  # the save's acknowledgement carries the server's remaining time
        page.wait_for_function(SAVED, timeout=5000)
        page.wait_for_timeout(1100)  # the timer is redrawn once a second
        shown, real = timer_seconds(page), server_remaining(page, aid)
        assert abs(shown - real) <= 2 and real <= 6, (shown, real)
        assert stored(live_server, aid)[first][0] is not None
        page.wait_for_timeout(max((deadline - utcnow()).total_seconds() + seconds + 1.2, 0) * 1000)
        assert submits and min(submits) >= deadline - timedelta(seconds=2), (submits, deadline)  # never early
        answer(page, 2)  # after the server's deadline + grace, whatever the page's clock says
        page.wait_for_selector("[data-testid=result]", timeout=10_000)
    with server(live_server) as session:
        attempt = session.get(Attempt, aid)
        assert attempt.state == "finished" and attempt.finished_at == deadline and attempt.deadline_at == deadline
        late = session.scalars(select(AttemptEvent).where(AttemptEvent.attempt_id == aid,
                                                          AttemptEvent.kind == "late_answer")).first()
        assert late is not None and late.at > deadline + timedelta(seconds=seconds)
    assert stored(live_server, aid)[second][0] is None
    print(f"\nR-11 ({skew:+d} s): timer {shown} s vs server {real} s; late answer refused; deadline unchanged")


def test_r07_answers_given_offline_before_the_deadline_are_sent_on_reconnection_and_count(live_server, phone):
    """R-07: 10 answers given offline (with a reload while offline) are kept on the phone, the 'not saved'
    warning shows at once, all 10 reach the server ≤ 30 s after reconnecting and count in the score, and
    after submit the phone keeps nothing of the attempt."""
    base = live_server["url"]
    log_in(phone, base, "grid33")
    start_demo_exam(phone, base)
    exam_url, aid = phone.url, attempt_id(phone)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.context.set_offline(True)
    started = time.monotonic()
    answer(phone, 1)
    phone.wait_for_function("() => document.querySelector('[data-testid=save-status]').textContent.includes('未')",
                            timeout=7000)
    warned = time.monotonic() - started
    assert phone.locator("#exam-message").is_visible()
    for position in range(2, 11):
        answer(phone, position)
    offline = question_ids(phone, range(1, 11))
    assert all(stored(live_server, aid)[q][0] is None for q in offline)
    # answer() picks the first option, right or wrong as the paper's shuffle has it (all ten were wrong in one
    # run): one of them is changed, offline too, to its key, so that "they count" cannot pass or fail by chance.
    with server(live_server) as session:
        keys = {i.question_id: i.key for i in session.scalars(select(AttemptItem).where(
            AttemptItem.attempt_id == aid, AttemptItem.question_id.in_(offline), AttemptItem.type == "single"))}
    right = next(q for q in offline if q in keys)
    phone.locator(f"input[name='q-{right}'][value='{keys[right]}']").check()
    try:
        phone.reload(timeout=5000)
    except Exception:  # noqa: BLE001 (offline: the reload is expected to fail)
        pass
    phone.context.set_offline(False)
    reconnected = time.monotonic()
    phone.goto(exam_url)
    phone.wait_for_function(SAVED, timeout=30_000)
    synced = time.monotonic() - reconnected
    answers = stored(live_server, aid)
    assert [q for q in offline if answers[q][0] is None] == []
    phone.get_by_test_id("submit-exam").click()
    phone.wait_for_selector("[data-testid=result]")
    assert attempt_keys(phone, aid) == []
    with server(live_server) as session:
        attempt = session.get(Attempt, aid)
        items = {i.question_id: i for i in attempt.items}
        assert all(items[q].awarded is not None for q in offline)
        assert attempt.score == sum(i.awarded for i in items.values())
        assert items[right].awarded == items[right].points  # they count
        assert sum(items[q].awarded for q in offline) > 0
    print(f"\nR-07: warning after {warned:.1f} s; 10 of 10 offline answers on the server "
          f"{synced:.1f} s after reconnecting")


def test_r08_offline_across_the_deadline_late_answers_are_evidence_and_not_scored(live_server, phone):
    """R-08: offline a few seconds before the deadline, 3 answers before it and 2 after, reconnect after
    deadline + grace: 0 of the 5 change the stored answers or the score; the attempt is finished as of its
    deadline; all 5 are kept as late-answer evidence with the server's and the client's times; answers
    acknowledged before going offline count."""
    base = live_server["url"]
    log_in(phone, base, "grid34")
    start_demo_exam(phone, base)
    aid = attempt_id(phone)
    phone.on("dialog", lambda dialog: dialog.accept())
    with grace(live_server, 1) as seconds:
        deadline = move_deadline(live_server, aid, 7)
        answer(phone, 1)
        answer(phone, 2)
        phone.wait_for_function(SAVED, timeout=5000)
        phone.context.set_offline(True)
        for position in (3, 4, 5):
            answer(phone, position)
        phone.wait_for_timeout(max((deadline - utcnow()).total_seconds() + seconds + 1, 0) * 1000)
        for position in (6, 7):
            answer(phone, position)
        screenshot(phone, "exam-offline-past-deadline")
        phone.context.set_offline(False)
        phone.wait_for_selector("[data-testid=result]", timeout=20_000)
    answers = stored(live_server, aid)
    with server(live_server) as session:
        attempt = session.get(Attempt, aid)
        items = sorted(attempt.items, key=lambda i: i.position)
        events = list(session.scalars(select(AttemptEvent).where(AttemptEvent.attempt_id == aid,
                                                                 AttemptEvent.kind == "late_answer")))
        assert attempt.state == "finished" and attempt.finished_at == deadline
        acknowledged, offline = items[:2], items[2:7]
        assert all(answers[i.question_id][0] is not None for i in acknowledged)
        assert [i.position for i in offline if answers[i.question_id][0] is not None] == []
        assert attempt.score == sum(i.awarded for i in items)
        evidence = {int(str(e.detail["question"]).split(".")[0]) for e in events}
        assert evidence == {i.question_id for i in offline}, (len(events), evidence)
        assert all(e.at > deadline and e.detail.get("client_at") for e in events)
    assert attempt_keys(phone, aid) == []
    print(f"\nR-08: 0 of 5 late answers stored or scored; {len(events)} of 5 kept as evidence; "
          "finished at the deadline")


def test_r11_a_device_clock_that_jumps_10_minutes_does_not_end_the_exam_early(live_server, phone_page):
    """R-11 (fast-forward): the page's clocks (Date, timers, performance.now) jump 10 minutes ahead with 2 minutes
    left on the server: the timer asks the server before it auto-submits, so the attempt stays open and the timer
    shows the server's remaining time again (±2 s)."""
    base = live_server["url"]
    page = phone_page.new_page()
    page.clock.install()
    log_in(page, base, "grid35")
    start_demo_exam(page, base)
    aid = attempt_id(page)
    move_deadline(live_server, aid, 120)
    answer(page, 1)  # the acknowledgement tells the page: about 2 minutes left
    page.wait_for_function(SAVED, timeout=5000)
    page.clock.fast_forward("10:00")
    page.clock.run_for(2000)
    page.wait_for_timeout(1500)
    page.clock.run_for(1000)
    with server(live_server) as session:
        assert session.get(Attempt, aid).state == "in_progress"
    shown, real = timer_seconds(page), server_remaining(page, aid)
    assert abs(shown - real) <= 2 and real > 100, (shown, real)
    print(f"\nR-11 (clock +10 min): attempt still open; timer {shown} s vs server {real} s")


def test_r12_the_phone_shows_an_extension_within_60_s(live_server, phone_page):
    """R-12 (browser): 15 minutes granted by the examiner while the exam is on the screen (the timer showing
    about 1 minute) reach the phone's timer ≤ 60 s later, without a save or a reload."""
    from examapp.exams.services import grant_override
    from examapp.org.models import User

    base = live_server["url"]
    page = phone_page.new_page()
    page.clock.install()
    log_in(page, base, "grid36")
    start_demo_exam(page, base)
    aid = attempt_id(page)
    move_deadline(live_server, aid, 60)
    page.reload()
    page.wait_for_selector("[data-testid=exam-page]")
    assert timer_seconds(page) <= 60
    with server(live_server) as session:
        attempt = session.get(Attempt, aid)
        admin = session.scalar(select(User).where(User.username == "admin"))
        grant_override(attempt.exam, attempt.user, "extra_time", "R-12 网络中断", admin, utcnow(), minutes=15)
        session.commit()
    page.clock.run_for(60_000)
    page.wait_for_timeout(500)
    page.clock.run_for(1000)
    shown, real = timer_seconds(page), server_remaining(page, aid)
    assert real > 15 * 60 and abs(shown - real) <= 2, (shown, real)
    with server(live_server) as session:
        assert session.get(Attempt, aid).state == "in_progress"
    print(f"\nR-12 (phone): extension shown ≤ 60 s later: timer {shown} s vs server {real} s")
