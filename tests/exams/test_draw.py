"""The drawn paper matches the blueprint and reproduces from its recorded draw."""

import random
from collections import Counter
from decimal import Decimal

import pytest

from examapp.exams import draw
from examapp.exams.attempts import start_attempt
from examapp.exams.bank_source import recorded_pools
from examapp.exams.models import Attempt
from examapp.extensions import db

from .conftest import SMALL_BLUEPRINT, make_exam, make_question


def test_draw_is_pure_and_reproducible():
    rules = [{"count": 3, "points": "2", "section": "A"}, {"count": 2, "points": "1", "section": "B"}]
    pools = [list(range(1, 20)), list(range(10, 30))]
    first = draw.draw_paper(rules, pools, 42)
    assert [p.question_id for p in first.picks] == [p.question_id for p in draw.draw_paper(rules, pools, 42).picks]
    assert draw.reproduce(first.record) == first.record["order"]
    assert len(set(first.record["order"])) == 5  # no repeats across overlapping pools
    assert [p.section for p in first.picks] == ["A"] * 3 + ["B"] * 2
    seeds = {tuple(p.question_id for p in draw.draw_paper(rules, pools, s).picks) for s in range(20)}
    assert len(seeds) > 10  # different seeds give different papers


def test_draw_refuses_when_a_pool_is_short():
    with pytest.raises(draw.DrawError) as err:
        draw.draw_paper([{"count": 3, "points": "1"}, {"count": 2, "points": "1"}], [[1, 2, 3], [2, 3]], 1)
    assert err.value.rule_index == 1 and err.value.available == 0


def test_option_shuffle_relabels_key_and_keeps_all_of_the_above_in_place():
    options = [{"key": k, "text": t} for k, t in zip("ABCD", ["甲", "乙", "丙", "丁"], strict=True)]
    frozen = draw.freeze_question("multiple", "题", options, ["B", "D"], None, random.Random(7))
    shown = {o["key"]: o["text"] for o in frozen["content"]["options"]}
    assert sorted(shown[k] for k in frozen["key"]) == ["丁", "乙"]
    assert "key" not in frozen["content"] and frozen["option_order"] != ["A", "B", "C", "D"]
    fixed = options[:3] + [{"key": "D", "text": "以上都对"}]
    assert draw.freeze_question("single", "题", fixed, "D", None, random.Random(7))["option_order"] == list("ABCD")


@pytest.mark.parametrize("flags,expected", [
    ({"is_leader": True, "is_enforcement": True, "is_grid": False}, "leaders"),
    ({"is_leader": False, "is_enforcement": True, "is_grid": True}, "default"),
    ({"is_leader": False, "is_enforcement": False, "is_grid": False}, "default"),
])
def test_variant_choice(flags, expected):
    blueprint = [{"variant": "default", "count": 1, "points": 1}, {"variant": "leaders", "count": 1, "points": 1}]
    assert draw.choose_variant(blueprint, **flags) == expected


def test_started_paper_matches_blueprint_and_reproduces(org, exam):
    attempt = start_attempt(exam, org.learner, org.now)
    db.session.commit()
    assert len(attempt.items) == 9 and attempt.max_score == Decimal(100)
    types = Counter(i.type for i in attempt.items)
    assert types == {"single": 4, "multiple": 2, "true_false": 2, "blank": 1}
    assert [i.section for i in attempt.items] == ["单选"] * 4 + ["多选"] * 2 + ["判断"] * 2 + ["填空"]
    assert draw.reproduce(attempt.draw, recorded_pools(attempt.draw)) == [i.question_id for i in attempt.items]
    assert attempt.draw["seed"] == attempt.seed and attempt.draw["variant"] == "default"
    for item in attempt.items:
        assert item.question_version_id and item.points > 0
        if item.type == "single":  # the frozen key points at the same option text as the bank's key
            version = db.session.get(draw_version_model(), item.question_version_id)
            original = {o["key"]: o["text"] for o in version.options}[version.answer]
            assert {o["key"]: o["text"] for o in item.content["options"]}[item.key] == original


def draw_version_model():
    from examapp.bank.models import QuestionVersion

    return QuestionVersion


def test_leaders_get_their_own_paper_and_reviewed_questions_are_never_drawn(org, bank):
    for i in range(3):
        make_question(f"lead{i}", audience="leaders")
    under_review = make_question("rev", needs_review=True)
    retired = make_question("old", status="retired")
    db.session.commit()
    blueprint = SMALL_BLUEPRINT + [{"variant": "leaders", "section": "领导", "type": "single",
                                    "audience": "leaders", "count": 3, "points": "10"}]
    exam = make_exam(org, blueprint=blueprint)
    org.learner.is_leader = True
    leader_attempt = start_attempt(exam, org.learner, org.now)
    normal = start_attempt(exam, org.villager, org.now)
    db.session.commit()
    assert leader_attempt.variant == "leaders" and len(leader_attempt.items) == 3
    assert normal.variant == "default" and len(normal.items) == 9
    drawn = {i.question_id for a in db.session.query(Attempt) for i in a.items}
    assert under_review.id not in drawn and retired.id not in drawn
