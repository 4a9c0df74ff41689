"""The staff's desk at 1366×768: the audit log, a people import's result with its first passwords, and the
HR report pages, each in Chinese for people and with no axe-core violations."""

import csv
import io

from pypdf import PdfReader

from .conftest import axe_violations, log_in, no_horizontal_scroll, screenshot

DESK = {"width": 1366, "height": 768}
HEADER = ["姓名", "账号", "单位", "职务", "职级", "角色", "领导干部", "网格员", "执法人员", "手机号"]
PEOPLE = [["周新民", "zhouxm", "乌塘镇/东山村民委员会", "网格员", "", "学员", "否", "是", "否", ""],
          ["吴春华", "wuch", "乌塘镇/东山村民委员会", "村委委员", "", "学员", "否", "否", "否", ""]]


def desk_page(browser):
    context = browser.new_context(viewport=DESK, locale="zh-CN", bypass_csp=True, accept_downloads=True)
    return context, context.new_page()


def roster_csv(tmp_path):
    path = tmp_path / "东山村新进人员.csv"
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *PEOPLE])
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return path


def test_unit_admin_imports_and_prints_first_passwords(live_server, browser, tmp_path):
    base = live_server["url"]
    context, page = desk_page(browser)
    log_in(page, base, "unitadmin")
    page.goto(f"{base}/org/import")
    page.set_input_files("input[type=file]", str(roster_csv(tmp_path)))
    page.get_by_role("button", name="检查文件").click()
    page.get_by_role("button", name="导入这些人员").click()
    page.wait_for_url("**/org/import/batches/**")
    main = page.locator("main").inner_text()
    assert "周新民" in main and "为 2 人发放一次性密码" in main
    assert axe_violations(page) == [] and no_horizontal_scroll(page)
    screenshot(page, "desk-import-result")
    with page.expect_download() as info:
        page.get_by_role("button", name="为 2 人发放一次性密码").click()
    text = "".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert "zhouxm" in text and "wuch" in text and "一次性密码" in text
    page.goto(f"{base}/org/import/batches/" + page.url.rsplit("/", 1)[-1])
    assert "发放过密码" in page.locator("main").inner_text() and axe_violations(page) == []
    context.close()


def test_admin_reads_and_filters_the_audit_log(live_server, browser):
    base = live_server["url"]
    context, page = desk_page(browser)
    log_in(page, base, "admin")
    page.goto(f"{base}/audit/")
    assert axe_violations(page) == [] and no_horizontal_scroll(page)
    page.get_by_label("事件").select_option(label="登录")
    page.get_by_role("button", name="筛选").click()
    main = page.locator("main").inner_text()
    assert "登录" in main and "login" not in main and "\\u" not in main
    assert page.locator("[data-testid=audit-row]").count() >= 1
    assert axe_violations(page) == []
    screenshot(page, "desk-audit-log")
    context.close()


def test_hr_report_pages_pass_axe_at_desk_size(live_server, browser):
    base = live_server["url"]
    context, page = desk_page(browser)
    log_in(page, base, "hr")
    page.goto(f"{base}/reports/")
    assert "全年数字按人计算" in page.locator("main").inner_text()
    assert axe_violations(page) == [] and no_horizontal_scroll(page)
    screenshot(page, "desk-hr-year")
    page.locator("main a[href*='/reports/exams/']").first.click()
    assert axe_violations(page) == [] and no_horizontal_scroll(page)
    context.close()
