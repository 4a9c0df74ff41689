"""Fill-in answers are judged by meaning on the real exam path: API save, submit, stored marks."""

from decimal import Decimal

import pytest

from examapp.exams.models import AttemptItem
from examapp.extensions import db

from .conftest import make_exam, make_question, start

BLUEPRINT = [{"variant": "default", "section": "填空", "type": "blank", "count": 1, "points": "30"}]
KEY = [["2021年7月15日"], ["十二个月"], ["七个工作日"]]


@pytest.fixture
def blank_exam(org, untangle):
    make_question("date-blank", "blank", answer=KEY)
    db.session.commit()
    return make_exam(org, blueprint=BLUEPRINT)


@pytest.mark.parametrize("answer,score,correct", [
    (["二○二一年七月十五日", "1年", "7个工作日。"], 30, True),
    (["2021-07-15", "一年", "七 个工作日"], 30, True),
    (["２０２１．７．１５", "12个月", "七个工作日"], 30, True),
    (["2021年7月16日", "一年", "七日"], 10, False),
    (["2021年7月15日", "一年半", "七天"], 10, False),
    (["", "", ""], 0, False),
])
def test_submit_scores_blanks_by_meaning(org, blank_exam, login, clock, answer, score, correct):
    client = login(org.learner)
    paper = start(client, blank_exam.id)
    aid, qid = paper["attempt_id"], paper["questions"][0]["id"]
    saved = client.put(f"/api/v1/attempts/{aid}/answers/{qid}", json={"answer": answer})
    assert saved.status_code == 200
    result = client.post(f"/api/v1/attempts/{aid}/submit").get_json()
    assert result["score"] == score
    item = db.session.query(AttemptItem).filter_by(attempt_id=aid).one()
    assert item.awarded == Decimal(score) and item.is_correct is correct
