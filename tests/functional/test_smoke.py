def test_login_page_renders_in_chinese(client):
    response = client.get("/login")
    assert response.status_code == 200


def test_me_requires_login(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_login_and_me(org, login):
    client = login(org.learner)
    data = client.get("/api/v1/me").get_json()
    assert data["username"] == "cadre1"
    assert data["unit"]["path"] == "乌塘镇/党政综合办公室"
