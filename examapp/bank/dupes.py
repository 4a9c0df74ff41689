"""Exact and near-duplicate stems, within a file and against the bank."""

import math
from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from .models import Question, QuestionVersion
from .validation import fingerprint, may_be_similar, shingles, similarity

NEAR = 0.8


@dataclass
class Known:
    """A question to compare against: where it is, its digest and bigrams."""

    label: str
    code: str
    digest: str
    grams: frozenset


def bank_questions() -> list[Known]:
    """Every current, non-retired question of the bank."""
    rows = db.session.execute(
        select(Question.code, QuestionVersion.stem, QuestionVersion.options, QuestionVersion.fingerprint)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.status != "retired"))
    return [Known(code, code, digest, shingles({"stem": stem, "options": options}))
            for code, stem, options, digest in rows]


def find_duplicates(items: list[tuple[int, dict]], label_of, against_bank: bool = True):
    """Yield (line, is_exact, message) for each duplicate among items and the bank.

    Items with a code that already exists are updates of that question, not duplicates of it.
    """
    known = bank_questions() if against_bank else []
    incoming = [(line, data, fingerprint(data), shingles(data)) for line, data in items]
    index = NearIndex([k.grams for k in known] + [grams for *_rest, grams in incoming])
    by_digest = {}
    for entry in known:
        by_digest.setdefault(entry.digest, entry)
        index.add(entry)
    for line, data, digest, grams in incoming:
        code = data.get("code") or ""
        prefix = index.prefix(grams)  # once for the search and once more for the entry: the same
        match = by_digest.get(digest)
        if match is not None and (not code or match.code != code):
            yield line, True, _("Duplicate of %(where)s (same stem and options).", where=match.label)
        else:
            near = index.nearest(grams, code, prefix)
            if near is not None:
                yield line, False, _("The stem is very similar to %(where)s.", where=near.label)
        entry = Known(label_of(line), code, digest, grams)
        if digest not in by_digest or by_digest[digest].code == code:
            by_digest[digest] = entry
        index.add(entry, prefix)


class NearIndex:
    """Prefix-filter index: two sets with Jaccard >= NEAR share one of their rarest bigrams (PPJoin's prefix and
    positional filters; Xiao et al., "Efficient similarity joins for near duplicate detection", WWW 2008)."""

    def __init__(self, all_grams: list[frozenset]):
        rank = Counter(g for grams in all_grams for g in grams)
        # One global order, rarest first: a bigram's place in it, so sorting by it runs at C speed.
        self.order = {g: n for n, g in enumerate(sorted(rank, key=lambda g: (rank[g], g)))}
        self.postings: dict[str, list[tuple[Known, int]]] = {}

    def prefix(self, grams: frozenset) -> list[str]:
        ordered = sorted(grams, key=self.order.__getitem__)
        return ordered[: len(ordered) - math.ceil(NEAR * len(ordered)) + 1]

    def add(self, entry: Known, prefix: list[str] | None = None) -> None:
        for position, gram in enumerate(self.prefix(entry.grams) if prefix is None else prefix):
            self.postings.setdefault(gram, []).append((entry, position))

    def nearest(self, grams: frozenset, code: str, prefix: list[str] | None = None) -> Known | None:
        seen, size = set(), len(grams)
        for position, gram in enumerate(self.prefix(grams) if prefix is None else prefix):
            for other, other_position in self.postings.get(gram, ()):
                if id(other) in seen or (code and other.code == code):
                    continue
                seen.add(id(other))
                # Met first at this bigram, the first both share in the global order: they share at most it and
                # what follows it in the shorter rest, and Jaccard >= NEAR needs NEAR/(1+NEAR) of both sizes.
                other_size = len(other.grams)
                needed = math.ceil(NEAR / (1 + NEAR) * (size + other_size) - 1e-9)
                if min(size - position, other_size - other_position) < needed:
                    continue
                if may_be_similar(grams, other.grams, NEAR) and similarity(grams, other.grams) >= NEAR:
                    return other
        return None
