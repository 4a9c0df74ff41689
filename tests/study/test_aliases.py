"""Short citations: every shipped statute answers to its common short names, in the version in force."""

import pytest

from examapp.errors import Invalid
from examapp.study.aliases import ALIASES, family
from examapp.study.citations import law_named, parse_citations
from tests.study.conftest import MANIFEST


def in_force_slug(fam: str) -> str:
    """The newest shipped version of a statute family (the one in force)."""
    return max((s for s in MANIFEST if family(s) == fam), key=lambda s: MANIFEST[s]["version_date"])


def test_every_shipped_law_has_aliases():
    assert {family(slug) for slug in MANIFEST} <= set(ALIASES)


@pytest.mark.parametrize(("fam", "alias"), [(f, a) for f, names in ALIASES.items() for a in names])
def test_each_alias_cites_the_version_in_force(library, fam, alias):
    expected = in_force_slug(fam)
    assert parse_citations(f"{alias}第1条") == [(expected, 1)]
    assert parse_citations(f"《{alias}》第一条") == [(expected, 1)]
    assert parse_citations(f"依照{alias}第2条的规定") == [(expected, 2)]
    assert law_named(alias) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("复议法第9条", ("administrative-reconsideration-law-2023", 9)),
    ("处罚法第33条", ("administrative-penalty-law-2021", 33)),
    ("公务员法第59条", ("civil-servant-law-2018", 59)),
    ("行政复议法第九条", ("administrative-reconsideration-law-2023", 9)),
    ("《信访条例》第十条", ("petition-work-regulations-2022", 10)),
    ("国赔法第二条", ("state-compensation-law-2012", 2)),
    ("政务处分法第7条", ("public-officials-sanctions-law-2020", 7)),
])
def test_the_short_citations_people_type(library, text, expected):
    assert parse_citations(text) == [expected]


def test_a_law_outside_the_library_is_not_taken_for_a_short_name(library, ctx):
    with pytest.raises(Invalid) as exc:
        parse_citations("治安管理处罚法第二十条")
    assert exc.value.code == "unknown_law"
    assert law_named("治安管理处罚法") is None


def test_search_jumps_to_the_article_or_the_statute(library, org, login):
    client = login(org.learner)
    jump = client.get("/study/search", query_string={"q": "复议法第9条"})
    assert jump.status_code == 302
    assert jump.headers["Location"].endswith("/study/laws/administrative-reconsideration-law-2023/articles/9")
    law = client.get("/study/search", query_string={"q": "《处罚法》"})
    assert law.status_code == 302 and law.headers["Location"].endswith("/study/laws/administrative-penalty-law-2021")
    data = client.get("/api/v1/search", query_string={"q": "处罚法第33条"}).get_json()
    assert data["citation"] == {"slug": "administrative-penalty-law-2021", "number": 33}
    assert client.get("/api/v1/search", query_string={"q": "信访条例"}).get_json()["law"] == {
        "slug": "petition-work-regulations-2022"}
