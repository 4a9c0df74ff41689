"""The contract endpoints: laws, articles."""

import pytest

from .conftest import MANIFEST


def test_laws_list(library, org, login):
    data = login(org.learner).get("/api/v1/laws").get_json()["laws"]
    assert {item["slug"] for item in data} >= set(MANIFEST)
    penalty = next(item for item in data if item["slug"] == "administrative-penalty-law-2021")
    assert penalty == {"slug": "administrative-penalty-law-2021", "title": "中华人民共和国行政处罚法",
                       "short_title": "行政处罚法", "version_date": "2021-01-22", "level": "法律", "in_force": True,
                       "article_count": 86}
    assert next(i for i in data if i["slug"] == "supervision-law-2018")["in_force"] is False


def test_article(library, org, login):
    client = login(org.villager)
    data = client.get("/api/v1/laws/administrative-penalty-law-2021/articles/33").get_json()
    assert data["number"] == 33 and data["label"] == "第三十三条"
    assert data["chapter"] == "第四章 行政处罚的管辖和适用"
    assert data["previous"] == 32 and data["next"] == 34
    first = client.get("/api/v1/laws/constitution-2018/articles/1").get_json()
    assert first["previous"] is None and first["text"].startswith("中华人民共和国是工人阶级领导的")


@pytest.mark.parametrize("path", ["/api/v1/laws/no-such-law/articles/1",
                                  "/api/v1/laws/constitution-2018/articles/144"])
def test_article_not_found(library, org, login, path):
    response = login(org.learner).get(path)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_api_needs_login(library, client):
    assert client.get("/api/v1/laws").status_code == 401
    assert client.get("/api/v1/laws/constitution-2018/articles/1").status_code == 401


def test_openapi_describes_study_endpoints(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/laws", "/api/v1/laws/{slug}/articles/{number}", "/api/v1/search",
                 "/api/v1/study/heartbeat"):
        assert path in paths
