"""The parts of `make bench` that are not HTTP load: certificates, imports, paper draw, the province figures.

Each runs its own script (benchmarks/certificates.py, imports.py, draw_growth.py, province_bench.py) in a
child process, as one would by hand, and turns what it reports into the table's rows (report.py). A part
that the quick run leaves out, or that has nothing to measure, gives no rows: report.complete() prints
those figures as not measured, with the reason returned here.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import report

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
QUICK_SKIPPED = "快速模式未测"
NO_PROVINCE = "未测：先运行 make province-data"
PROVINCE_JSON = BENCH / "results" / "province.json"

# Sizes: the issue's in the full run; the quick run keeps the PDF and ZIP targets' own sizes (seconds each)
# and draws from 1k and 10k questions only (a 100k bank takes minutes to build); imports take minutes: full only.
FULL = {"pdfs": 300, "zips": "1000,5000", "questions": 10_000, "people": 50_000, "banks": [1000, 10_000, 100_000]}
QUICK = {"pdfs": 100, "zips": "1000", "banks": [1000, 10_000]}


def script(name: str, *args: str) -> tuple[int, str]:
    """Run benchmarks/<name> with the run's environment; its progress (stderr) shows, its stdout is returned."""
    child = subprocess.run([sys.executable, str(BENCH / name), *args], stdout=subprocess.PIPE, text=True,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return child.returncode, child.stdout


def summary_of(stdout: str) -> dict | None:
    """The JSON of the script's last `SUMMARY {...}` line."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("SUMMARY "):
            return json.loads(line[len("SUMMARY "):])
    return None


def failure(part: str, name: str, code: int, stdout: str) -> list[dict]:
    print(stdout[-2000:], file=sys.stderr)
    return report.failed(part, f"{name} failed (exit {code}), see its output above")


def read(part: str, build, *args) -> list[dict]:
    """The rows built from a script's figures; if their shape changed (a key renamed), the part's rows say so."""
    try:
        return build(*args)
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError) as error:
        return report.failed(part, f"its figures could not be read ({type(error).__name__}: {error})")


def certificates(quick: bool) -> list[dict]:
    sizes = QUICK if quick else FULL
    zips = " and ".join(f"{int(n):,}" for n in sizes["zips"].split(","))
    print(f"Certificates: {sizes['pdfs']} PDFs, then the unit ZIP of {zips} (SQLite) ...", flush=True)
    code, out = script("certificates.py", "--pdfs", str(sizes["pdfs"]), "--zip", sizes["zips"])
    found = summary_of(out)
    if code != 0 or not found:
        return failure("certificates", "certificates.py", code, out)
    return read("certificates", report.certificate_rows, found)


def imports(quick: bool) -> list[dict]:
    if quick:
        return []
    q, p = FULL["questions"], FULL["people"]
    print(f"Imports: {q:,} questions and {p:,} people, CLI then web (a few minutes) ...", flush=True)
    code, out = script("imports.py", "--questions", str(q), "--people", str(p), "--only", "cli,web")
    found = summary_of(out)
    if code not in (0, 1) or not found:  # 1: a target was missed, which the rows say
        return failure("imports", "imports.py", code, out)
    return read("imports", report.import_rows, found, q, p)


def draw(quick: bool) -> list[dict]:
    banks = (QUICK if quick else FULL)["banks"]
    print(f"Paper draw: 20 starts on banks of {', '.join(f'{n:,}' for n in banks)} questions (SQLite) ...",
          flush=True)
    code, out = script("draw_growth.py", "--json", *map(str, banks))
    found = summary_of(out)
    if code != 0 or not found:
        return failure("draw", "draw_growth.py", code, out)
    left = [n for n in FULL["banks"] if n not in banks]

    def rows() -> list[dict]:
        row = report.draw_row(found["rows"])
        if left:
            row["detail"] += f"; {', '.join(f'{n:,}' for n in left)} questions: {QUICK_SKIPPED}"
        return [row]

    return read("draw", rows)


def province_generated() -> datetime | None:
    """When the province data set was finished, or None if it is missing or incomplete (being generated)."""
    import psycopg

    from benchmarks.province import DB_NAME, RUN_FILE, SERVER

    if not RUN_FILE.exists():
        return None
    written = datetime.fromtimestamp(RUN_FILE.stat().st_mtime, UTC)
    info = json.loads(RUN_FILE.read_text())
    try:  # a generator still writing may hold locks: give up after 10 s rather than wait
        with psycopg.connect(f"{SERVER}/{DB_NAME}", connect_timeout=5, options="-c statement_timeout=10000") as conn:
            created = conn.execute("SELECT (pg_stat_file('base/' || oid || '/PG_VERSION')).modification "
                                   "FROM pg_database WHERE datname = current_database()").fetchone()[0]
            # The generator writes its run file last: a file older than the database is the previous data set's.
            if created >= written:
                return None
            results = conn.execute("SELECT count(*) FROM exam_results").fetchone()[0]
    except psycopg.Error:
        return None
    return written if results == info.get("results") else None


def province_json() -> dict:
    return json.loads(PROVINCE_JSON.read_text()) if PROVINCE_JSON.exists() else {}


def province(quick: bool) -> tuple[list[dict], str, str]:
    """(rows, the section's caption, the reason for figures without a row)."""
    from benchmarks.province import DB_NAME

    generated = province_generated()
    if generated is None:
        return [], f" ({DB_NAME}: none, or not complete)", NO_PROVINCE
    data_set = f" ({DB_NAME} of {generated:%Y-%m-%d %H:%M} UTC"
    kept = province_json()
    current = kept.get("date", "") >= generated.isoformat(timespec="seconds")
    if quick:
        if not current:
            return [], data_set + ")", QUICK_SKIPPED + "（results/province.json 早于这个数据集；make bench-province）"
        return (read("province", report.province_rows, kept.get("figures")),
                data_set + f"; read from results/province.json of {kept['date'][:16].replace('T', ' ')} UTC, "
                           "not measured in this run)", "results/province.json 中没有这一项")
    print(f"Province figures: province_bench.py on {DB_NAME} (read-only, several minutes) ...", flush=True)
    began = datetime.now(UTC).isoformat(timespec="seconds")
    code, out = script("province_bench.py")
    kept = province_json()
    if kept.get("date", "") < began:
        return failure("province", "province_bench.py", code, out), data_set + ")", NO_PROVINCE
    return (read("province", report.province_rows, kept.get("figures")),
            data_set + "; measured now by province_bench.py)", "未测")
