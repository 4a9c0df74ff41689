"""Rates, distribution, ranking and item analysis on small hand-computed examples."""

import pytest

from examapp.reports import items, stats
from examapp.reports.items import Response


def tally(*people):
    t = stats.Tally()
    for score, attempts in people:
        passed = score is not None and score >= 60
        t.add(required=True, score=score, passed=passed, excellent=passed and score >= 90, attempts=attempts)
    return t


def test_rates_hand_computed():
    t = tally((95, 1), (70, 2), (50, 3), (None, 0))
    assert (t.required, t.participants, t.passed, t.excellent, t.absent, t.attempts) == (4, 3, 2, 1, 1, 6)
    assert t.participation_rate == pytest.approx(0.75)
    assert t.pass_rate == pytest.approx(2 / 3)
    assert t.excellence_rate == pytest.approx(1 / 3)
    assert t.average == pytest.approx(215 / 3)
    assert stats.percent(t.pass_rate) == "66.7%"


def test_empty_rates_are_undefined_not_zero():
    t = stats.Tally()
    assert t.participation_rate is None and t.pass_rate is None and t.average is None
    assert stats.percent(None) == "—"
    t.add(required=True, score=None, passed=False, excellent=False)
    assert t.participation_rate == 0 and t.pass_rate is None


def test_people_not_required_count_in_results_not_in_participation():
    t = tally((95, 1), (None, 0))
    t.add(required=False, score=40, passed=False, excellent=False, attempts=1)
    assert (t.required, t.participants, t.absent) == (2, 2, 1)
    assert t.participation_rate == pytest.approx(0.5) and t.pass_rate == pytest.approx(0.5)


def test_merge_adds_up():
    a, b = tally((95, 1)), tally((50, 1), (None, 0))
    a.merge(b)
    assert (a.required, a.participants, a.passed) == (3, 2, 1)


def test_distribution_bands():
    bands = stats.distribution([0, 9.99, 10, 59, 60, 100, 95], 100)
    assert [b["count"] for b in bands] == [2, 1, 0, 0, 0, 1, 1, 0, 0, 2]
    assert bands[0]["low"] == 0 and bands[-1]["high"] == 100
    assert sum(b["count"] for b in stats.distribution([], 100)) == 0


def test_rank_ties_share_a_place_and_none_comes_last():
    groups = {"甲": tally((95, 1), (None, 0)), "乙": tally((95, 1), (None, 0)),
              "丙": tally((50, 1)), "丁": stats.Tally()}
    ranked = stats.rank(groups, by="participation")
    assert [(pos, name) for pos, name, _t in ranked] == [(1, "丙"), (2, "甲"), (2, "乙"), (4, "丁")]
    by_pass = stats.rank(groups, by="pass")
    assert [(pos, name) for pos, name, _t in by_pass] == [(1, "甲"), (1, "乙"), (3, "丙"), (4, "丁")]


# Five attempts, three 1-point questions:
#   A1: 1 1 1 (3)   A2: 1 1 0 (2)   A3: 1 0 0 (1)   A4: 0 0 1 (1)   A5: 0 0 0 (0)
MATRIX = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 1), (0, 0, 0)]
CHOICES_Q1 = ["A", "A", "A", "B", "C"]


def attempts():
    return [{q + 1: Response(awarded=row[q], points=1, chosen=(CHOICES_Q1[i],) if q == 0 else ())
             for q in range(3)} for i, row in enumerate(MATRIX)]


def test_item_analysis_hand_computed():
    result = items.analyse(attempts())
    q1, q2, q3 = result.items
    assert result.attempts == 5 and result.mean == pytest.approx(1.4)
    assert result.sd == pytest.approx(1.04 ** 0.5)
    assert (q1.facility, q2.facility, q3.facility) == (pytest.approx(0.6), pytest.approx(0.4), pytest.approx(0.4))
    # Corrected item-total correlations, computed by hand (see the test's comment for the data).
    assert q1.discrimination == pytest.approx(0.6 / 3.36 ** 0.5)   # 0.3273
    assert q2.discrimination == pytest.approx(1 / 2.4 ** 0.5)      # 0.6455
    assert q3.discrimination == pytest.approx(0.0, abs=1e-12)
    assert (q1.flagged, q2.flagged, q3.flagged) == (False, False, True)
    assert q1.options == {"A": 3, "B": 1, "C": 1}
    assert q1.upper_lower == pytest.approx(1.0) and q2.upper_lower == pytest.approx(1.0)
    # KR-20 / alpha: item variances 0.24 each, total variance 1.04 -> 1.5 * (1 - 0.72/1.04).
    assert result.alpha == pytest.approx(1.5 * (1 - 0.72 / 1.04))  # 0.4615
    assert result.alpha_items == 3


def test_negative_discrimination_is_flagged():
    # The question the weakest get right and the strongest get wrong.
    data = [{1: Response(1, 1), 2: Response(1, 1), 3: Response(0, 1)},
            {1: Response(1, 1), 2: Response(1, 1), 3: Response(0, 1)},
            {1: Response(0, 1), 2: Response(0, 1), 3: Response(1, 1)}]
    q3 = items.analyse(data).items[2]
    assert q3.discrimination < 0 and q3.flagged


def test_alpha_needs_two_common_items_and_variance():
    assert items.cronbach_alpha([{1: Response(1, 1)}, {1: Response(0, 1)}]) == (None, 1)
    assert items.cronbach_alpha([{1: Response(1, 1), 2: Response(1, 1)}] * 3)[0] is None
    # Random papers: only the shared questions count.
    data = [{1: Response(1, 1), 2: Response(1, 1), 9: Response(1, 1)},
            {1: Response(0, 1), 2: Response(0, 1), 8: Response(1, 1)}]
    alpha, k = items.cronbach_alpha(data)
    assert k == 2 and alpha == pytest.approx(1.0)


def test_partial_credit_items_use_fractions():
    data = [{1: Response(2, 4)}, {1: Response(4, 4)}]
    assert items.analyse(data).items[0].facility == pytest.approx(0.75)
