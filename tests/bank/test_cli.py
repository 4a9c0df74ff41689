"""`flask questions stats | export | import` as the contract says."""

import json

from sqlalchemy import func, select

from examapp.bank.models import Question

from .helpers import GOOD_ROWS, SAMPLE_DIR, xlsx_bytes


def count(app) -> int:
    from examapp.extensions import db

    return db.session.scalar(select(func.count(Question.id)))


def test_stats_counts_by_law_type_status_difficulty(library, runner):
    assert runner.invoke(args=["questions", "import", str(SAMPLE_DIR / "sample.yaml")]).exit_code == 0
    result = runner.invoke(args=["questions", "stats"])  # the contract: one JSON object, by default
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats == json.loads(runner.invoke(args=["questions", "stats", "--json"]).output)
    assert stats["total"] == 5
    assert stats["by_law"] == {"administrative-penalty-law-2021": 5}
    assert stats["by_type"] == {"single": 1, "multiple": 1, "true_false": 1, "blank": 1, "case": 1}
    assert stats["by_status"] == {"active": 5}
    assert stats["by_difficulty"] == {"1": 2, "2": 1, "3": 1, "4": 1}
    assert stats["by_visibility"] == {"public": 0, "confidential": 5}  # imports are exam-only by default


def test_stats_prints_a_chinese_summary_on_request(library, runner):
    assert runner.invoke(args=["questions", "import", str(SAMPLE_DIR / "sample.yaml")]).exit_code == 0
    result = runner.invoke(args=["questions", "stats", "--summary"])
    assert result.exit_code == 0, result.output
    assert "题库共 5 题" in result.output and "行政处罚法（2021 年版） 5 题" in result.output
    assert "单选 1 题，多选 1 题，判断 1 题，填空 1 题，案例分析 1 题" in result.output
    assert "按状态：启用 5 题" in result.output and "1 级 2 题" in result.output
    assert "公开（学习和练习可用，显示答案） 0 题" in result.output
    assert "{" not in result.output and "by_law" not in result.output


def test_the_shipped_bank_loads_as_public(library, runner, tmp_path):
    from examapp.bank.loader import load_bank_dir
    from examapp.db import utcnow
    from examapp.extensions import db

    (tmp_path / "sample.yaml").write_text((SAMPLE_DIR / "sample.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert not load_bank_dir(tmp_path, utcnow()).errors
    db.session.commit()
    stats = json.loads(runner.invoke(args=["questions", "stats", "--json"]).output)
    assert stats["by_visibility"] == {"public": 5, "confidential": 0}


def test_import_dry_run_and_real(library, runner, tmp_path):
    path = tmp_path / "q.xlsx"
    path.write_bytes(xlsx_bytes(GOOD_ROWS))
    dry = runner.invoke(args=["questions", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert count(library) == 0
    real = runner.invoke(args=["questions", "import", str(path)])
    assert real.exit_code == 0, real.output
    assert count(library) == 5


def test_import_failure_exits_1_and_lists_problems(library, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("题型,题干,选项A,选项B,答案\n单选,问,甲,乙,C\n单选,问二,甲,乙,A\n", encoding="utf-8")
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(args=["questions", "import", str(path), *extra])
        assert result.exit_code == 1
        assert "2" in result.output and "C" in result.output
    assert count(library) == 0


def test_import_unreadable_file_exits_1(library, runner, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    result = runner.invoke(args=["questions", "import", str(path)])
    assert result.exit_code == 1 and "fake.xlsx" in result.output


def test_import_unsupported_needs_the_flag(library, runner, tmp_path):
    path = tmp_path / "moodle.txt"
    path.write_text("对吗？{T}\n\n随笔 {}\n", encoding="utf-8")
    assert runner.invoke(args=["questions", "import", str(path)]).exit_code == 1
    result = runner.invoke(args=["questions", "import", str(path), "--skip-unsupported"])
    assert result.exit_code == 0, result.output
    assert count(library) == 1


def test_export_xlsx_and_gift_by_law(library, runner, tmp_path):
    runner.invoke(args=["questions", "import", str(SAMPLE_DIR / "sample.yaml")])
    out = tmp_path / "all.xlsx"
    result = runner.invoke(args=["questions", "export", str(out), "--law", "administrative-penalty-law-2021"])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"PK")
    gift = tmp_path / "all.gift"
    result = runner.invoke(args=["questions", "export", str(gift)])
    assert result.exit_code == 0 and "::t-single::" in gift.read_text(encoding="utf-8")
    none = tmp_path / "none.xlsx"
    result = runner.invoke(args=["questions", "export", str(none), "--law", "constitution-2018"])
    assert "已导出 0 题" in result.output
    assert runner.invoke(args=["questions", "import", str(out)]).exit_code == 0  # round trip: all unchanged
    assert count(library) == 5


def test_content_load_calls_the_bank_loader(library, runner, tmp_path):
    (tmp_path / "sample.yaml").write_text((SAMPLE_DIR / "sample.yaml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    result = runner.invoke(args=["content", "load", "--bank", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "题库：1 个文件共 5 题：新增 5 题" in result.output
    assert count(library) == 5
    bad = (SAMPLE_DIR / "sample.yaml").read_text(encoding="utf-8").replace("answer: A\n", "answer: Z\n", 1)
    (tmp_path / "sample.yaml").write_text(bad, encoding="utf-8")
    result = runner.invoke(args=["content", "load", "--bank", str(tmp_path)])
    assert result.exit_code == 1
    assert "sample.yaml:4:" in result.output and "Z" in result.output
