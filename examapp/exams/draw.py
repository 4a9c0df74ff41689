"""Drawing a person's paper from the blueprint: pure, seeded and reproducible."""

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

VARIANTS = ("default", "leaders", "enforcement", "grid")
RULE_FILTERS = ("law", "chapter", "tag", "type", "difficulty", "audience")
LETTERS = "ABCDEFGH"
_NO_SHUFFLE_WORDS = ("以上", "上述", "都不", "均不", "都对", "均对")
# One search per option instead of one `in` per option and word (a start freezes 50 questions).
_REFERS_TO_OTHERS = re.compile("|".join(map(re.escape, _NO_SHUFFLE_WORDS)))


class DrawError(ValueError):
    """The bank cannot fill a rule of the blueprint."""

    def __init__(self, rule_index: int, needed: int, available: int):
        super().__init__(f"rule {rule_index}: needs {needed}, {available} available")
        self.rule_index, self.needed, self.available = rule_index, needed, available


@dataclass
class Pick:
    question_id: int
    section: str
    points: Decimal


@dataclass
class DrawResult:
    picks: list[Pick] = field(default_factory=list)
    record: dict = field(default_factory=dict)


def variant_rules(blueprint: list[dict], variant: str) -> list[dict]:
    """Return the rules of one paper variant, falling back to the default paper."""
    rules = [r for r in blueprint if r.get("variant", "default") == variant]
    return rules or [r for r in blueprint if r.get("variant", "default") == "default"]


def variants_present(blueprint: list[dict]) -> list[str]:
    return [v for v in VARIANTS if any(r.get("variant", "default") == v for r in blueprint)]


def choose_variant(blueprint: list[dict], *, is_leader: bool, is_enforcement: bool, is_grid: bool) -> str:
    """Leading cadres first, then law-enforcement officers, then grid workers get their own paper."""
    present = variants_present(blueprint)
    for variant, applies in (("leaders", is_leader), ("enforcement", is_enforcement), ("grid", is_grid)):
        if applies and variant in present:
            return variant
    return "default"


def draw_paper(rules: list[dict], pools: list, seed: int, digests: list[str] | None = None) -> DrawResult:
    """Pick each rule's questions from its pool without repeats, then shuffle within sections.

    The record keeps each pool inline, or, given the pools' digests (stored once in draw_pools), only those.
    """
    rng = random.Random(seed)
    taken: set[int] = set()
    by_section: dict[str, list[Pick]] = {}
    record_rules = []
    for index, (rule, pool) in enumerate(zip(rules, pools, strict=True)):
        candidates = [q for q in sorted(pool) if q not in taken]
        count = int(rule["count"])
        if len(candidates) < count:
            raise DrawError(index, count, len(candidates))
        chosen = rng.sample(candidates, count)
        taken.update(chosen)
        section = rule.get("section") or ""
        by_section.setdefault(section, []).extend(Pick(q, section, Decimal(str(rule["points"]))) for q in chosen)
        recorded = {"pool_digest": digests[index], "pool_size": len(pool)} if digests else {"pool": sorted(pool)}
        record_rules.append({"rule": rule, **recorded, "picked": chosen})
    picks: list[Pick] = []
    for section_picks in by_section.values():
        rng.shuffle(section_picks)
        picks.extend(section_picks)
    return DrawResult(picks, {"seed": seed, "rules": record_rules, "order": [p.question_id for p in picks]})


def reproduce(record: dict, pools: list[list[int]] | None = None) -> list[int]:
    """Re-run a recorded draw and return the question order it gives (pools: when the record names them
    by digest, as exams.bank_source.recorded_pools reads them)."""
    rules = [r["rule"] for r in record["rules"]]
    pools = pools if pools is not None else [r["pool"] for r in record["rules"]]
    return [p.question_id for p in draw_paper(rules, pools, record["seed"]).picks]


def options_list(raw) -> list[dict]:
    """Accept options as [{"key","text"}] or {"A": text} and return the list form."""
    if isinstance(raw, dict):
        return [{"key": k, "text": v} for k, v in raw.items()]
    return [{"key": o["key"], "text": o["text"]} for o in (raw or [])]


def shuffle_options(options: list[dict], rng: random.Random) -> tuple[list[dict], list[str]]:
    """Shuffle and relabel A, B, C...; keep the order when an option refers to the others."""
    order = list(options)
    if not any(_REFERS_TO_OTHERS.search(o["text"]) for o in options):
        rng.shuffle(order)
    shown = [{"key": LETTERS[i], "text": o["text"]} for i, o in enumerate(order)]
    return shown, [o["key"] for o in order]


def relabel_key(qtype: str, answer, original_order: list[str]):
    """Translate an answer key from original option letters to the displayed ones."""
    to_shown = {orig: LETTERS[i] for i, orig in enumerate(original_order)}
    if qtype == "single":
        return to_shown[answer]
    if qtype == "multiple":
        return sorted(to_shown[a] for a in answer)
    return answer


def freeze_question(qtype: str, stem: str, options, answer, subquestions, rng: random.Random) -> dict:
    """Build what a paper item keeps: content shown (no key), option order and the key."""
    if qtype in ("single", "multiple"):
        shown, order = shuffle_options(options_list(options), rng)
        return {"content": {"stem": stem, "options": shown}, "option_order": order,
                "key": relabel_key(qtype, answer, order)}
    if qtype == "blank":
        return {"content": {"stem": stem, "blanks": len(answer)}, "option_order": [], "key": answer}
    if qtype == "case":
        subs, keys, orders = [], [], []
        for n, sub in enumerate(subquestions or [], start=1):
            frozen = freeze_question(sub["type"], sub["stem"], sub.get("options"), sub["answer"], None, rng)
            subs.append({"n": n, "type": sub["type"], **frozen["content"]})
            keys.append({"type": sub["type"], "key": frozen["key"]})
            orders.append(frozen["option_order"])
        return {"content": {"stem": stem, "subquestions": subs}, "option_order": orders, "key": keys}
    return {"content": {"stem": stem}, "option_order": [], "key": answer}
