"""Item analysis (as in Moodle's quiz statistics): facility, discrimination, options, reliability.

Input is plain data, one mapping per finished attempt: question id -> Response. Scores are
points; the attempt total is the sum of its items' points.
"""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

NEAR_ZERO = 0.1  # discrimination below this (or negative) is flagged for review
UPPER_LOWER = 0.27


@dataclass(frozen=True)
class Response:
    awarded: float
    points: float
    chosen: tuple[str, ...] = ()


@dataclass
class ItemStats:
    question_id: int
    n: int
    facility: float | None
    discrimination: float | None  # corrected item-total (point-biserial for 0/1 items)
    upper_lower: float | None  # share correct in the top 27% minus the bottom 27%
    options: dict[str, int] = field(default_factory=dict)
    flagged: bool = False


@dataclass
class TestStats:
    attempts: int
    items: list[ItemStats]
    alpha: float | None  # Cronbach's alpha (= KR-20 when every item is scored 0/1)
    alpha_items: int  # items every attempt had, which alpha is computed over
    mean: float | None
    sd: float | None


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def variance(values: Sequence[float]) -> float:
    """Population variance (the same convention for items and totals)."""
    centre = mean(values) or 0.0
    return sum((v - centre) ** 2 for v in values) / len(values) if values else 0.0


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson correlation, None when either side does not vary."""
    if len(xs) < 2:
        return None
    mx, my = mean(xs), mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def upper_lower_index(pairs: list[tuple[float, float]], share: float = UPPER_LOWER) -> float | None:
    """(total, item fraction) pairs -> mean fraction in the top group minus the bottom group."""
    size = max(int(round(len(pairs) * share)), 1)
    if len(pairs) < 2 * size:
        return None
    ordered = sorted(pairs, key=lambda p: p[0])
    lower, upper = ordered[:size], ordered[-size:]
    return sum(p[1] for p in upper) / size - sum(p[1] for p in lower) / size


def analyse_item(question_id: int, attempts: list[dict[int, Response]], totals: list[float]) -> ItemStats:
    """Compute one question's figures over the attempts that had it."""
    fractions, rests, pairs, options = [], [], [], Counter()
    for answers, total in zip(attempts, totals, strict=True):
        response = answers.get(question_id)
        if response is None:
            continue
        fraction = response.awarded / response.points if response.points else 0.0
        fractions.append(fraction)
        rests.append(total - response.awarded)
        pairs.append((total, fraction))
        options.update(response.chosen or ("",))
    discrimination = correlation(fractions, rests)
    stats = ItemStats(question_id=question_id, n=len(fractions), facility=mean(fractions),
                      discrimination=discrimination, upper_lower=upper_lower_index(pairs),
                      options=dict(sorted(options.items())))
    stats.flagged = discrimination is not None and discrimination < NEAR_ZERO
    return stats


def cronbach_alpha(attempts: list[dict[int, Response]]) -> tuple[float | None, int]:
    """Alpha over the items every attempt had; (None, k) when undefined."""
    if len(attempts) < 2:
        return None, 0
    common = set(attempts[0]).intersection(*attempts[1:])
    k = len(common)
    if k < 2:
        return None, k
    item_vars = sum(variance([a[q].awarded for a in attempts]) for q in common)
    total_var = variance([sum(a[q].awarded for q in common) for a in attempts])
    if total_var == 0:
        return None, k
    return k / (k - 1) * (1 - item_vars / total_var), k


def analyse(attempts: list[dict[int, Response]]) -> TestStats:
    """Analyse a test: one ItemStats per question (in first-seen order) and the reliability."""
    totals = [sum(r.awarded for r in answers.values()) for answers in attempts]
    question_ids = list(dict.fromkeys(q for answers in attempts for q in answers))
    items = [analyse_item(q, attempts, totals) for q in question_ids]
    alpha, k = cronbach_alpha(attempts)
    sd = math.sqrt(variance(totals)) if totals else None
    return TestStats(attempts=len(attempts), items=items, alpha=alpha, alpha_items=k,
                     mean=mean(totals), sd=sd)
