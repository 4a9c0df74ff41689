"""Rates, averages, score distributions and rankings over plain data (no database).

Definitions (stated on every report):
  参考率 participation = required people who finished an attempt / people required to take the exam
  合格率 pass rate     = participants whose counted attempt passed / participants
  优秀率 excellence    = participants whose counted attempt was excellent / participants
"""

from collections.abc import Iterable
from dataclasses import dataclass, field


def ratio(part: int, whole: int) -> float | None:
    """Return part/whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass
class Tally:
    """Counts for one group (a unit, an exam, a year)."""

    required: int = 0
    participants: int = 0
    required_participants: int = 0
    passed: int = 0
    excellent: int = 0
    score_sum: float = 0.0
    attempts: int = 0
    scores: list[float] = field(default_factory=list)

    def add(self, *, required: bool, score: float | None, passed: bool, excellent: bool,
            attempts: int = 0) -> None:
        """Count one person: required or not, and their counted result if they took part."""
        self.required += 1 if required else 0
        self.attempts += attempts
        if score is None:
            return
        self.participants += 1
        self.required_participants += 1 if required else 0
        self.passed += 1 if passed else 0
        self.excellent += 1 if excellent else 0
        self.score_sum += float(score)
        self.scores.append(float(score))

    def merge(self, other: "Tally") -> None:
        for name in ("required", "participants", "required_participants", "passed", "excellent", "score_sum",
                     "attempts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.scores.extend(other.scores)

    @property
    def participation_rate(self) -> float | None:
        return ratio(self.required_participants, self.required)

    @property
    def pass_rate(self) -> float | None:
        return ratio(self.passed, self.participants)

    @property
    def excellence_rate(self) -> float | None:
        return ratio(self.excellent, self.participants)

    @property
    def average(self) -> float | None:
        return self.score_sum / self.participants if self.participants else None

    @property
    def absent(self) -> int:
        return self.required - self.required_participants


def distribution(scores: Iterable[float], max_score: float, bins: int = 10) -> list[dict]:
    """Count scores in equal bands of the maximum: [0,10%), [10%,20%) … [90%,100%]."""
    counts = [0] * bins
    for score in scores:
        share = float(score) / max_score if max_score else 0.0
        index = min(max(int(share * bins), 0), bins - 1)
        counts[index] += 1
    width = max_score / bins if max_score else 0
    return [{"low": round(i * width, 2), "high": round((i + 1) * width, 2), "count": counts[i]}
            for i in range(bins)]


RANK_KEYS = {
    "participation": lambda t: t.participation_rate,
    "pass": lambda t: t.pass_rate,
    "excellence": lambda t: t.excellence_rate,
    "average": lambda t: t.average,
}


def rank(groups: dict, by: str = "participation") -> list[tuple[int, object, Tally]]:
    """Rank groups by one rate (then the others); equal figures share a rank; None comes last."""
    order = [by] + [k for k in ("participation", "pass", "excellence", "average") if k != by]

    def key(item):
        tally = item[1]
        return tuple((RANK_KEYS[k](tally) is None, -(RANK_KEYS[k](tally) or 0)) for k in order)

    ranked, previous, position = [], None, 0
    for index, (name, tally) in enumerate(sorted(groups.items(), key=key), start=1):
        current = key((name, tally))
        if current != previous:
            position, previous = index, current
        ranked.append((position, name, tally))
    return ranked


def percent(value: float | None, digits: int = 1) -> str:
    """Format a rate as '87.5%' (or '—' when undefined)."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"
