"""Table-driven tests of the pure scoring functions."""

from decimal import Decimal as D

import pytest

from examapp.exams.scoring import Mark, Rules, grade, score_item, split_points

PARTIAL = Rules("partial", D("0.5"))
STRICT = Rules("all_or_nothing")
CASE_KEY = [{"type": "single", "key": "B"}, {"type": "multiple", "key": ["A", "C"]},
            {"type": "true_false", "key": False}]


@pytest.mark.parametrize("qtype,key,answer,points,rules,awarded,correct", [
    ("single", "B", "B", D(2), STRICT, D(2), True),
    ("single", "B", "C", D(2), STRICT, D(0), False),
    ("single", "B", None, D(2), STRICT, D(0), False),
    ("single", "B", ["B"], D(2), STRICT, D(0), False),
    ("multiple", ["A", "C"], ["C", "A"], D(3), STRICT, D(3), True),
    ("multiple", ["A", "C"], ["A"], D(3), STRICT, D(0), False),
    ("multiple", ["A", "C"], ["A"], D(3), PARTIAL, D("1.50"), False),
    ("multiple", ["A", "C", "D"], ["A", "C"], D(2), Rules("partial", D("0.33")), D("0.66"), False),
    ("multiple", ["A", "C"], ["A", "B"], D(3), PARTIAL, D(0), False),  # 错选不得分
    ("multiple", ["A", "C"], ["A", "B", "C"], D(3), PARTIAL, D(0), False),
    ("multiple", ["A", "C"], [], D(3), PARTIAL, D(0), False),
    ("multiple", ["A", "C"], "A", D(3), PARTIAL, D(0), False),
    ("true_false", True, True, D(1), STRICT, D(1), True),
    ("true_false", False, False, D(1), STRICT, D(1), True),
    ("true_false", False, True, D(1), STRICT, D(0), False),
    ("true_false", False, None, D(1), STRICT, D(0), False),
    ("true_false", True, "true", D(1), STRICT, D(0), False),
    ("true_false", False, 0, D(1), STRICT, D(0), False),
    ("blank", [["七日", "7日"], ["三日"]], ["７日", "三 日"], D(3), STRICT, D(3), True),  # full-width, spaces
    ("blank", [["七日", "7日"], ["三日"]], ["七日", "五日"], D(3), STRICT, D("1.50"), False),
    ("blank", [["ABC"]], ["ａｂｃ"], D(2), STRICT, D(2), True),
    ("blank", [["七日"], ["三日"], ["五日"]], ["七日", "三日", "五日"], D(1), STRICT, D(1), True),
    ("blank", [["七日"], ["三日"], ["五日"]], ["七日", "", ""], D(1), STRICT, D("0.34"), False),
    ("blank", [["七日"]], [], D(2), STRICT, D(0), False),
    ("blank", [["七日"]], None, D(2), STRICT, D(0), False),
    ("blank", [["七日"]], ["   "], D(2), STRICT, D(0), False),
    ("case", CASE_KEY, {"1": "B", "2": ["A", "C"], "3": False}, D(10), STRICT, D(10), True),
    ("case", CASE_KEY, {"1": "B", "2": ["A"], "3": True}, D(10), PARTIAL, D("3.34") + D("1.67"), False),
    ("case", CASE_KEY, None, D(9), STRICT, D(0), False),
])
def test_score_item(qtype, key, answer, points, rules, awarded, correct):
    mark = score_item(qtype, key, answer, points, rules)
    assert mark.awarded == awarded
    assert mark.is_correct is correct


@pytest.mark.parametrize("total,passed,excellent", [
    (D("59.99"), False, False), (D(60), True, False), (D("60.00"), True, False), (D("89.5"), True, False),
    (D(90), True, True), (D(100), True, True), (D(0), False, False),
])
def test_pass_line_boundaries(total, passed, excellent):
    assert grade(total, D(60), D(90)) == (passed, excellent)


@pytest.mark.parametrize("points,parts,expected", [
    (D(10), 3, [D("3.34"), D("3.33"), D("3.33")]),
    (D(3), 2, [D("1.50"), D("1.50")]),
    (D(1), 3, [D("0.34"), D("0.33"), D("0.33")]),
    (D(2), 1, [D(2)]),
])
def test_split_points_adds_up(points, parts, expected):
    shares = split_points(points, parts)
    assert shares == expected and sum(shares) == points


@pytest.mark.parametrize("key,answer", [
    ([["七日"]], ["7天"]), ([["十二个月"]], ["一年"]), ([["2021年7月15日"]], ["二○二一年七月十五日"]),
    ([["2021年7月15日"]], ["2021-07-15"]), ([["六个月"]], ["半年"]), ([["十八个月"]], ["1年半。"]),
])
def test_blank_judged_by_meaning(key, answer):
    assert score_item("blank", key, answer, D(2)) == Mark(D(2), True)


@pytest.mark.parametrize("key,answer", [
    ([["七日"]], ["七个工作日"]), ([["2021年7月15日"]], ["2021年7月16日"]), ([["十五日"]], ["五日"]),
    ([["六个月"]], ["六月"]),
])
def test_blank_different_meaning_scores_nothing(key, answer):
    assert score_item("blank", key, answer, D(2)) == Mark(D(0), False)


def test_unknown_type_raises():
    with pytest.raises(ValueError):
        score_item("essay", None, "x", D(1))
