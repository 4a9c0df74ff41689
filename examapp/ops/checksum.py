"""What a backup promises, as numbers: per-table row counts and SHA-256 checksums, and one checksum of the
results (O-03).

A table's checksum is the SHA-256 of its rows in primary-key order, each written as canonical JSON of the
values the database driver returns. Backup and restore read the same kind of database with the same
driver, so equal checksums mean equal rows: every attempt, answer, score, certificate, credit and audit
event came back exactly as it was backed up.
"""

import hashlib
import json
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import inspect

# The tables whose rows are the results people's careers depend on (the manifest's "results" checksum).
RESULT_TABLES = ("attempts", "attempt_items", "attempt_events", "exam_overrides", "certificates",
                 "study_credits", "case_completions", "practice_answers", "audit_events")
FETCH = 2000


def canonical(value):
    """A JSON-ready form of one value as the driver returns it, the same on every read."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def quote(connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def table_sums(connection, table: str) -> dict:
    """Return {"rows": n, "sha256": hex} for one table, read in primary-key order."""
    keys = inspect(connection).get_pk_constraint(table).get("constrained_columns") or []
    order = ", ".join(quote(connection, k) for k in keys) or "1"
    digest, rows = hashlib.sha256(), 0
    result = connection.exec_driver_sql(f"SELECT * FROM {quote(connection, table)} ORDER BY {order}")
    while batch := result.fetchmany(FETCH):
        for row in batch:
            line = json.dumps(list(row), ensure_ascii=False, sort_keys=True, default=canonical)
            digest.update(line.encode() + b"\n")
        rows += len(batch)
    return {"rows": rows, "sha256": digest.hexdigest()}


def database_sums(connection) -> dict:
    """Return the manifest's numbers for every table of the database behind `connection`."""
    tables = {name: table_sums(connection, name) for name in sorted(inspect(connection).get_table_names())}
    combined = hashlib.sha256()
    for name in RESULT_TABLES:
        combined.update(f"{name}:{tables.get(name, {}).get('sha256', 'absent')}\n".encode())
    revision = None
    if "alembic_version" in tables:
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return {"tables": tables, "results_sha256": combined.hexdigest(), "result_tables": list(RESULT_TABLES),
            "revision": revision}


def differences(expected: dict, found: dict) -> list[tuple[str, str, object, object]]:
    """Return (table, what, expected, found) for every table whose rows or checksum differ."""
    out = []
    for name in sorted(set(expected["tables"]) | set(found["tables"])):
        want, got = expected["tables"].get(name), found["tables"].get(name)
        if want is None or got is None:
            out.append((name, "table", want is not None, got is not None))
        elif want["rows"] != got["rows"]:
            out.append((name, "rows", want["rows"], got["rows"]))
        elif want["sha256"] != got["sha256"]:
            out.append((name, "sha256", want["sha256"][:12], got["sha256"][:12]))
    return out


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
