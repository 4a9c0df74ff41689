"""Plain factory functions for tests."""

from types import SimpleNamespace

from examapp.db import utcnow
from examapp.extensions import db
from examapp.org.models import User
from examapp.org.services import add_unit

PASSWORD = "Secret-pass-123"


def make_user(username, unit, role="learner", password=PASSWORD, **fields) -> User:
    user = User(username=username, name=fields.pop("name", username), unit=unit, role=role, **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def small_org() -> SimpleNamespace:
    town = add_unit("乌塘镇", None, kind="town")
    office = add_unit("党政综合办公室", town)
    village_a = add_unit("东山村民委员会", town, kind="village")
    village_b = add_unit("西岭村民委员会", town, kind="village")
    other_town = add_unit("河口镇", None, kind="town")
    ns = SimpleNamespace(town=town, office=office, village_a=village_a, village_b=village_b,
                         other_town=other_town, now=utcnow())
    ns.admin = make_user("admin", office, "admin")
    ns.examiner = make_user("examiner", office, "examiner")
    ns.hr = make_user("hr", office, "hr", scope_unit=town)
    ns.unitadmin = make_user("unitadmin", village_a, "unit_admin")
    ns.learner = make_user("cadre1", office, "learner")
    ns.villager = make_user("grid1", village_a, "learner", is_grid_worker=True)
    ns.outsider = make_user("grid2", village_b, "learner", is_grid_worker=True)
    ns.far = make_user("far1", other_town, "learner")
    db.session.commit()
    return ns
