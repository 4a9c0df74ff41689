"""The bank's generation: a value the database changes whenever any question or version row changes.

Starting an attempt reads every blueprint rule's pool (thousands of question ids on a county bank); the pools
only change when the bank does. Database triggers on `questions` and `question_versions` give
`bank_generation.value` a new, never reused value on every INSERT, UPDATE, DELETE (and TRUNCATE on
PostgreSQL) in the same transaction, whatever writes them (the ORM, a bulk UPDATE, psql), so a pool
computed under one value may be reused exactly while the value is unchanged (exams.bank_source).

Never reused: SQLite takes `random()` (64 bits), PostgreSQL a sequence (not rolled back), so a value seen
inside a transaction that later rolls back can never come back and match a stale cache entry.
"""

import functools

from sqlalchemy import DDL, BigInteger, Integer, event, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

WATCHED = ("questions", "question_versions")


class BankGeneration(db.Model):
    """One row (id 1). Kept between tests like the statute library: the triggers keep it current."""

    __tablename__ = "bank_generation"
    __table_args__ = {"info": {"reference": True}}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def sqlite_ddl() -> list[str]:
    statements = ["INSERT INTO bank_generation (id, value) VALUES (1, random())"]
    for table in WATCHED:
        for action in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER trg_{table}_{action.lower()}_bank_generation AFTER {action} ON {table} "
                f"BEGIN UPDATE bank_generation SET value = random() WHERE id = 1; END")
    return statements


def postgresql_ddl() -> list[str]:
    statements = [
        "CREATE SEQUENCE IF NOT EXISTS bank_generation_seq",
        "INSERT INTO bank_generation (id, value) VALUES (1, nextval('bank_generation_seq'))",
        "CREATE OR REPLACE FUNCTION bump_bank_generation() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN UPDATE bank_generation SET value = nextval('bank_generation_seq') WHERE id = 1; RETURN NULL; END $$",
    ]
    for table in WATCHED:
        statements.append(
            f"CREATE TRIGGER trg_{table}_bank_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION bump_bank_generation()")
    return statements


def ddl_for(dialect_name: str) -> list[str]:
    """The row and triggers, for the migration and for create_all (tests, make bench)."""
    return postgresql_ddl() if dialect_name == "postgresql" else sqlite_ddl()


@event.listens_for(db.metadata, "after_create")
def _install(_metadata, connection, **kw) -> None:
    # After every table exists (the triggers name questions and question_versions). create_all(checkfirst)
    # skips existing tables, so install only when this call created bank_generation.
    created = {table.name for table in kw.get("tables") or []}
    if BankGeneration.__tablename__ not in created:
        return
    for statement in ddl_for(connection.dialect.name):
        connection.execute(DDL(statement.replace("%", "%%")))


def current_generation() -> int | None:
    """The bank's generation as this transaction sees it; None where the row is missing (then cache nothing)."""
    return db.session.scalar(generation_statement())


@functools.cache
def generation_statement():
    return select(BankGeneration.value).where(BankGeneration.id == 1)
