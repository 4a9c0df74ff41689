"""The ceiling: the least possible version of the exam-day work on the same stack (Flask + SQLAlchemy).

Served by gunicorn with the same settings and database as examapp, so a ratio to it cancels out the
machine, its load and the stack's own cost. No auth, no checks, no ORM objects:
  PUT /ceiling/answers/<attempt>/<question>   upsert one answer row by its primary key
  GET /ceiling/page/<offset>                  render a page of 10 questions read from the database
"""

import json
import os
from datetime import UTC, datetime

from flask import Flask, render_template_string, request
from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, Table, create_engine, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

metadata = MetaData()
answers = Table("ceiling_answers", metadata,
                Column("attempt_id", Integer, primary_key=True), Column("question_id", Integer, primary_key=True),
                Column("answer", JSON), Column("seq", BigInteger), Column("answered_at", DateTime(timezone=True)))
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>试卷</title></head><body>
<ol>{% for q in questions %}<li><p>{{ q.stem }}</p><ul>{% for o in q.options %}
<li><label><input type="radio" name="q{{ q.id }}" value="{{ o.key }}"> {{ o.key }}. {{ o.text }}</label></li>
{% endfor %}</ul></li>{% endfor %}</ol></body></html>"""


def make_engine(url: str):
    # examapp's engine settings: SQLALCHEMY_ENGINE_OPTIONS, and its SQLite pragmas, which importing
    # examapp.db registers for every engine (so the two cannot drift apart).
    import examapp.db  # noqa: F401

    return create_engine(url, pool_pre_ping=True)


app = Flask(__name__)
engine = make_engine(os.environ["DATABASE_URL"]) if "DATABASE_URL" in os.environ else None
insert = pg_insert if engine is not None and engine.dialect.name == "postgresql" else sqlite_insert


@app.put("/ceiling/answers/<int:attempt_id>/<int:question_id>")
def upsert(attempt_id: int, question_id: int):
    body = request.get_json()
    now = datetime.now(UTC)
    stmt = insert(answers).values(attempt_id=attempt_id, question_id=question_id, answer=body["answer"], seq=0,
                                  answered_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["attempt_id", "question_id"],
                                      set_={"answer": stmt.excluded.answer, "seq": answers.c.seq + 1,
                                            "answered_at": now})
    with engine.begin() as conn:
        conn.execute(stmt)
    return {"saved": True}


@app.get("/ceiling/page/<int:offset>")
def page(offset: int):
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, stem, options FROM question_versions ORDER BY id LIMIT 10 OFFSET :o"),
                            {"o": offset % 4990}).all()
    questions = [{"id": r.id, "stem": r.stem, "options": r.options if isinstance(r.options, list)
                  else json.loads(r.options)} for r in rows]
    return render_template_string(PAGE, questions=questions)


def create_table(url: str) -> None:
    """Create (empty) the ceiling's table; the runner calls this before starting gunicorn."""
    eng = make_engine(url)
    answers.drop(eng, checkfirst=True)
    metadata.create_all(eng)
    eng.dispose()
