"""The API speaks UTF-8: Chinese travels as characters, not \\u escapes."""


def test_api_json_carries_chinese_as_characters(org, login):
    response = login(org.villager).get("/api/v1/me")
    raw = response.get_data()
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "东山村民委员会".encode() in raw
    assert b"\\u" not in raw
    assert "东山村民委员会" in str(response.get_json())


def test_api_errors_carry_chinese_as_characters(org, client):
    raw = client.get("/api/v1/me").get_data()
    assert b"\\u" not in raw and "登录".encode() in raw


def test_a_law_list_is_about_half_the_bytes_of_escaped_json(org, library, login):
    import json

    response = login(org.learner).get("/api/v1/laws")
    raw = response.get_data()
    escaped = json.dumps(response.get_json()).encode()
    assert b"\\u" not in raw and "中华人民共和国".encode() in raw
    assert len(raw) < 0.75 * len(escaped)
