"""Citations resolve to the version in force; unknown laws and missing articles are refused."""

import pytest

from examapp.errors import Invalid
from examapp.study.citations import parse_citations, scan

PENALTY = "administrative-penalty-law-2021"


@pytest.mark.parametrize("text", ["行政处罚法第三十三条", "《中华人民共和国行政处罚法》第33条", "行政处罚法 33",
                                  "《行政处罚法》第三十三条", "依照《行政处罚法》第三十三条第一款的规定"])
def test_citation_forms(library, text):
    assert parse_citations(text) == [(PENALTY, 33)]


def test_several_articles_and_laws(library):
    text = "依照行政处罚法第三十三条、第三十四条的规定，并参照《宪法》第五条和《信访工作条例》第十条。"
    assert parse_citations(text) == [(PENALTY, 33), (PENALTY, 34), ("constitution-2018", 5),
                                     ("petition-work-regulations-2022", 10)]


def test_name_resolves_to_version_in_force(library):
    assert parse_citations("行政复议法第四条") == [("administrative-reconsideration-law-2023", 4)]
    assert parse_citations("《中华人民共和国监察法》第3条") == [("supervision-law-2024", 3)]


def test_unknown_law_is_named(library, ctx):
    with pytest.raises(Invalid) as exc:
        parse_citations("根据《中华人民共和国刑法》第二十条")
    assert "中华人民共和国刑法" in exc.value.message and exc.value.code == "unknown_law"


def test_missing_article_is_refused(library, ctx):
    with pytest.raises(Invalid) as exc:
        parse_citations("行政处罚法第九十九条")
    assert exc.value.code == "unknown_article" and "99" in exc.value.message


def test_self_references_and_plain_text_are_not_citations():
    assert scan("本法第三条规定的情形") == []
    assert scan("罚款数额为二十元") == []
