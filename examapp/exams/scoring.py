"""Pure scoring: exact Decimal points per question type, no database, no clock."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..bank.canonical import accepts

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rules:
    """Exam-level scoring rules."""

    multiple: str = "all_or_nothing"  # or "partial": a right subset earns partial_share
    partial_share: Decimal = Decimal("0.5")


@dataclass(frozen=True)
class Mark:
    awarded: Decimal
    is_correct: bool


def split_points(points: Decimal, parts: int) -> list[Decimal]:
    """Split points into parts of whole cents that add up exactly (remainder to the first parts)."""
    if parts <= 0:
        return []
    points = Decimal(points)
    base = (points / parts).quantize(CENT, rounding=ROUND_DOWN)
    extra = int(((points - base * parts) / CENT).to_integral_value())
    return [base + (CENT if i < extra else 0) for i in range(parts)]


def score_single(key: str, answer: object, points: Decimal) -> Mark:
    ok = isinstance(answer, str) and answer == key
    return Mark(Decimal(points) if ok else Decimal(0), ok)


def score_true_false(key: bool, answer: object, points: Decimal) -> Mark:
    ok = isinstance(answer, bool) and answer is bool(key)
    return Mark(Decimal(points) if ok else Decimal(0), ok)


def score_multiple(key: list, answer: object, points: Decimal, rules: Rules) -> Mark:
    """All or nothing; or, under "partial", a right subset with no wrong option earns a share."""
    if not isinstance(answer, list) or not answer:
        return Mark(Decimal(0), False)
    chosen, right = set(answer), set(key)
    if chosen == right:
        return Mark(Decimal(points), True)
    if rules.multiple == "partial" and chosen < right:
        share = (Decimal(points) * Decimal(rules.partial_share)).quantize(CENT, rounding=ROUND_HALF_UP)
        return Mark(share, False)
    return Mark(Decimal(0), False)


def score_blank(key: list, answer: object, points: Decimal) -> Mark:
    """Each blank earns its share when it means the same as one accepted alternative (bank.canonical)."""
    shares = split_points(points, len(key))
    given = answer if isinstance(answer, list) else []
    awarded, all_ok = Decimal(0), True
    for index, (accepted, share) in enumerate(zip(key, shares, strict=True)):
        value = given[index] if index < len(given) else ""
        ok = accepts(accepted, value)
        awarded += share if ok else 0
        all_ok = all_ok and ok
    return Mark(awarded, all_ok)


def score_case(key: list, answer: object, points: Decimal, rules: Rules) -> Mark:
    """Score each sub-question with its share of the points; answer is {"1": .., "2": ..}."""
    given = answer if isinstance(answer, dict) else {}
    shares = split_points(points, len(key))
    awarded, all_ok = Decimal(0), True
    for index, (sub, share) in enumerate(zip(key, shares, strict=True), start=1):
        mark = score_item(sub["type"], sub["key"], given.get(str(index)), share, rules)
        awarded += mark.awarded
        all_ok = all_ok and mark.is_correct
    return Mark(awarded, all_ok)


def score_item(qtype: str, key: object, answer: object, points: Decimal, rules: Rules = Rules()) -> Mark:
    """Score one answer against its key."""
    if qtype == "single":
        return score_single(key, answer, points)
    if qtype == "multiple":
        return score_multiple(key, answer, points, rules)
    if qtype == "true_false":
        return score_true_false(key, answer, points)
    if qtype == "blank":
        return score_blank(key, answer, points)
    if qtype == "case":
        return score_case(key, answer, points, rules)
    raise ValueError(f"unknown question type {qtype!r}")


def grade(total: Decimal, pass_mark: Decimal, excellent_mark: Decimal) -> tuple[bool, bool]:
    """Return (passed, excellent); reaching a mark exactly counts."""
    total = Decimal(total)
    return total >= Decimal(pass_mark), total >= Decimal(excellent_mark)
