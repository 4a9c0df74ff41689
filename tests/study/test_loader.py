"""content load: per-file all-or-nothing, idempotent, new versions keep the old one and signal it."""

from sqlalchemy import select

from examapp.db import utcnow
from examapp.extensions import db
from examapp.study import services
from examapp.study.loader import load_laws_dir
from examapp.study.models import Law
from examapp.study.signals import law_version_loaded

from .conftest import write_law

GOOD = ("# 中华人民共和国行政处罚法\n\n1996年3月17日 通过\n\n2099年1月1日 第九十九次会议修订\n\n"
        "<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了规范行政处罚的设定和实施，制定本法。\n\n"
        "第二条 行政处罚是指行政机关依法对违反行政管理秩序的公民给予惩戒的行为。\n")


def test_second_run_changes_nothing(runner, library):
    first = runner.invoke(args=["content", "load"])
    second = runner.invoke(args=["content", "load"])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert "法规：新增 0 部，更新 0 部，未变 18 部" in second.output
    assert "法规和案例均无变化" in second.output


def test_cli_loads_from_a_folder_and_reports_broken_files(runner, scratch_laws):
    write_law(scratch_laws, "test-good-2099", GOOD.replace("行政处罚法", "测试甲法"))
    write_law(scratch_laws, "test-broken-2099", GOOD.replace("<!-- INFO END -->", ""))
    write_law(scratch_laws, "test-gap-2099", GOOD.replace("测试", "").replace("第二条", "第四条")
              .replace("行政处罚法", "测试乙法"))
    result = runner.invoke(args=["content", "load", "--laws", str(scratch_laws), "--verbose"])
    assert result.exit_code == 1
    assert "新增 test-good-2099" in result.output  # listed with --verbose; errors are always listed
    assert "test-broken-2099.md:" in result.output and "找不到信息区的结束标记" in result.output
    assert "test-gap-2099.md:13: 条文序号不连续：第四条（此处应为第二条）" in result.output
    assert services.find_law("test-broken-2099") is None and services.find_law("test-gap-2099") is None
    again = runner.invoke(args=["content", "load", "--laws", str(scratch_laws)])
    assert "新增 0 部，更新 0 部，未变 1 部" in again.output


def test_duplicate_article_loads_nothing_from_that_file(scratch_laws):
    write_law(scratch_laws, "test-dup-2099", GOOD.replace("第二条", "第一条").replace("行政处罚法", "测试丙法"))
    report = load_laws_dir(scratch_laws, utcnow())
    assert len(report.errors) == 1 and "test-dup-2099.md:13: 条文重复" in report.errors[0]
    assert services.find_law("test-dup-2099") is None


def test_new_version_keeps_the_old_one_and_sends_the_signal(scratch_laws):
    seen = []

    def listener(sender, **kwargs):
        seen.append((sender.slug, kwargs["old_law"].slug, kwargs["now"]))

    write_law(scratch_laws, "administrative-penalty-law-2099", GOOD)
    now = utcnow()
    with law_version_loaded.connected_to(listener):
        report = load_laws_dir(scratch_laws, now)
    db.session.commit()
    assert report.added == ["administrative-penalty-law-2099"]
    assert seen == [("administrative-penalty-law-2099", "administrative-penalty-law-2021", now)]
    old = services.find_law("administrative-penalty-law-2021")
    new = services.find_law("administrative-penalty-law-2099")
    assert old.article_count == 86 and not old.is_in_force
    assert new.is_in_force and new.article_count == 2 and new.short_title == "行政处罚法"
    assert new.level == "法律" and new.version_date.isoformat() == "2099-01-01"


def test_changed_file_updates_in_place(scratch_laws):
    path = write_law(scratch_laws, "test-edit-2099", GOOD.replace("行政处罚法", "测试丁法"))
    load_laws_dir(scratch_laws, utcnow())
    first_id = services.find_article("test-edit-2099", 1).id
    path.write_text(GOOD.replace("行政处罚法", "测试丁法").replace("制定本法", "特制定本法"), encoding="utf-8")
    report = load_laws_dir(scratch_laws, utcnow())
    assert report.updated == ["test-edit-2099"]
    article = services.find_article("test-edit-2099", 1)
    assert article.id == first_id and "特制定本法" in article.text
    assert db.session.scalar(select(Law.article_count).where(Law.slug == "test-edit-2099")) == 2


def test_manifest_mismatch_is_an_error(scratch_laws):
    write_law(scratch_laws, "test-m-2099", GOOD.replace("行政处罚法", "测试戊法"))
    (scratch_laws / "MANIFEST.tsv").write_text(
        "slug\ttitle\tversion_date\tlevel\tarticles\tsha256\tsource_path\n"
        "test-m-2099\t中华人民共和国测试戊法\t2099-01-01\t法律\t3\tx\ty\n", encoding="utf-8")
    report = load_laws_dir(scratch_laws, utcnow())
    assert "共 2 条，MANIFEST.tsv 写的是 3 条" in report.errors[0]
    assert services.find_law("test-m-2099") is None
