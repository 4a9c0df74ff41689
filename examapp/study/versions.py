"""Compare two versions of a law: match articles (also renumbered ones) and mark text changes."""

import re
from difflib import SequenceMatcher

from markupsafe import Markup, escape

from .models import Article, Law

MATCH_THRESHOLD = 0.55  # below this similarity two articles are different provisions
TINY_COMMON_RUN = 2  # common runs this short between two changes are noise ("深" in 深化 / 深入)
SAME_NUMBER_BONUS = 0.03  # prefer the article at the same number when two candidates are as close


def normalise(text: str) -> str:
    """Text for comparing: no whitespace (the files differ in spacing and line breaks only)."""
    return re.sub(r"\s+", "", text or "")


def similarity(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < MATCH_THRESHOLD or matcher.quick_ratio() < MATCH_THRESHOLD:
        return 0.0
    return matcher.ratio()


def pair_scores(old: list[Article], new: list[Article]) -> list[tuple[float, int, int]]:
    """Every (score, old number, new number) pair close enough to be the same provision."""
    new_texts = [(a.number, normalise(a.text)) for a in new if a.suffix == 0]
    scores = []
    for article in old:
        if article.suffix:
            continue
        text = normalise(article.text)
        for number, other in new_texts:
            score = 1.0 if text == other else similarity(text, other)
            if score >= MATCH_THRESHOLD:
                bonus = SAME_NUMBER_BONUS if number == article.number else 0.0
                scores.append((score + bonus, article.number, number))
    return sorted(scores, key=lambda s: (-s[0], abs(s[1] - s[2]), s[1]))


_CACHE: dict[tuple, dict[int, tuple[int | None, str]]] = {}
_CACHE_SIZE = 32


def match_articles(old_law: Law, new_law: Law) -> dict[int, tuple[int | None, str]]:
    """Map each old article number to (new number or None, 'same' | 'changed' | 'moved' | 'removed')."""
    # Matching costs about a second; the texts only change when a file's hash does, so remember the answer.
    key = (old_law.id, old_law.slug, old_law.source_sha256, new_law.id, new_law.slug, new_law.source_sha256)
    if key not in _CACHE or not old_law.source_sha256:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = compute_matches(old_law, new_law)
    return dict(_CACHE[key])


def compute_matches(old_law: Law, new_law: Law) -> dict[int, tuple[int | None, str]]:
    old = list(old_law.articles)
    new = list(new_law.articles)
    new_text = {a.number: normalise(a.text) for a in new if a.suffix == 0}
    old_text = {a.number: normalise(a.text) for a in old if a.suffix == 0}
    result: dict[int, tuple[int | None, str]] = {}
    used: set[int] = set()
    for _score, old_number, new_number in pair_scores(old, new):
        if old_number in result or new_number in used:
            continue
        used.add(new_number)
        if new_number != old_number:
            status = "moved"
        else:
            status = "same" if old_text[old_number] == new_text[new_number] else "changed"
        result[old_number] = (new_number, status)
    for number in old_text:
        result.setdefault(number, (None, "removed"))
    return dict(sorted(result.items()))


def added_articles(mapping: dict[int, tuple[int | None, str]], new_law: Law) -> list[int]:
    """New-version article numbers that no old article became."""
    matched = {new for new, _status in mapping.values() if new is not None}
    return [a.number for a in new_law.articles if a.suffix == 0 and a.number not in matched]


def merged_opcodes(old_text: str, new_text: str) -> list[tuple[str, int, int, int, int]]:
    """Character opcodes with tiny common runs between two changes folded into the change (easier to read)."""
    ops = SequenceMatcher(None, old_text, new_text, autojunk=False).get_opcodes()
    merged: list[list] = []
    for index, (op, a1, a2, b1, b2) in enumerate(ops):
        between = 0 < index < len(ops) - 1
        if op == "equal" and between and a2 - a1 <= TINY_COMMON_RUN:
            op = "replace"
        if merged and op != "equal" and merged[-1][0] != "equal":
            merged[-1] = ["replace", merged[-1][1], a2, merged[-1][3], b2]
        else:
            merged.append([op, a1, a2, b1, b2])
    return [tuple(m) for m in merged]


def diff_html(old_text: str, new_text: str) -> Markup:
    """Mark deletions with <del> and insertions with <ins> (text escaped first)."""
    out = []
    for op, a1, a2, b1, b2 in merged_opcodes(old_text, new_text):
        if op == "equal":
            out.append(escape(old_text[a1:a2]))
            continue
        if a2 > a1:
            out.append(Markup("<del>%s</del>") % old_text[a1:a2])
        if b2 > b1:
            out.append(Markup("<ins>%s</ins>") % new_text[b1:b2])
    return Markup("").join(out).replace("\n", Markup("<br>"))
