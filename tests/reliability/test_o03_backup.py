"""O-03: `flask backup` / `flask restore` end to end with checksums, on the suite's database (SQLite, or
PostgreSQL when DATABASE_URL names it: the restore goes into a scratch database examapp_ops_restore)."""

import json
import time

import pytest
from sqlalchemy import create_engine, text, update

from examapp.audit import verify_chain
from examapp.exams.models import Attempt
from examapp.extensions import db
from examapp.ops.checksum import RESULT_TABLES, database_sums, differences
from examapp.records.models import Certificate
from tests.conftest import DATABASE_URL, make_app
from tests.reliability.ops_data import finished_exams, scratch_database

RESTORE_DB = "examapp_ops_restore"


@pytest.fixture
def target_url(tmp_path):
    """An empty database to restore into."""
    with scratch_database(tmp_path, RESTORE_DB) as url:
        yield url


@pytest.fixture
def backed_up(app, org, exam, runner, tmp_path):
    """Results in the suite's database, backed up with `flask backup`; returns (manifest path, manifest)."""
    finished_exams(app, org, exam)
    assert db.session.query(Certificate).count() == 3
    result = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    assert "已备份" in result.output and "成绩校验和" in result.output
    manifest_path = next((tmp_path / "backups").glob("*.manifest.json"))
    return manifest_path, json.loads(manifest_path.read_text(encoding="utf-8"))


def restore(url: str, *args: str):
    target = make_app(SQLALCHEMY_DATABASE_URI=url)
    with target.app_context():  # the suite's app context is pushed; the command must see the target's
        result = target.test_cli_runner().invoke(args=["restore", *args])
        db.session.remove()
        db.engine.dispose()
    return result


def sums_of(url: str) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return database_sums(connection)
    finally:
        engine.dispose()


def test_o03_backup_restore_end_to_end_with_equal_checksums(backed_up, target_url):
    manifest_path, manifest = backed_up
    tables = manifest["tables"]
    assert tables["attempts"]["rows"] == 3 and tables["certificates"]["rows"] == 3
    assert tables["attempt_items"]["rows"] == 27 and tables["audit_events"]["rows"] > 0
    assert manifest["revision"] is None or isinstance(manifest["revision"], str)
    started = time.monotonic()
    result = restore(target_url, str(manifest_path))
    seconds = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "已恢复" in result.output and "审计链完整" in result.output
    restored = sums_of(target_url)
    assert differences(manifest, restored) == []
    assert restored["results_sha256"] == manifest["results_sha256"]
    target = make_app(SQLALCHEMY_DATABASE_URI=target_url)
    with target.app_context():
        assert verify_chain() == []
        assert db.session.query(Certificate).count() == 3
        db.session.remove()
        db.engine.dispose()
    rows = sum(t["rows"] for t in tables.values())
    equal = sum(restored["tables"][name]["sha256"] == manifest["tables"][name]["sha256"] for name in tables)
    print(f"\nO-03 ({manifest['database']}): {equal} of {len(tables)} table checksums equal, {rows} rows, "
          f"results checksum {'equal' if restored['results_sha256'] == manifest['results_sha256'] else 'DIFFERENT'}"
          f"; restore {seconds:.1f} s")


def test_o03_restore_refuses_a_database_that_is_not_empty_unless_forced(backed_up, target_url):
    manifest_path, manifest = backed_up
    assert restore(target_url, str(manifest_path)).exit_code == 0
    engine = create_engine(target_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM certificates WHERE id = (SELECT MIN(id) FROM certificates)"))
    engine.dispose()
    refused = restore(target_url, str(manifest_path))
    assert refused.exit_code == 1 and "不是空的" in refused.output and "--force" in refused.output
    assert sums_of(target_url)["tables"]["certificates"]["rows"] == 2  # nothing was touched
    forced = restore(target_url, "--force", str(manifest_path.with_name(manifest["file"])))
    assert forced.exit_code == 0, forced.output
    assert differences(manifest, sums_of(target_url)) == []


def test_o03_a_damaged_backup_file_is_refused_and_restores_nothing(backed_up, target_url):
    manifest_path, manifest = backed_up
    data = manifest_path.with_name(manifest["file"])
    damaged = bytearray(data.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    data.write_bytes(bytes(damaged))
    result = restore(target_url, str(manifest_path))
    assert result.exit_code == 1 and "校验和不符" in result.output
    assert sums_of(target_url)["tables"] == {}


def test_o03_a_file_that_is_not_a_manifest_is_refused_by_name(backed_up, target_url, tmp_path):
    manifest_path, manifest = backed_up
    for text_ in ("[]", "{\"format\": 1}", json.dumps({**manifest, "tables": None}), "不是 JSON"):
        manifest_path.write_text(text_, encoding="utf-8")
        result = restore(target_url, str(manifest_path))
        assert result.exit_code == 1 and str(manifest_path) in result.output, result.output
        assert "备份清单" in result.output and "Traceback" not in result.output
    assert sums_of(target_url)["tables"] == {}


def test_o03_the_checksum_names_a_changed_score(backed_up, app):
    """What the checksum proves: one score changed after the backup is found, in its table."""
    _, manifest = backed_up
    attempt = db.session.query(Attempt).order_by(Attempt.id).first()
    db.session.execute(update(Attempt).where(Attempt.id == attempt.id).values(score=attempt.score - 1))
    db.session.commit()
    now = sums_of(DATABASE_URL)
    assert [(table, what) for table, what, *_ in differences(manifest, now)] == [("attempts", "sha256")]
    assert now["results_sha256"] != manifest["results_sha256"] and "attempts" in RESULT_TABLES


def test_o03_a_chain_already_broken_is_backed_up_and_restored_as_it_was(app, org, exam, runner, tmp_path,
                                                                        target_url):
    """Tampering found at backup time is reported, kept as evidence, and not mistaken for a bad restore."""
    finished_exams(app, org, exam, learners=1)
    db.session.execute(text("UPDATE audit_events SET target = 'edited' WHERE id = (SELECT MIN(id) FROM audit_events)"))
    db.session.commit()
    broken = verify_chain()
    backed = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert backed.exit_code == 0 and "审计链在第" in backed.output, backed.output
    restored = restore(target_url, str(next((tmp_path / "backups").glob("*.manifest.json"))))
    assert restored.exit_code == 0 and "备份时审计链已在第" in restored.output, restored.output
    target = make_app(SQLALCHEMY_DATABASE_URI=target_url)
    with target.app_context():
        assert verify_chain() == broken != []
        db.session.remove()
        db.engine.dispose()
