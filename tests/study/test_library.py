"""The library matches MANIFEST.tsv, and the parser copes with the real files' quirks."""

import pytest
from sqlalchemy import func, select

from examapp.extensions import db
from examapp.study import services
from examapp.study.loader import LAWS_DIR
from examapp.study.models import Article
from examapp.study.numerals import article_label, cn_to_int, int_to_cn, parse_article_label
from examapp.study.parser import LawFormatError, balance_brackets, parse_law, tidy_heading

from .conftest import MANIFEST


@pytest.mark.parametrize("text,number", [("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("一百零三", 103),
                                         ("一百一十", 110), ("一百四十三", 143), ("两百", 200), ("33", 33)])
def test_chinese_numerals(text, number):
    assert cn_to_int(text) == number


def test_numerals_round_trip_and_labels():
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 1200))
    assert article_label(143) == "第一百四十三条"
    assert article_label(33, 1) == "第三十三条之一"
    assert parse_article_label("第三十三条之一") == (33, 1)
    with pytest.raises(ValueError):
        cn_to_int("三X")


def test_library_counts_equal_manifest(library):
    assert set(library) >= set(MANIFEST)  # other domains' tests may add a law of their own
    for slug, row in MANIFEST.items():
        law = library[slug]
        counted = db.session.scalar(select(func.count(Article.id)).where(Article.law_id == law.id))
        assert law.article_count == counted == int(row["articles"]), slug
        assert law.title == row["title"] and law.level == row["level"]
        assert law.version_date.isoformat() == row["version_date"]
    assert library["constitution-2018"].article_count == 143
    assert library["civil-servant-law-2018"].article_count == 113
    assert library["administrative-penalty-law-2021"].article_count == 86


def test_versions_in_force(library):
    assert library["administrative-reconsideration-law-2023"].is_in_force
    assert not library["administrative-reconsideration-law-2017"].is_in_force
    assert library["supervision-law-2024"].is_in_force and not library["supervision-law-2018"].is_in_force
    assert sum(library[slug].is_in_force for slug in MANIFEST) == 16


def test_levels_group_the_library(library):
    groups = dict(services.laws_by_level())
    assert list(groups)[:3] == ["宪法", "法律", "行政法规"]  # unknown levels (test data) sort last
    assert [law.slug for law in groups["宪法"]] == ["constitution-2018"]
    assert {law.slug for law in groups["行政法规"]} >= {"petition-work-regulations-2022",
                                                        "government-information-disclosure-regulations-2019"}


def test_chapter_title_with_space_inside_is_tidied(library):
    land = services.find_article("land-administration-law-2019", 1)
    assert land.chapter == "第一章 总则"  # file: "## 第一章  总 则"
    licensing = services.find_article("administrative-licensing-law-2019", 42)
    assert licensing.section == "第三节 期限"  # file: "### 第三节 期 限"
    assert tidy_heading("第八章  附 则") == "第八章 附则"


def test_history_line_with_stray_bracket(library):
    last = library["legislation-law-2023"].history_lines[-1]
    assert last.endswith("第二次修正") and "）" not in last[-3:]
    assert library["supervision-law-2024"].history_lines[-1].endswith("的决定》修正")
    assert balance_brackets("《关于修改〈立法法〉的决定》修正）") == "《关于修改〈立法法〉的决定》修正"
    assert balance_brackets("（2019年修正）") == "（2019年修正）"


def test_history_entry_broken_over_two_lines_is_joined(library):
    last = library["land-administration-law-2019"].history_lines[-1]
    assert last.startswith("2019年8月26日") and "城市房地产管理法" in last


def test_preamble_and_force_break_markers(library):
    constitution = library["constitution-2018"]
    paragraphs = constitution.preamble_paragraphs
    assert len(paragraphs) == 13
    assert paragraphs[0].startswith("中国是世界上历史最悠久的国家之一")
    assert not any("FORCE BREAK" in p for p in paragraphs)
    first = services.find_article("constitution-2018", 1)
    assert first.chapter == "第一章 总纲" and "FORCE BREAK" not in first.text


def test_zero_width_space_line_is_ignored(library):
    first = services.find_article("administrative-reconsideration-law-2023", 1)
    assert first.text.startswith("为了防止和纠正违法的或者不当的行政行为")


def test_articles_keep_paragraphs_and_items(library):
    article = services.find_article("administrative-penalty-law-2021", 9)
    assert article.paragraphs[0].startswith("行政处罚的种类")
    assert any(p.startswith("（一）警告") for p in article.paragraphs)
    assert article.label == "第九条" and article.chapter.startswith("第二章")


def test_table_of_contents_has_chapters_and_sections(library):
    toc = services.table_of_contents(library["administrative-penalty-law-2021"])
    assert [c["title"] for c in toc][:2] == ["第一章 总则", "第二章 行政处罚的种类和设定"]
    fifth = toc[4]
    assert fifth["title"] == "第五章 行政处罚的决定"
    assert [s["title"] for s in fifth["sections"]] == ["第一节 一般规定", "第二节 简易程序", "第三节 普通程序",
                                                      "第四节 听证程序"]
    assert sum(len(c["articles"]) + sum(len(s["articles"]) for s in c["sections"]) for c in toc) == 86


def test_neighbours(library):
    article = services.find_article("constitution-2018", 1)
    assert services.neighbours(article) == (None, services.find_article("constitution-2018", 2))
    last = services.find_article("constitution-2018", 143)
    assert services.neighbours(last)[1] is None


def test_every_shipped_file_parses_to_its_manifest_count():
    for slug, row in MANIFEST.items():
        parsed = parse_law((LAWS_DIR / f"{slug}.md").read_text(encoding="utf-8"), slug)
        assert len(parsed.articles) == int(row["articles"])


HEADER = "# 中华人民共和国测试法\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n"


def test_parser_errors_name_the_line():
    with pytest.raises(LawFormatError) as missing_end:
        parse_law("# 测试法\n\n2020年1月1日 通过\n\n第一条 内容\n", "x.md")
    assert "找不到信息区的结束标记" in str(missing_end.value) and missing_end.value.path == "x.md"
    with pytest.raises(LawFormatError) as gap:
        parse_law(HEADER + "第一条 甲\n\n第三条 丙\n", "x.md")
    assert gap.value.line == 11 and "条文序号不连续" in str(gap.value)
    with pytest.raises(LawFormatError) as duplicate:
        parse_law(HEADER + "第一条 甲\n\n第二条 乙\n\n第二条 乙\n", "x.md")
    assert duplicate.value.line == 13 and "条文重复" in str(duplicate.value)


def test_inserted_articles_are_allowed():
    law = parse_law(HEADER + "第一条 甲\n\n第一条之一 插入\n\n第二条 乙\n")
    assert [(a.number, a.suffix, a.label) for a in law.articles] == [(1, 0, "第一条"), (1, 1, "第一条之一"),
                                                                      (2, 0, "第二条")]
