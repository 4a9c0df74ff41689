"""Every shipped question in question_bank/*.yaml validates, has a consistent key and a resolving basis."""

import time
from pathlib import Path

from sqlalchemy import func, select

from examapp.bank import library
from examapp.bank.formats import native
from examapp.bank.loader import load_bank_dir
from examapp.bank.models import Question, QuestionVersion
from examapp.bank.validation import validate_question
from examapp.db import utcnow
from examapp.extensions import db

BANK = Path(__file__).resolve().parents[2] / "question_bank"


def key_matches_type(data: dict) -> bool:
    """The answer has the shape the type needs (validate_question checks the details)."""
    kind, answer, keys = data["type"], data.get("answer"), [o["key"] for o in data.get("options") or []]
    if kind == "single":
        return isinstance(answer, str) and answer in keys
    if kind == "multiple":
        return isinstance(answer, list) and len(answer) >= 2 and set(answer) <= set(keys)
    if kind == "true_false":
        return isinstance(answer, bool) and not keys
    if kind == "blank":
        return isinstance(answer, list) and data["stem"].count("____") == len(answer) and not keys
    return kind == "case" and answer is None and all(key_matches_type(s) for s in data["subquestions"])


def test_every_shipped_question(req):
    files = sorted(BANK.glob("*.yaml"))
    assert files, "question_bank/ has no questions"
    problems, seen, total = [], {}, 0
    with library.cached():
        for path in files:
            result = native.parse(path.read_text(encoding="utf-8"))
            problems += [f"{path.name}:{line}: {message}" for line, message in result.errors]
            for parsed in result.items:
                total += 1
                where, data = f"{path.name}:{parsed.line}", parsed.data
                problems += [f"{where}: {p}" for p in validate_question(data)]
                if not key_matches_type(data):
                    problems.append(f"{where}: the key does not fit type {data['type']}")
                bases = list(data["basis"]) + [b for s in data.get("subquestions") or [] for b in s["basis"]]
                if not bases:
                    problems.append(f"{where}: no legal basis")
                for entry in bases:
                    if library.find_article(entry["law"], entry["article"]) is None:
                        problems.append(f"{where}: basis {entry} does not resolve")
                if data["code"] in seen:
                    problems.append(f"{where}: code {data['code']} also at {seen[data['code']]}")
                seen.setdefault(data["code"], where)
    assert not problems, "\n".join(problems[:100])
    assert total >= 100


def test_loading_the_whole_bank_is_fast_and_idempotent(req):
    started = time.monotonic()
    first = load_bank_dir(BANK, utcnow())
    took = time.monotonic() - started
    assert not first.errors, first.errors[:20]
    db.session.commit()
    assert len(first.created) == first.total == db.session.scalar(select(func.count(Question.id)))
    assert took < 20, f"loading {first.total} questions took {took:.1f}s"
    again = load_bank_dir(BANK, utcnow())
    db.session.commit()
    assert not again.created and not again.updated and len(again.unchanged) == first.total
    assert db.session.scalar(select(func.count(QuestionVersion.id))) == first.total
    assert again.lines()[0].startswith("题库：")
