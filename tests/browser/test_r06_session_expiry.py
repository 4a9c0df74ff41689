"""R-06: the session expires in the middle of an exam, on a phone. The first save that gets 401 shows the
"log in again" message (in Chinese), the answers stay on the phone, and after logging in again (in another tab,
or through the log-in page the exam page sends the learner to) every answer given meanwhile reaches the server."""

import time
from datetime import timedelta

from sqlalchemy import select, update

from examapp.auth.models import UserSession
from examapp.db import utcnow
from examapp.extensions import db
from examapp.org.models import User

from .conftest import PASSWORD, log_in
from .test_exam_deadlines import SAVED, attempt_id, attempt_keys, question_ids, stored
from .test_exam_journey import answer, start_demo_exam


def cookie_expires(live_server, page):
    """The browser drops the session cookie, as it does when the cookie expires (then the CSRF check fails first)."""
    page.context.clear_cookies()


def record_expires(live_server, page):
    """The server's session record outlives its lifetime while the cookie is still there (then 401 at once)."""
    with live_server["app"].app_context():
        lifetime = live_server["app"].permanent_session_lifetime
        mine = select(User.id).where(User.username == "grid37").scalar_subquery()
        db.session.execute(update(UserSession).where(UserSession.user_id == mine)
                           .values(created_at=utcnow() - lifetime - timedelta(minutes=1)))
        db.session.commit()
        db.session.remove()


def expire_and_answer(live_server, page, positions, expire):
    """Let the session expire, answer; return (seconds from the first answer to the login message, queued)."""
    aid = attempt_id(page)
    expire(live_server, page)
    saves = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "PUT" and "/answers/" in r.url else None)
    started = time.monotonic()
    answer(page, positions[0])
    page.wait_for_function("() => document.getElementById('exam-message').textContent.includes('登录')",
                           timeout=10_000)
    shown = time.monotonic() - started
    assert len(saves) == 1, "the log-in message came only after another failed save"
    for position in positions[1:]:
        answer(page, position)
    page.wait_for_timeout(1000)
    assert "重新登录" in page.locator("#exam-message").inner_text()
    queued = page.evaluate(f"() => Object.keys(JSON.parse(localStorage.getItem('examapp.attempt.{aid}.queue')"
                           " || '{}'))")
    answered = question_ids(page, positions)
    assert all(stored(live_server, aid)[q][0] is None for q in answered), "a save got through while logged out"
    return shown, sorted(int(q) for q in queued), answered


def test_r06_session_expires_mid_exam_answers_are_kept_and_sent_after_logging_in_again(live_server, phone):
    base = live_server["url"]
    log_in(phone, base, "grid37")
    start_demo_exam(phone, base)
    aid = attempt_id(phone)
    answer(phone, 1)
    phone.wait_for_function(SAVED, timeout=10_000)
    shown, queued, answered = expire_and_answer(live_server, phone, [2, 3, 4, 5], cookie_expires)
    assert queued == sorted(answered)

    other = phone.context.new_page()  # the learner logs in again in another tab
    log_in(other, base, "grid37")
    other.close()
    again = time.monotonic()
    phone.wait_for_function(SAVED, timeout=30_000)  # the page retries on its own (new CSRF token included)
    sent = time.monotonic() - again
    assert [q for q in answered if stored(live_server, aid)[q][0] is None] == []
    assert phone.locator("#exam-message").is_hidden()

    phone.on("dialog", lambda dialog: dialog.accept())
    _shown, queued, later = expire_and_answer(live_server, phone, [6, 7], record_expires)  # and through the log-in page
    phone.goto(f"{base}/exams/attempts/{aid}")
    assert "/login" in phone.url
    phone.get_by_label("账号").fill("grid37")
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_selector("[data-testid=exam-page]")
    phone.wait_for_function(SAVED, timeout=30_000)
    assert [q for q in later if stored(live_server, aid)[q][0] is None] == []
    phone.get_by_test_id("submit-exam").click()
    phone.wait_for_selector("[data-testid=result]")
    assert attempt_keys(phone, aid) == []
    print(f"\nR-06: the log-in message {shown:.1f} s after the first answer while logged out; {len(answered)} of "
          f"{len(answered)} kept answers on the server {sent:.1f} s after logging in again in another tab; "
          f"{len(later)} of {len(later)} after the log-in page; 0 lost")
