"""The contract's CLI: users create/token, demo seed (idempotent), translate compile."""

import re

from sqlalchemy import func, select

from examapp.extensions import db
from examapp.org.models import Unit, User


def test_users_create_and_token(runner, org, client):
    result = runner.invoke(args=["users", "create", "newcadre", "--role", "learner", "--unit",
                                 "乌塘镇/东山村民委员会", "--password", "Pass-word-123"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "newcadre"))
    assert user.unit == org.village_a and user.check_password("Pass-word-123")
    token = runner.invoke(args=["users", "token", "newcadre"]).output.strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["username"] == "newcadre"


def test_users_create_refuses_an_unknown_unit(runner, org):
    result = runner.invoke(args=["users", "create", "x1", "--role", "learner", "--unit", "无此单位"])
    assert result.exit_code == 1 and "找不到单位：无此单位" in result.output


def test_users_create_prints_a_random_password_when_none_given(runner, org):
    result = runner.invoke(args=["users", "create", "x2", "--role", "hr", "--unit", "乌塘镇"])
    assert result.exit_code == 0 and "初始密码：" in result.output and "已创建账号 x2（人事，乌塘镇）" in result.output


def test_demo_seed_builds_the_town_and_is_idempotent(app, runner):
    first = runner.invoke(args=["demo", "seed", "--password", "Demo-pass-123"])
    assert first.exit_code == 0, first.output
    assert "演示密码：Demo-pass-123" in first.output and "新建账号" in first.output
    town = db.session.scalar(select(Unit).where(Unit.name == "乌塘镇"))
    villages = db.session.scalar(select(func.count(Unit.id)).where(Unit.parent_id == town.id,
                                                                    Unit.kind.in_(["village", "community"])))
    assert villages == 34
    names = set(db.session.scalars(select(User.username)))
    assert {"admin", "examiner", "hr", "unitadmin", "leader1", "cadre20", "grid40"} <= names
    roles = dict(db.session.execute(select(User.username, User.role)).all())
    assert roles["admin"] == "admin" and roles["unitadmin"] == "unit_admin" and roles["hr"] == "hr"
    count = db.session.scalar(select(func.count(User.id)))
    second = runner.invoke(args=["demo", "seed", "--password", "Demo-pass-123"])
    assert second.exit_code == 0 and "新建账号 0 个" in second.output
    assert db.session.scalar(select(func.count(User.id))) == count
    leader = db.session.scalar(select(User).where(User.username == "leader1"))
    assert leader.is_leader and leader.check_password("Demo-pass-123")


def test_openapi_describes_every_api_route(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            assert path in spec["paths"], path
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert spec["paths"][path][method.lower()]["summary"]
