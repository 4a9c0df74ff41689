"""Search: two-character queries, ranking, safe highlighting, citation jump; page and API."""

from examapp.study.search import citation_target, highlight, search, snippet


def test_two_character_queries_find_articles(library):
    for query in ("复议", "罚款", "听证", "宅基"):
        hits = search(query)
        assert hits, query
        assert all(query in hit.article.text or query in hit.article.chapter + hit.article.section for hit in hits)


def test_ranking_puts_the_densest_article_in_force_first(library):
    hits = search("罚款")
    assert hits[0].score >= hits[-1].score
    assert hits[0].law.slug == "administrative-penalty-law-2021"
    old_hits = [h for h in search("复议", limit=500) if not h.law.is_in_force]
    new_hits = [h for h in search("复议", limit=500) if h.law.is_in_force]
    assert old_hits and new_hits and max(h.score for h in old_hits) <= max(h.score for h in new_hits)


def test_several_terms_must_all_match(library):
    hits = search("宅基地 一户")
    assert hits and all("宅基地" in h.article.text and "一户" in h.article.text for h in hits)
    assert hits[0].law.slug == "land-administration-law-2019" and hits[0].article.number == 62


def test_wildcards_are_literal(library):
    assert search("%") == [] and search("_") == []


def test_highlight_escapes_before_marking():
    html = str(highlight("<script>罚款</script>", ["罚款"]))
    assert html == "&lt;script&gt;<mark>罚款</mark>&lt;/script&gt;"
    assert "<mark>" in str(snippet("甲" * 200 + "罚款" + "乙" * 200, ["罚款"]))


def test_citation_target(library, ctx):
    assert citation_target("行政处罚法 33").number == 33
    assert citation_target("《中华人民共和国行政处罚法》第33条").slug == "administrative-penalty-law-2021"
    assert citation_target("罚款") is None
    assert citation_target("行政处罚法第九百条") is None


def test_search_page_highlights_and_jumps(library, org, login):
    client = login(org.learner)
    page = client.get("/study/search", query_string={"q": "复议"})
    assert page.status_code == 200 and "<mark>复议</mark>" in page.get_data(as_text=True)
    jump = client.get("/study/search", query_string={"q": "行政处罚法第三十三条"})
    assert jump.status_code == 302
    assert jump.headers["Location"].endswith("/study/laws/administrative-penalty-law-2021/articles/33")
    nasty = client.get("/study/search", query_string={"q": "<b>x</b>"}).get_data(as_text=True)
    assert "<b>x</b>" not in nasty


def test_search_api(library, org, login):
    client = login(org.learner)
    data = client.get("/api/v1/search", query_string={"q": "罚款"}).get_json()
    assert data["total"] >= len(data["results"]) > 0 and data["citation"] is None
    first = data["results"][0]
    assert {"slug", "number", "snippet"} <= set(first) and "<mark>罚款</mark>" in first["snippet"]
    cited = client.get("/api/v1/search", query_string={"q": "行政处罚法 33"}).get_json()
    assert cited["citation"] == {"slug": "administrative-penalty-law-2021", "number": 33}
    assert client.get("/api/v1/search").status_code == 422


def test_search_needs_login(library, client):
    assert client.get("/api/v1/search", query_string={"q": "复议"}).status_code == 401
    assert client.get("/study/search", query_string={"q": "复议"}).status_code in (302, 401)


def test_citation_of_a_missing_article_says_so(library, org, login):
    page = login(org.learner).get("/study/search", query_string={"q": "行政处罚法第九百条"})
    assert page.status_code == 200 and "900" in page.get_data(as_text=True)


def test_admin_pages_send_anonymous_to_login(library, client):
    for path in ("/study/requirements", "/study/cases/new"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_search_pages(library, org, login):
    client = login(org.learner)
    first = client.get("/study/search", query_string={"q": "复议"}).get_data(as_text=True)
    second = client.get("/study/search", query_string={"q": "复议", "page": 2}).get_data(as_text=True)
    assert "page=2" in first and "page=1" in second
    links = [line for line in second.split("\n") if "/articles/" in line and "<a href" in line]
    assert links and links[0] not in first
