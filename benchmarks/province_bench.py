"""Measure the province data set (benchmarks/province.py) through the app's own routes.

    python benchmarks/province_bench.py          # every figure; a table, and benchmarks/results/province.json

Each figure runs in a fresh process (so its peak memory is its own) with the Flask test client: the
real view, query and writer. Targets are issue 13's; the table says ✔ or ✘ and the exit code is 1 when
one is missed. Needs examapp_province, generated beforehand (it takes a while and is kept between runs).
"""

import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.province import RUN_FILE, SECRET, URL  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "province.json"
PASSWORD = "Province-2026!"
YEAR = 2026


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        return int(re.search(r"VmRSS:\s+(\d+)", fh.read()).group(1)) / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def app_and_info():
    os.environ.update(DATABASE_URL=URL, SECRET_KEY=SECRET)
    from examapp import create_app

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    return app, json.loads(RUN_FILE.read_text())


def client_as(app, username: str | None):
    client = app.test_client()
    if username:
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
    return client


def stream(client, url: str, checkpoints=(), keep: list | None = None) -> dict:
    """Fetch a download chunk by chunk; count lines, bytes, and memory at the given line counts."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, buffered=False)
    assert response.status_code == 200, response.status_code
    lines = size = 0
    marks = list(checkpoints)
    memory = {}
    for chunk in response.response:
        lines += chunk.count(b"\n")
        size += len(chunk)
        if keep is not None:
            keep.append(chunk)
        while marks and lines >= marks[0]:
            memory[marks.pop(0)] = round(rss_mb(), 1)
    response.close()
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu, "lines": lines,
            "bytes": size, "rss_at": memory}


def timed(fetch, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch()
        out.append((time.perf_counter() - started) * 1000)
    return out


def one_county_xlsx(app, info) -> dict:
    import io

    from openpyxl import load_workbook

    client = client_as(app, "county_hr")
    base, chunks = rss_mb(), []
    got = stream(client, f"/reports/exams/{info['exams']['main']['id']}/download?format=xlsx", keep=chunks)
    peak = peak_mb()
    book = load_workbook(io.BytesIO(b"".join(chunks)), read_only=True)  # read back outside the timing
    sheet = book[book.sheetnames[-1]]
    rows = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
    return {"seconds": got["seconds"], "cpu_seconds": got["cpu_seconds"], "bytes": got["bytes"], "peak_mb": peak,
            "start_mb": base, "rows": rows,
            "sheets": book.sheetnames}


def one_csv(app, info, exam_key: str = "main") -> dict:
    client = client_as(app, "province_hr")
    people = info["people"]
    got = stream(client, f"/reports/exams/{info['exams'][exam_key]['id']}/download?format=csv",
                 checkpoints=[people // 10, people // 4, people // 2, people * 3 // 4, people])
    rows = got["lines"] - 1
    return {"seconds": got["seconds"], "rows": rows, "rows_per_s": rows / got["seconds"], "bytes": got["bytes"],
            "rows_per_cpu_s": rows / got["cpu_seconds"], "rss_at": got["rss_at"], "peak_mb": peak_mb()}


def one_growth(app, info) -> dict:
    client = client_as(app, "province_hr")
    out = {}
    for key in ("g10k", "g100k", "main"):
        exam_id = info["exams"][key]["id"]
        got = stream(client, f"/reports/exams/{exam_id}/download?format=csv")
        from examapp.exams.models import Attempt
        from examapp.extensions import db

        with app.app_context():
            attempts = db.session.scalar(db.select(db.func.count(Attempt.id)).where(Attempt.exam_id == exam_id))
        out[key] = {"attempts": attempts, "rows": got["lines"] - 1, "seconds": got["seconds"],
                    "cpu_seconds": got["cpu_seconds"],
                    "us_per_row": got["seconds"] / max(1, got["lines"] - 1) * 1e6}
    return out


def one_dashboard(app, info) -> dict:
    client = client_as(app, "province_hr")

    def fetch():
        response = client.get(f"/reports/?year={YEAR}")
        assert response.status_code == 200 and "江南省" in response.get_data(as_text=True)

    runs = timed(fetch, 3)
    return {"ms": runs, "median_ms": statistics.median(runs)}


def one_pages(app, info) -> dict:
    from examapp.extensions import db
    from examapp.records.models import Certificate

    with app.app_context():
        middle = db.session.scalar(db.select(db.func.max(Certificate.id))) // 2
        person, serial = db.session.execute(db.select(Certificate.user_id, Certificate.serial)
                                            .where(Certificate.id >= middle).order_by(Certificate.id).limit(1)).one()
    hr, anonymous = client_as(app, "province_hr"), app.test_client()

    def dossier():
        response = hr.get(f"/records/people/{person}?year={YEAR}")
        assert response.status_code == 200 and serial in response.get_data(as_text=True)

    def verify():
        response = anonymous.get(f"/verify/{serial}")
        assert response.status_code == 200 and "有效" in response.get_data(as_text=True)

    dossier(), verify()  # warm
    d, v = timed(dossier, 20), timed(verify, 20)
    return {"dossier_ms": statistics.median(d), "verify_ms": statistics.median(v), "dossier_p95": sorted(d)[18],
            "verify_p95": sorted(v)[18]}


ONES = {"county_xlsx": one_county_xlsx, "province_csv": one_csv, "dashboard": one_dashboard, "pages": one_pages,
        "growth": one_growth}


def run_one(name: str) -> dict:
    child = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if child.returncode != 0:
        click.echo(child.stderr[-3000:], err=True)
        raise SystemExit(f"测量“{name}”失败")
    return json.loads(child.stdout.strip().splitlines()[-1])


def table(figures: dict) -> list[tuple[str, str, str, bool]]:
    x, c, d, p = figures["county_xlsx"], figures["province_csv"], figures["dashboard"], figures["pages"]
    rss = list(c["rss_at"].values())
    flat = rss[-1] - rss[0] <= 50 if rss else False
    return [
        (f"县级成绩明细 .xlsx（{x['rows']:,} 行）", "≤ 10 秒",
         f"{x['seconds']:.1f} 秒（CPU {x['cpu_seconds']:.1f} 秒）", x["seconds"] <= 10),
        ("  同上：进程内存峰值", "≤ 300 MB", f"{x['peak_mb']:.0f} MB", x["peak_mb"] <= 300),
        (f"全省成绩明细 .csv（{c['rows']:,} 行）", "≥ 50,000 行/秒",
         f"{c['rows_per_s']:,.0f} 行/秒（每 CPU 秒 {c['rows_per_cpu_s']:,.0f}）", c["rows_per_s"] >= 50_000),
        ("  同上：内存随行数", "平稳（增长 ≤ 50 MB）", " → ".join(f"{v:.0f}" for v in rss) + " MB", flat),
        ("全省人事看板（三场考试）", "≤ 2 秒", f"{d['median_ms'] / 1000:.2f} 秒", d["median_ms"] <= 2000),
        ("个人学法档案", "≤ 50 毫秒", f"{p['dossier_ms']:.0f} 毫秒", p["dossier_ms"] <= 50),
        ("证书核验", "≤ 50 毫秒", f"{p['verify_ms']:.0f} 毫秒", p["verify_ms"] <= 50),
    ]


def growth_rows(g: dict) -> list[str]:
    return [f"  {v['attempts']:>9,} 人次  {v['rows']:>9,} 行  {v['seconds']:7.2f} 秒（CPU {v['cpu_seconds']:.2f} 秒）"
            f"  每行 {v['us_per_row']:.1f} 微秒" for v in g.values()]


@click.command()
@click.option("--one", "one", default=None, hidden=True)
@click.option("--only", default="", help="comma-separated subset: county_xlsx,province_csv,dashboard,pages,growth")
def main(one: str | None, only: str) -> None:
    """Measure the province figures and write benchmarks/results/province.json."""
    if one:
        app, info = app_and_info()
        with app.app_context():
            figures = ONES[one](app, info)
        print(json.dumps(figures, ensure_ascii=False))
        return
    names = [n for n in (only.split(",") if only else ONES)]
    load_before = os.getloadavg()
    figures = {}
    for name in names:
        click.echo(f"测量：{name} …")
        figures[name] = run_one(name)
    load_after = os.getloadavg()
    out = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": f"{platform.node()} "
           f"{os.cpu_count()} 核 {platform.machine()}", "load_before": load_before, "load_after": load_after,
           "figures": figures}
    missed = 0
    if set(ONES) - {"growth"} <= set(figures):
        click.echo(f"\n{'项目':<34}{'目标':<22}{'实测':<26}")
        for label, target, figure, ok in table(figures):
            click.echo(f"{label:<34}{target:<22}{figure:<26}{'✔' if ok else '✘'}")
            missed += not ok
        out["missed"] = missed
    elif set(figures) - {"growth"}:  # a subset: its figures as they are
        click.echo(json.dumps({k: v for k, v in figures.items() if k != "growth"}, ensure_ascii=False, indent=1))
    if "growth" in figures:
        click.echo("\n报表耗时随考试人次（全部明细 .csv）：")
        click.echo("\n".join(growth_rows(figures["growth"])))
    click.echo(f"\n负载（1/5/15 分钟）：测前 {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f}，"
               f"测后 {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f}")
    if only:  # a subset leaves the last full run's file as it is
        return
    RESULTS.parent.mkdir(exist_ok=True)
    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if "draw_growth" in kept:  # written by draw_growth.py
        out["draw_growth"] = kept["draw_growth"]
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
