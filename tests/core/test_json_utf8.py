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


def test_the_json_provider_writes_what_the_standard_library_would(app):
    """Replies are written by orjson: the same JSON as the standard library with the site's rules (keys sorted,
    Chinese as characters, times ISO 8601 with the offset, Decimal as its exact text, dataclasses as objects)."""
    import dataclasses
    import json
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from examapp.localtime import json_default

    @dataclasses.dataclass
    class Part:
        n: int
        text: str

    value = {"b": datetime(2026, 12, 2, 5, 0, tzinfo=UTC), "a": date(2026, 1, 2), "分": Decimal("2.50"),
             3: [Part(1, "乙"), None, True, 2.5]}
    written = app.json.dumps(value)
    assert json.loads(written) == json.loads(json.dumps(value, default=json_default))
    assert written == json.dumps(json.loads(written), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert '"b":"2026-12-02T05:00:00Z"' in written and '"分":"2.50"' in written
    assert app.json.dumps({"id": 2**70, "题": 1}) == '{"id":1180591620717411303424,"题":1}'  # beyond orjson
