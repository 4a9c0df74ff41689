"""A small exam with hand-computable results across the test org."""

from types import SimpleNamespace

import pytest

from examapp.extensions import db
from tests.factories import make_user
from tests.records.conftest import finish_attempt, make_exam


@pytest.fixture
def results(org):
    """Town learners are required. Office: 95 (excellent). Village A: 50 then 70 (pass), and 50 (fail).
    Village B: absent. The other town's learner (not required) took part: 80."""
    org.learner.name = "李明华"
    grid3 = make_user("grid3", org.village_a, "learner", name="=HYPERLINK(\"http://evil\",\"点\")")
    exam = make_exam(audience={"unit_ids": [org.town.id], "roles": ["learner"]})
    finish_attempt(exam, org.learner, 95)
    finish_attempt(exam, org.villager, 50, number=1)
    finish_attempt(exam, org.villager, 70, number=2)
    finish_attempt(exam, grid3, 50)
    finish_attempt(exam, org.far, 80)
    db.session.commit()
    return SimpleNamespace(exam=exam, grid3=grid3, org=org)
