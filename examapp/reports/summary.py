"""Aggregate report lines into figures: overall, per unit (with its subtree), ranked."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..org.models import Unit
from .queries import ResultRow
from .stats import Tally, distribution, rank


@dataclass
class Summary:
    total: Tally
    groups: dict[int, Tally]
    units: dict[int, Unit]
    max_score: float = 100.0
    bands: list[dict] = field(default_factory=list)

    def ranked(self, by: str = "participation") -> list[tuple[int, Unit, Tally]]:
        return [(pos, self.units[uid], tally) for pos, uid, tally in rank(self.groups, by)]


def group_of(path: str, root: Unit | None, groups: dict[int, Unit]) -> int | None:
    """Return the id of the ranked unit (a child of root) whose subtree holds this path."""
    skip = len(root.path.strip("/").split("/")) if root else 0
    parts = path.strip("/").split("/")
    if len(parts) <= skip or not parts[skip].isdigit():
        return None  # people directly in the root unit count in the total only
    uid = int(parts[skip])
    return uid if uid in groups else None


def add(tally: Tally, row: ResultRow, keep_scores: bool) -> None:
    tally.add(required=row.required, score=row.score, passed=row.passed, excellent=row.excellent,
              attempts=row.attempts)
    if not keep_scores and row.score is not None:
        tally.scores.pop()


def summarise(rows: Iterable[ResultRow], root: Unit | None, ranked_units: list[Unit],
              max_score: float | None = None) -> Summary:
    """Tally every line once: the whole, and each ranked unit's subtree."""
    units = {u.id: u for u in ranked_units}
    summary = Summary(total=Tally(), groups={uid: Tally() for uid in units}, units=units)
    seen_max = 0.0
    for row in rows:
        add(summary.total, row, keep_scores=True)
        seen_max = max(seen_max, row.max_score or 0.0)
        uid = group_of(row.unit_path, root, units)
        if uid is not None:
            add(summary.groups[uid], row, keep_scores=False)
    summary.max_score = max_score or seen_max or 100.0
    summary.bands = distribution(summary.total.scores, summary.max_score)
    return summary
