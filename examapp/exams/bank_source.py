"""The exam side of the question bank: rule pools and current versions."""

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from typing import NamedTuple

from sqlalchemy import Integer, String, any_, bindparam, cast, func, literal, select, union_all
from sqlalchemy.dialects import postgresql

from ..bank.generation import current_generation
from ..bank.models import CONFIDENTIAL, Question, QuestionVersion
from ..bank.services import eligible_questions, filter_bank
from ..db import dialect_name, upsert
from ..extensions import db
from .draw import RULE_FILTERS
from .models import DrawPool


def rule_filters(rule: dict) -> dict:
    """Return a rule's bank filters without the empty ones."""
    filters = {name: rule.get(name) for name in RULE_FILTERS if rule.get(name) not in (None, "", [])}
    if "difficulty" in filters:
        filters["difficulty"] = int(filters["difficulty"])
    return filters


def rule_pool(rule: dict, allow_public: bool = False) -> list[int]:
    """Return the ids of active, unreviewed questions that satisfy one blueprint rule (see pool_select)."""
    stmt = pool_select(rule, allow_public).with_only_columns(Question.id).order_by(Question.id)
    return list(db.session.scalars(stmt))


QUESTION_FILTERS = {"law", "type"}  # the rest are columns of the version


def pool_select(rule: dict, allow_public: bool = False):
    """The eligible questions of one rule; without a version filter the questions table alone answers
    (the foreign key guarantees the current version exists), which spares reading every version row.

    Only confidential (exam-only) questions, unless the exam explicitly allows public ones: the public
    bank and its keys are published for study, so anyone could learn them by heart.
    """
    filters = rule_filters(rule)
    if set(filters) <= QUESTION_FILTERS:
        stmt = filter_bank(select(Question).where(Question.status == "active", Question.needs_review.is_(False),
                                                  Question.current_version_id.is_not(None)), **filters)
    else:
        stmt = eligible_questions(**filters)
    return stmt if allow_public else stmt.where(Question.visibility == CONFIDENTIAL)


class Pool(NamedTuple):
    """One rule's eligible question ids (sorted, read-only) and their digest (the draw_pools key)."""

    digest: str
    ids: tuple[int, ...]


def pool_digest(ids) -> str:
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()


POOL_CACHE_SIZE = 64
_pool_cache: OrderedDict[tuple, list[Pool]] = OrderedDict()
_pool_cache_lock = threading.Lock()


UNREAD = object()  # rule_pools and frozen_sources read the generation themselves unless given it


def rule_pools(rules: list[dict], allow_public: bool = False, generation=UNREAD) -> list[Pool]:
    """Return every rule's pool, reused while the bank's generation is unchanged (bank.generation).

    On exam day hundreds of starts a minute draw from the same pools; reading them costs one statement
    over the whole bank per start, the generation one primary-key read. A bank change of any kind gives
    the generation a new value, so a cached pool is exactly what reading it again would give.
    """
    if not rules:
        return []
    if generation is UNREAD:
        generation = current_generation()
    key = (str(db.engine.url), generation, json.dumps(rules, sort_keys=True, default=str), allow_public)
    if generation is not None:
        with _pool_cache_lock:
            if (cached := _pool_cache.get(key)) is not None:
                _pool_cache.move_to_end(key)
                return cached
    pools = read_pools(rules, allow_public)
    if generation is not None:
        with _pool_cache_lock:
            _pool_cache[key] = pools
            while len(_pool_cache) > POOL_CACHE_SIZE:
                _pool_cache.popitem(last=False)
    return pools


def read_pools(rules: list[dict], allow_public: bool = False) -> list[Pool]:
    """Read every rule's pool from one statement: one row per rule with its ids joined by commas
    (5,000 rows through the driver cost more than the query)."""
    dialect = dialect_name()
    parts = []
    for index, rule in enumerate(rules):
        eligible = pool_select(rule, allow_public).with_only_columns(Question.id).subquery()
        joined = (func.string_agg(cast(eligible.c.id, String), ",") if dialect == "postgresql"
                  else func.group_concat(eligible.c.id, ","))
        parts.append(select(literal(index).label("rule"), joined.label("ids")).select_from(eligible))
    found: dict[int, str | None] = dict(db.session.connection().execute(
        union_all(*parts) if len(parts) > 1 else parts[0]).all())
    pools = []
    for index in range(len(rules)):
        ids = tuple(sorted(map(int, found[index].split(",")))) if found.get(index) else ()
        pools.append(Pool(pool_digest(ids), ids))
    return pools


STORED_CACHE_SIZE = 4096
_stored: set[tuple] = set()  # (database, generation, digest) of pools found stored (committed by some start)


def store_pools(pools: list[Pool], now, generation=None) -> None:
    """Keep each pool a draw record names (once per distinct pool; the record keeps only the digest).

    A pool found stored stays stored (draw_pools rows are never deleted), so with the bank's generation given
    each worker asks the database once per pool and generation, not on every start. A pool this transaction
    inserts is not remembered: the transaction may yet roll back.
    """
    wanted = {pool.digest: pool for pool in pools}
    url = str(db.engine.url)
    known = {digest for digest in wanted if (url, generation, digest) in _stored} if generation is not None else set()
    if len(known) == len(wanted):
        return
    present = set(db.session.scalars(stored_statement(),
                                      {"digests": [digest for digest in wanted if digest not in known]}))
    if generation is not None and present:
        with _pool_cache_lock:
            if len(_stored) > STORED_CACHE_SIZE:
                _stored.clear()
            _stored.update((url, generation, digest) for digest in present)
    missing = [pool for digest, pool in wanted.items() if digest not in present and digest not in known]
    if missing:
        # Two first starts may store the same pool at once: the second one's row is simply not needed.
        db.session.execute(upsert(DrawPool).on_conflict_do_nothing(index_elements=["digest"]),
                           [{"digest": p.digest, "size": len(p.ids), "question_ids": list(p.ids), "created_at": now}
                            for p in missing])


def recorded_pools(record: dict) -> list[list[int]]:
    """The pools a draw record drew from: inline in records made before draw_pools, by digest after."""
    digests = [r["pool_digest"] for r in record["rules"] if "pool_digest" in r]
    stored = {p.digest: p.question_ids for p in db.session.scalars(
        select(DrawPool).where(DrawPool.digest.in_(digests)))} if digests else {}
    return [r["pool"] if "pool" in r else stored[r["pool_digest"]] for r in record["rules"]]


SOURCE_CACHE_SIZE = 20_000  # questions; a county bank's 5,000 sources take a few MB per worker
_source_cache: dict = {"key": None, "rows": {}}


def frozen_sources(question_ids: list[int], generation=UNREAD) -> dict[int, dict]:
    """Return what freezing needs of each question's current version (plain rows), keyed by question id.

    Kept like the pools while the bank's generation is unchanged: every start reads 50 stems, options and
    keys from JSON columns, the same few thousand questions all exam day. Callers never change the rows.
    """
    if not question_ids:
        return {}
    if generation is UNREAD:
        generation = current_generation()
    key = (str(db.engine.url), generation)
    with _pool_cache_lock:
        if _source_cache["key"] != key or len(_source_cache["rows"]) > SOURCE_CACHE_SIZE:
            _source_cache["key"], _source_cache["rows"] = key, {}
        cache = _source_cache["rows"]
        found = {qid: cache[qid] for qid in question_ids if qid in cache}
    missing = [qid for qid in question_ids if qid not in found]
    if missing:
        connection = db.session.connection()
        rows = connection.execute(sources_statement(connection.dialect.name), {"ids": missing})
        read = {row.id: row._asdict() for row in rows}
        found.update(read)
        if generation is not None:
            with _pool_cache_lock:
                if _source_cache["key"] == key:
                    _source_cache["rows"].update(read)
    return found


@functools.cache
def sources_statement(dialect: str = ""):
    """frozen_sources' read, built once (a statement costs more to build than this one costs to run).

    PostgreSQL: the ids as one array parameter (= ANY), so the statement's text is the same however many are
    missing and psycopg prepares it after a few runs; an IN list of 1 to 50 parameters is a new text, parsed and
    planned by the server (and rendered by SQLAlchemy) on every start.
    """
    ids = bindparam("ids", type_=postgresql.ARRAY(Integer))
    return (select(Question.id, QuestionVersion.id.label("version_id"), QuestionVersion.type, QuestionVersion.stem,
                   QuestionVersion.options, QuestionVersion.answer, QuestionVersion.subquestions)
            .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
            .where(Question.id == any_(ids) if dialect == "postgresql"
                   else Question.id.in_(bindparam("ids", expanding=True))))


@functools.cache
def stored_statement():
    return select(DrawPool.digest).where(DrawPool.digest.in_(bindparam("digests", expanding=True)))


def current_versions(question_ids: list[int]) -> dict[int, QuestionVersion]:
    """Return each question's current version, keyed by question id."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(Question.id, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.id.in_(question_ids)))
    return {qid: version for qid, version in rows}


def versions_by_id(version_ids: list[int]) -> dict[int, QuestionVersion]:
    if not version_ids:
        return {}
    return {v.id: v for v in db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(version_ids)))}
