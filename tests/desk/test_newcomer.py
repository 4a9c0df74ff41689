"""What a newcomer meets: an install that speaks Chinese, a quiet `make run`, commands before instance/ exists."""

import shutil
import subprocess
import sys
from pathlib import Path

from babel.support import Translations

from examapp import create_app
from examapp.extensions import db
from tests.conftest import TEST_CONFIG

ROOT = Path(__file__).resolve().parents[2]


def test_building_the_package_compiles_every_catalogue(tmp_path):
    """`pip install .` runs build_py: the installed package must carry .mo files, not only .po sources."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "examapp", src / "examapp",
                    ignore=shutil.ignore_patterns("*.mo", "__pycache__", "materials", "fonts", "static"))
    build_lib = tmp_path / "lib"
    subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(build_lib)], cwd=src,
                   check=True, capture_output=True)
    sources = sorted(p.relative_to(src) for p in src.glob("examapp/**/messages.po"))
    built = sorted(p.relative_to(build_lib).with_suffix(".po") for p in build_lib.glob("examapp/**/messages.mo"))
    assert sources and built == sources
    core = build_lib / "examapp" / "translations"
    assert Translations.load(str(core), ["zh_Hans_CN"]).gettext("Audit log") == "审计日志"


def test_commands_before_instance_exists_create_the_folder(tmp_path):
    """A first `flask db upgrade` on a fresh checkout must not die with 'unable to open database file'."""
    database = tmp_path / "instance" / "examapp.sqlite"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    assert database.exists()


def test_content_load_prints_a_short_summary(runner, monkeypatch):
    """`make run` shows what happened in a few lines, not hundreds of 'added …' lines."""
    from examapp.bank.loader import LoadReport as BankLoadReport
    from examapp.study import cases, loader
    from examapp.study.loader import LoadReport

    laws = LoadReport(added=[f"law-{i}" for i in range(18)])
    bank = BankLoadReport(files=3, total=900, created=[f"q-{i}" for i in range(900)],
                          warnings=["w1", "w2"], errors=["q-7: no answer"])
    monkeypatch.setattr(loader, "load_laws_dir", lambda folder, now, **_kw: laws)
    monkeypatch.setattr(cases, "load_cases_dir", lambda folder, now, **_kw: LoadReport(added=["case-1"]))
    monkeypatch.setattr("examapp.bank.loader.load_bank_dir", lambda folder, now, **_kw: bank)
    quiet = runner.invoke(args=["content", "load"])
    lines = quiet.output.splitlines()
    assert len(lines) <= 8 and "法规：新增 18 部，更新 0 部，未变 0 部" in lines
    assert not any(line.startswith("  新增") for line in lines)
    assert "  错误 q-7: no answer" in lines and any("有 2 条提醒未列出" in line for line in lines)
    loud = runner.invoke(args=["content", "load", "--verbose"])
    assert "  新增 q-0" in loud.output and "  新增 law-17" in loud.output and "  提醒 w1" in loud.output
