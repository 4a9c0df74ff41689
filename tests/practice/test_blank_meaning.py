"""Practice reuses the exam's blank rule: an answer is right when it means what the key says."""

import pytest

from examapp.extensions import db
from tests.practice.conftest import answer, make_public, serve


@pytest.fixture
def blanks(library, untangled):
    question = make_public("meaning", "blank", answer=[["十八个月"], ["2021年7月15日"]])
    db.session.commit()
    return question


@pytest.mark.parametrize("value,right", [
    (["一年半", "2021/7/15"], True), (["1年半", "二〇二一年七月十五日"], True),
    (["十八日", "2021年7月15日"], False), (["十八个月", "2021年7月5日"], False),
])
def test_practice_judges_blanks_by_meaning(login, org, blanks, clock, value, right):
    client = login(org.learner)
    assert serve(client, question=blanks.id)["question"]["id"] == blanks.id
    assert answer(client, blanks.id, value)["correct"] is right
