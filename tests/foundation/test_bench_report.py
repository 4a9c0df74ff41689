"""`make bench`'s table and summary (benchmarks/report.py, parts.py): no servers, no timings measured here."""

import json

from benchmarks import parts, report

CERTIFICATES = ('SUMMARY {"pdfs": {"pdfs": 100, "seconds": 4.8, "per_second": 20.8, "per_cpu_second": 159.6, '
                '"mean_kb": 28.2}, "zips": [{"certificates": 1000, "entries": 1000, "zip_mb": 26.2, "seconds": 45.2, '
                '"grew_mb": 3.1}]}')
PROVINCE = {
    "county_xlsx": {"seconds": 14.0, "cpu_seconds": 4.5, "bytes": 3516272, "peak_mb": 119.5, "start_mb": 111.2,
                    "rows": 50000},
    "province_csv": {"rows": 1000000, "rows_per_s": 16107.5, "rows_per_cpu_s": 65804.3,
                     "rss_at": {"100000": 116.6, "250000": 116.6, "500000": 117.0, "750000": 117.0, "1000000": 117.1}},
    "dashboard": {"ms": [6906.5, 7547.6, 7658.2], "median_ms": 7547.6},
    "pages": {"dossier_ms": 67.1, "verify_ms": 10.5, "dossier_p95": 78.3, "verify_p95": 14.2},
    "growth": {"g10k": {"attempts": 10000, "rows": 10000, "seconds": 3.0},
               "g100k": {"attempts": 100000, "rows": 100000, "seconds": 8.1},
               "main": {"attempts": 1000000, "rows": 1000000, "seconds": 64.2}},
}


def result(rows: list[dict]) -> dict:
    return {"database": "sqlite", "quick": True, "seconds": 1, "rows": rows, "sections": {}}


def certificate_rows() -> list[dict]:
    return report.certificate_rows(parts.summary_of("progress\n" + CERTIFICATES + "\n"))


def test_figures_not_measured_are_listed_with_their_reason_and_not_counted_as_met():
    reasons = {"province": parts.NO_PROVINCE, "imports": parts.QUICK_SKIPPED}
    rows = report.complete(certificate_rows(), reasons)
    assert [r["key"] for r in rows] == [key for key, *_ in report.FIGURES]  # every figure, in the table's order
    province = [r for r in rows if report.catalogue(r["key"])[1] == "province"]
    assert province and all(r["ok"] is None and r["detail"] == "未测：先运行 make province-data" for r in province)
    assert report.counts(rows) == {"met": 2, "missed": 0, "not_measured": len(report.FIGURES) - 2}
    assert report.exit_status(rows) == 0
    line = report.summary(result(rows))
    assert line.startswith("SUMMARY sqlite (quick): 2/2 measured targets met")
    assert f"{len(report.FIGURES) - 2} of {len(report.FIGURES)} figures not measured" in line
    assert "province 8" in line and "imports 4" in line and "not counted as met" in line


def test_a_missed_target_makes_the_exit_status_1_and_is_named():
    rows = report.complete(report.province_rows(PROVINCE), {})
    by_key = {r["key"]: r for r in rows}
    assert by_key["county_xlsx"]["ok"] is False and by_key["county_xlsx_memory"]["ok"] is True
    assert by_key["province_csv"]["ok"] is False and by_key["province_csv_memory"]["ok"] is True
    assert by_key["dashboard"]["ok"] is False and by_key["verify"]["ok"] is True
    assert by_key["report_growth"]["ok"] is True  # 3.0 → 8.1 → 64.2 s for 10 × the attempts each step
    assert report.exit_status(rows) == 1
    line = report.summary(result(rows))
    assert ("missed: a county's report .xlsx (50,000 rows); province-wide CSV (1,000,000 rows); "
            "HR dashboard for the whole province; a person's 学法档案") in line


def test_a_part_that_fails_counts_as_missed():
    rows = report.complete(report.failed("imports", "imports.py failed (exit 2)"), {})
    assert [r["ok"] for r in rows if r["key"].startswith("import_")] == [False] * 4
    assert report.exit_status(rows) == 1


def test_growth_flat_or_linear_passes_and_worse_than_linear_fails():
    assert report.grows_at_most_linearly([1000, 10_000, 100_000], [6, 6, 11])
    assert report.grows_at_most_linearly([1000, 10_000, 100_000], [5, 50, 500])
    assert not report.grows_at_most_linearly([1000, 10_000, 100_000], [5, 50, 5000])
    row = report.draw_row([{"questions": n, "median_ms": ms, "max_ms": 2 * ms}
                           for n, ms in ((1000, 6), (10_000, 6.5), (100_000, 11))])
    assert row["ok"] and row["shown"] == "6.0 → 6.5 → 11 ms"
    assert "time × 1.1, × 1.7 for each 10 × the size" in row["detail"]


def test_table_lines_up_with_chinese_labels_and_marks_each_row():
    rows = report.complete(certificate_rows() + report.province_rows(PROVINCE), {"imports": parts.QUICK_SKIPPED})
    lines = report.table(result(rows))
    figure_lines = [line for line in lines[1:] if not line.startswith("-- ")]
    assert len(figure_lines) == len(report.FIGURES)
    columns = {report.width(line[:min(line.index(m) for m in "✔✘–" if m in line)]) for line in figure_lines}
    assert len(columns) == 1  # the ✔/✘ column starts at the same terminal column on every row, 学法档案 included
    assert any("✘" in line and "学法档案" in line for line in figure_lines)
    assert any("快速模式未测" in line for line in figure_lines)


def test_province_without_a_complete_data_set_is_not_measured(monkeypatch):
    monkeypatch.setattr(parts, "province_generated", lambda: None)
    rows, caption, reason = parts.province(quick=False)
    assert rows == [] and reason == "未测：先运行 make province-data" and "not complete" in caption


def test_quick_run_reads_province_json_only_when_written_from_the_current_data_set(monkeypatch, tmp_path):
    from datetime import UTC, datetime

    monkeypatch.setattr(parts, "province_generated", lambda: datetime(2026, 12, 1, 20, 55, tzinfo=UTC))
    monkeypatch.setattr(parts, "PROVINCE_JSON", tmp_path / "province.json")
    (tmp_path / "province.json").write_text(json.dumps({"date": "2026-12-01T17:46:26+00:00", "figures": PROVINCE}))
    rows, _, reason = parts.province(quick=True)
    assert rows == [] and reason.startswith("快速模式未测")  # measured on the data set before this one
    (tmp_path / "province.json").write_text(json.dumps({"date": "2026-12-01T21:01:00+00:00", "figures": PROVINCE}))
    rows, caption, _ = parts.province(quick=True)
    assert len(rows) == 8 and "read from results/province.json of 2026-12-01 21:01 UTC" in caption


def test_imports_summary_gives_one_row_per_path_and_file():
    line = ('SUMMARY {"cli": {"questions": 23.3, "people": 41.9, "output": []}, "web": {"questions": {"preview": 21.8, '
            '"confirm": 31.5, "total": 53.3}, "people": {"preview": 27.4, "confirm": 38.5, "total": 65.9, "passwords": '
            '24.4}}, "cpu_seconds": {"cli questions": 13.0, "cli people": 19.4, "web questions preview": 10.0, '
            '"web questions confirm": 13.1, "web people preview": 12.0, "web people confirm": 20.7, '
            '"web people passwords": 13.3}}')
    rows = report.import_rows(parts.summary_of(line), 10_000, 50_000)
    assert [(r["key"], r["value"], r["ok"]) for r in rows] == [
        ("import_questions_cli", 23.3, True), ("import_people_cli", 41.9, True),
        ("import_questions_web", 53.3, False), ("import_people_web", 65.9, False)]
    assert [r["name"] for r in rows] == [report.catalogue(r["key"])[2] for r in rows]
    assert rows[3]["detail"] == ("preview 27.4 + confirm 38.5 s, 32.7 CPU s; one-time passwords for all 24.4 s")


def test_figures_in_a_shape_make_bench_does_not_know_fail_the_part_instead_of_the_run():
    rows = parts.read("province", report.province_rows, {"dashboard": {"median": 1.0}})
    assert len(rows) == 8 and all(r["ok"] is False and "could not be read (KeyError" in r["detail"] for r in rows)


def test_the_save_p99_row_says_what_bounds_it_the_queue_and_the_ceilings_own_p99():
    save = {"rps": 423.0, "p50_ms": 148.0, "p95_ms": 176.0, "p99_ms": 225.6, "errors": 0, "requests": 4258}
    p99 = {r["key"]: r for r in report.save_rows(save, 667.0, 64, ceiling_p99=148.7)}["save_p99"]
    assert p99["ok"] is False
    # 64 requests always in flight at 423 req/s wait 151 ms on average (Little's law).
    assert "mean wait ≥ 151 ms at this rate (64 ÷ req/s)" in p99["detail"]
    assert "ceiling upsert's own p99 149 ms" in p99["detail"]
    from benchmarks.serve import mean_ceiling_p99

    runs = {"save": {"p99_ms": 140.0}, "page": {"p99_ms": 300.0}}
    assert mean_ceiling_p99(runs, {"save": {"p99_ms": 160.0}}) == 150.0
    assert mean_ceiling_p99(runs, None) == 140.0 and mean_ceiling_p99(None, None) is None


def test_the_practice_row_names_its_unmeasured_warm_up_rounds():
    from benchmarks.client import Timings

    def timings(*values):
        t = Timings()
        t.values.extend(values)
        return t

    figures = {"practice": {"save": timings(3.0, 3.4, 3.8), "practice_answer": timings(4.0, 5.7, 6.0),
                            "practice_next": timings(18.9), "warmup": 40}, "start": timings(11.0)}
    practice = {r["key"]: r for r in report.rows(figures, {}, {"connections": 64})}["practice"]
    assert practice["key"] == "practice" and practice["ok"] is False
    assert practice["detail"] == "5.7 vs 3.4 ms, next 18.9 ms, 0 errors, after 40 unmeasured rounds"
