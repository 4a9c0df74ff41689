"""The demo organisation: a town, its offices, 34 village committees and one account per role."""

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from .models import Unit, User
from .services import add_unit, create_person

TOWN = "乌塘镇"
OFFICES = ("党政综合办公室", "综合行政执法队", "社会事务办公室", "自然资源和规划所", "信访办公室",
           "经济发展办公室")
VILLAGES = ("东山村", "西岭村", "南塘村", "北坡村", "青石村", "柳湾村", "桃源村", "杏花村", "石门村",
            "龙井村", "白沙村", "黄泥村", "新华村", "光明村", "红星村", "团结村", "和平村", "永安村",
            "长乐村", "高桥村", "马家村", "李家庄村", "王家湾村", "张庄村", "陈家坝村", "刘家沟村",
            "上坪村", "下坪村", "中心社区", "滨河社区", "文昌社区", "振兴社区", "锦绣社区", "幸福社区")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "志强", "海燕", "卫东", "丽华", "明", "芳", "小军", "春梅", "国庆", "红霞",
         "永刚", "桂兰", "晓东", "静", "德胜", "玉兰", "文斌", "淑珍")


def person_name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


def seed_units() -> tuple[Unit, dict[str, Unit]]:
    town = db.session.scalar(select(Unit).where(Unit.full_name == TOWN))
    if town is None:
        town = add_unit(TOWN, None, kind="town")
        for order, name in enumerate(OFFICES):
            add_unit(name, town, kind="office", sort_order=order)
        for order, name in enumerate(VILLAGES):
            kind = "community" if name.endswith("社区") else "village"
            suffix = "居民委员会" if kind == "community" else "民委员会"
            add_unit(name + suffix, town, kind=kind, sort_order=100 + order)
    units = {u.name: u for u in db.session.scalars(select(Unit).where(Unit.path.startswith(town.path)))}
    return town, units


DEMO_USERNAMES = frozenset(["admin", "examiner", "hr", "unitadmin", "leader1"] + [f"cadre{i}" for i in range(1, 21)]
                           + [f"grid{i}" for i in range(1, 41)])


def is_demo_account(user) -> bool:
    """The accounts `demo seed` creates keep the demo password: never hand them a one-time one."""
    return user.username in DEMO_USERNAMES


def demo_accounts(town: Unit, units: dict[str, Unit]) -> list[dict]:
    offices = [units[name] for name in OFFICES]
    villages = sorted((u for u in units.values() if u.kind in ("village", "community")),
                      key=lambda u: u.sort_order)
    accounts = [
        dict(username="admin", name="系统管理员", role="admin", unit=offices[0]),
        dict(username="examiner", name="考务管理员", role="examiner", unit=offices[0]),
        dict(username="hr", name="组织人事干事", role="hr", unit=offices[0], scope_unit=town),
        dict(username="unitadmin", name="东山村管理员", role="unit_admin", unit=villages[0]),
        dict(username="leader1", name="赵镇长", role="learner", unit=offices[0], is_leader=True,
             position="镇长", rank="一级主任科员"),
    ]
    for i in range(1, 21):
        accounts.append(dict(username=f"cadre{i}", name=person_name(i), role="learner",
                             unit=offices[i % len(offices)], position="干部", rank="四级主任科员",
                             is_enforcement=offices[i % len(offices)].name == "综合行政执法队"))
    for i in range(1, 41):
        accounts.append(dict(username=f"grid{i}", name=person_name(100 + i), role="learner",
                             unit=villages[(i - 1) % len(villages)], position="网格员",
                             is_grid_worker=True))
    return accounts


def seed(password: str, now: datetime) -> dict:
    """Create what is missing; set the demo password where it differs. Returns counts."""
    town, units = seed_units()
    created = updated = 0
    for spec in demo_accounts(town, units):
        user = db.session.scalar(select(User).where(User.username == spec["username"]))
        if user is None:
            create_person(None, now, password=password, **spec)
            created += 1
        elif not user.check_password(password):
            user.set_password(password)
            user.must_change_password = False
            updated += 1
    return {"units": len(units), "created": created, "password_updated": updated}
