"""Take the README's home-page screenshot on a phone (360 × 740), with an exam in progress.

Usage: python scripts/screenshots.py   (needs Debian's chromium; builds a scratch site like the browser tests)
Writes docs/screenshots/home-phone.png.
"""

import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from examapp import create_app  # noqa: E402
from examapp.db import utcnow  # noqa: E402
from examapp.extensions import db  # noqa: E402
from examapp.org.models import User  # noqa: E402
from examapp.study.credits import credit_row, local_day  # noqa: E402
from examapp.study.models import Law  # noqa: E402
from tests.browser.conftest import CHROMIUM, PASSWORD, PHONE, build_site, log_in  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
USER = "leader1"


def some_reading(app) -> None:
    """A few days of reading, so the credits card shows progress rather than zero."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == USER))
        law = db.session.scalar(select(Law).where(Law.slug == "administrative-penalty-law-2021"))
        today = local_day(utcnow())
        for back in range(1, 4):
            credit_row(user.id, law.id, today - timedelta(days=back)).seconds = 60 * 60
        db.session.commit()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="examapp-shots-"))
    app = create_app({"SECRET_KEY": "screenshot-secret-key-0123456789abcdef", "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/shots.sqlite"})
    build_site(app)
    some_reading(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale="zh-CN").new_page()
        log_in(page, base, USER, PASSWORD)
        page.goto(f"{base}/exams/")
        page.locator("main a[href*='/exams/']").first.click()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_test_id("start-exam").click()
        page.wait_for_selector("[data-testid=exam-page]")
        page.goto(f"{base}/")
        page.screenshot(path=str(OUT / "home-phone.png"))
        browser.close()
    server.shutdown()
    print(f"wrote {OUT / 'home-phone.png'}")


if __name__ == "__main__":
    main()
