"""Rule pools are read once per bank generation, and a draw record names its pools instead of carrying them."""

import json

from sqlalchemy import event, func, select, text, update

from examapp.bank.generation import current_generation
from examapp.bank.models import Question
from examapp.exams import draw
from examapp.exams.attempts import start_attempt
from examapp.exams.bank_source import read_pools, recorded_pools, rule_pools
from examapp.exams.models import DrawPool
from examapp.extensions import db

from .conftest import SMALL_BLUEPRINT, make_question

RULES = [{"type": "single"}, {"type": "multiple"}, {"type": "single", "difficulty": 5}]


def ids(pools):
    return [list(p.ids) for p in pools]


def reads_of_the_bank(call) -> int:
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len([s for s in seen if "FROM questions" in s])


def test_an_unchanged_bank_is_read_once(org, bank):
    first = rule_pools(RULES)
    assert reads_of_the_bank(lambda: rule_pools(RULES)) == 0
    assert rule_pools(RULES) == first == read_pools(RULES)
    assert reads_of_the_bank(lambda: rule_pools(RULES, allow_public=True)) == 1  # another key


def test_every_kind_of_bank_change_is_seen_at_once(org, bank):
    """The cache may never hand out a pool the bank no longer gives: each change below, made by the ORM,
    a bulk UPDATE or plain SQL, committed or not, shows in the very next pool."""
    singles = [q for q in bank if q.type == "single"]
    changes = [
        lambda: setattr(singles[0], "status", "retired"),
        lambda: setattr(singles[1], "needs_review", True),
        lambda: db.session.execute(update(Question).where(Question.id == singles[2].id).values(visibility="public")),
        lambda: db.session.execute(text("UPDATE questions SET type = 'multiple' WHERE id = :id"),
                                   {"id": singles[3].id}),
        lambda: make_question("hard", difficulty=5),
        lambda: db.session.execute(text("DELETE FROM question_versions WHERE id = -1")),  # a statement, no row
    ]
    for number, change in enumerate(changes):
        before = rule_pools(RULES)
        generation = current_generation()
        change()
        db.session.flush()
        if number < len(changes) - 1 or db.session.get_bind().dialect.name == "postgresql":
            assert current_generation() != generation, number
        assert ids(rule_pools(RULES)) == ids(read_pools(RULES)), number
        if number < 5:
            assert rule_pools(RULES) != before, number
        if number % 2:
            db.session.commit()
    # and a rolled-back change brings back the committed bank, never the rolled-back pools
    committed = ids(rule_pools(RULES))
    make_question("gone")
    db.session.flush()
    assert ids(rule_pools(RULES)) != committed
    db.session.rollback()
    assert ids(rule_pools(RULES)) == committed == ids(read_pools(RULES))


def test_a_draw_record_names_its_pools_and_reproduces(org, exam):
    first = start_attempt(exam, org.learner, org.now)
    second = start_attempt(exam, org.villager, org.now)
    db.session.commit()
    # one stored pool per rule, shared by both attempts; the records carry digests, not ids
    assert db.session.scalar(select(func.count()).select_from(DrawPool)) == len(SMALL_BLUEPRINT)
    for attempt in (first, second):
        assert all("pool" not in rule and rule["pool_size"] > 0 for rule in attempt.draw["rules"])
        assert draw.reproduce(attempt.draw, recorded_pools(attempt.draw)) == [i.question_id for i in attempt.items]
    assert {r["pool_digest"] for r in first.draw["rules"]} == {r["pool_digest"] for r in second.draw["rules"]}


def test_a_draw_record_stays_small_on_a_large_bank(org, untangle):
    for n in range(300):
        make_question(f"q{n}")
    db.session.commit()
    from .conftest import make_exam

    exam = make_exam(org, blueprint=[{"variant": "default", "section": "单选", "type": "single", "count": 5,
                                      "points": "20"}])
    attempt = start_attempt(exam, org.learner, org.now)
    db.session.commit()
    assert len(json.dumps(attempt.draw)) < 600  # it carried all 300 ids (about 2 kB) before
    assert recorded_pools(attempt.draw)[0] == sorted(q.id for q in db.session.scalars(select(Question)))


def test_records_made_before_draw_pools_still_reproduce():
    rules = [{"count": 2, "points": "1", "section": "甲"}]
    record = draw.draw_paper(rules, [[3, 5, 8, 13]], 7).record
    assert record["rules"][0]["pool"] == [3, 5, 8, 13]
    assert draw.reproduce(record) == record["order"] == draw.reproduce(record, [[3, 5, 8, 13]])
