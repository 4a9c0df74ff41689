"""The review names options in the learner's shuffled letters, as the key does (issue 10, item 2).

Public questions: a confidential one stays out of the review until the exam has closed for everyone."""

import re

from examapp.exams.models import AttemptItem
from examapp.extensions import db

from .conftest import make_exam, make_question, start

OPTIONS = [{"key": k, "text": t} for k, t in zip("ABCD", ["七日", "十日", "十五日", "三十日"], strict=True)]
CASE = [
    {"type": "single", "stem": "子题一", "options": OPTIONS, "answer": "C", "explanation": "依法应为十五日，故选C。",
     "basis": []},
    {"type": "multiple", "stem": "子题二", "options": OPTIONS, "answer": ["A", "B"], "explanation": "AB两项正确。",
     "basis": []},
]


def finished(org, login, exam):
    client = login(org.learner)
    aid = start(client, exam.id)["attempt_id"]
    client.post(f"/api/v1/attempts/{aid}/submit")
    return client, aid


def shown_letter(item: AttemptItem, original: str, sub: int | None = None) -> str:
    order = item.option_order if sub is None else item.option_order[sub]
    return "ABCD"[order.index(original)]


def test_explanations_name_the_letter_the_learner_saw(org, login, untangle):
    make_question("letters", options=OPTIONS, answer="C", explanation="正确答案是C（十五日），A项是旧法的规定，故选C。",
                  visibility="public")
    exam = make_exam(org, allows_public_questions=True,
                     blueprint=[{"variant": "default", "type": "single", "count": 1, "points": "100"}])
    client, aid = finished(org, login, exam)
    item = db.session.query(AttemptItem).filter_by(attempt_id=aid).one()
    row = client.get(f"/api/v1/attempts/{aid}").get_json()["review"][0]
    c, a = shown_letter(item, "C"), shown_letter(item, "A")
    assert row["key"] == c
    assert row["explanation"] == f"正确答案是{c}（十五日），{a}项是旧法的规定，故选{c}。"
    assert {o["key"]: o["text"] for o in row["options"]}[c] == "十五日"
    page = client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
    assert f"故选{c}。" in page


def test_case_sub_question_explanations_follow_their_own_order(org, login, untangle):
    make_question("case-letters", "case", subquestions=CASE, visibility="public")
    exam = make_exam(org, allows_public_questions=True,
                     blueprint=[{"variant": "default", "type": "case", "count": 1, "points": "100"}])
    client, aid = finished(org, login, exam)
    item = db.session.query(AttemptItem).filter_by(attempt_id=aid).one()
    row = client.get(f"/api/v1/attempts/{aid}").get_json()["review"][0]
    first, second = row["subquestions"]
    assert first["explanation"] == f"依法应为十五日，故选{shown_letter(item, 'C', 0)}。"
    pair = "".join(sorted(shown_letter(item, k, 1) for k in "AB"))
    assert second["explanation"] == f"{pair}两项正确。"
    assert row["key"][0]["key"] == shown_letter(item, "C", 0)
    page = client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
    assert f"{pair}两项正确。" in page


def test_every_shown_explanation_agrees_with_the_shown_key_over_many_papers(org, login, untangle):
    """Twenty learners' papers: "故选X" in each review names the displayed key."""
    make_question("agree", options=OPTIONS, answer="B", explanation="故选B。", visibility="public")
    exam = make_exam(org, max_attempts=20, allows_public_questions=True,
                     blueprint=[{"variant": "default", "type": "single", "count": 1, "points": "100"}])
    client = login(org.learner)
    orders = set()
    for _ in range(20):
        aid = start(client, exam.id)["attempt_id"]
        client.post(f"/api/v1/attempts/{aid}/submit")
        row = client.get(f"/api/v1/attempts/{aid}").get_json()["review"][0]
        assert re.fullmatch(r"故选([A-D])。", row["explanation"]).group(1) == row["key"]
        orders.add(tuple(db.session.query(AttemptItem).filter_by(attempt_id=aid).one().option_order))
    assert len(orders) > 1  # the papers really were shuffled differently
