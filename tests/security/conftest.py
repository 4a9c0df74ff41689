"""Staff accounts inside a unit admin's subtree (东山村), for the staff-on-staff cases."""

from types import SimpleNamespace

import pytest

from examapp.extensions import db
from examapp.org.models import User
from tests.functional.world import village_staff
from tests.reliability.api_fuzz import api_world  # noqa: F401  (the API fuzz world, for S-06)


@pytest.fixture
def staff(org):
    """An examiner, an HR account, a second unit admin and a system admin, all in 东山村."""
    ids = village_staff(org)
    return SimpleNamespace(**{key: db.session.get(User, ids[name].learner) for key, name in
                              (("examiner", "vexam"), ("hr", "vhr"), ("unitadmin", "vadmin"), ("admin", "vsys"))})
