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
        match = by_digest.get(digest)
        if match is not None and (not code or match.code != code):
            yield line, True, _("Duplicate of %(where)s (same stem and options).", where=match.label)
        else:
            near = index.nearest(grams, code)
            if near is not None:
                yield line, False, _("The stem is very similar to %(where)s.", where=near.label)
        entry = Known(label_of(line), code, digest, grams)
        if digest not in by_digest or by_digest[digest].code == code:
            by_digest[digest] = entry
        index.add(entry)


class NearIndex:
    """Prefix-filter index: two sets with Jaccard >= NEAR share one of their rarest bigrams."""

    def __init__(self, all_grams: list[frozenset]):
        self.rank = Counter(g for grams in all_grams for g in grams)
        self.postings: dict[str, list[Known]] = {}

    def prefix(self, grams: frozenset) -> list[str]:
        ordered = sorted(grams, key=lambda g: (self.rank[g], g))
        return ordered[: len(ordered) - math.ceil(NEAR * len(ordered)) + 1]

    def add(self, entry: Known) -> None:
        for gram in self.prefix(entry.grams):
            self.postings.setdefault(gram, []).append(entry)

    def nearest(self, grams: frozenset, code: str) -> Known | None:
        seen = set()
        for gram in self.prefix(grams):
            for other in self.postings.get(gram, ()):
                if id(other) in seen or (code and other.code == code):
                    continue
                seen.add(id(other))
                if may_be_similar(grams, other.grams, NEAR) and similarity(grams, other.grams) >= NEAR:
                    return other
        return None
