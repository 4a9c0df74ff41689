"""The benchmark's table, summary line and JSON file.

Every figure of issue 13 is in FIGURES, in the order the table prints them. A figure the run did not
measure (BENCH_ONLY, the quick run, no province data set) is printed with the reason and counted as
"not measured", never as met; a missed target makes the exit status 1.
"""

import json
import unicodedata
from pathlib import Path

# (key, part, label, target): `part` is the BENCH_ONLY name that measures the figure.
FIGURES = [
    ("save_ratio", "save", "answer save / ceiling upsert", ">= 0.60"),
    ("save_p99", "save", "answer save p99 at 64 connections", "<= 150 ms"),
    ("save_errors", "save", "answer save errors", "0"),
    ("page_ratio", "page", "exam page / ceiling page", ">= 0.50"),
    ("start_p95", "start", "start attempt (50 of 5,000) p95", "<= 100 ms"),
    ("submit_p95", "submit", "submit and score 50 p95", "<= 100 ms"),
    ("sync", "sync", "synchronised start of 300 p95", "<= 3 s, 0 errors, one each"),
    ("practice", "practice", "practice answer / exam save (medians)", "<= 1.00"),
    ("certificate_pdfs", "certificates", "certificate PDFs per CPU second", ">= 40"),
    ("certificate_zip", "certificates", "unit ZIP of 1,000, memory growth", "<= 20 MB (streamed)"),
    ("import_questions_cli", "imports", "10,000-question .xlsx import (CLI)", "<= 30 s"),
    ("import_people_cli", "imports", "50,000 people .xlsx import (CLI)", "<= 60 s"),
    ("import_questions_web", "imports", "10,000-question .xlsx import (web)", "<= 30 s"),
    ("import_people_web", "imports", "50,000 people .xlsx import (web)", "<= 60 s"),
    ("draw_growth", "draw", "paper draw at 1k / 10k / 100k questions", "flat or linear"),
    ("county_xlsx", "province", "a county's report .xlsx (50,000 rows)", "<= 10 s"),
    ("county_xlsx_memory", "province", "  same: peak memory", "<= 300 MB"),
    ("province_csv", "province", "province-wide CSV (1,000,000 rows)", ">= 50,000 rows/s"),
    ("province_csv_memory", "province", "  same: memory as rows grow", "flat (+<= 50 MB)"),
    ("dashboard", "province", "HR dashboard for the whole province", "<= 2 s"),
    ("dossier", "province", "a person's 学法档案", "<= 50 ms"),
    ("verify", "province", "certificate verification", "<= 50 ms"),
    ("report_growth", "province", "report at 10k / 100k / 1M attempts", "flat or linear"),
]
HTTP_PARTS = ("save", "page", "start", "submit", "sync", "practice")
# The table's sections: a caption line before the first figure of each (run.py adds how it was measured).
SECTIONS = {"save": "exam day over HTTP", "certificates": "certificates, imports, paper draw",
            "province": "province data set"}
SECTION_OF = {**{part: "save" for part in HTTP_PARTS}, "certificates": "certificates", "imports": "certificates",
              "draw": "certificates", "province": "province"}
NOT_MEASURED = "not measured"


def row(name: str, value: float, unit: str, target: str, ok: bool | None, detail: str = "", key: str = "",
        shown: str = "") -> dict:
    """One figure. `ok` None: not measured. `shown` replaces the formatted value (e.g. '6 → 6 → 11 ms')."""
    value = None if value is None or value != value else round(value, 3)
    return {"key": key, "name": name, "value": value, "unit": unit, "target": target,
            "ok": None if ok is None else bool(ok), "detail": detail, "shown": shown}


def not_measured(key: str, reason: str) -> dict:
    _, _, label, target = catalogue(key)
    return row(label, None, "", target, None, reason, key=key)


def catalogue(key: str) -> tuple:
    return next(f for f in FIGURES if f[0] == key)


def failed(part: str, reason: str) -> list[dict]:
    """A part that crashed: its figures are missed (a benchmark that fails must not pass)."""
    return [row(label, None, "", target, False, reason, key=key) for key, p, label, target in FIGURES if p == part]


def rows(f: dict, ceiling: dict, settings: dict, ceiling_p99: float | None = None) -> list[dict]:
    """The HTTP figures measured (BENCH_ONLY may have left some out); ceiling_p99: the ceiling upsert's own p99."""
    out = []
    if "save" in f:
        out += save_rows(f["save"], ceiling["save"], settings["connections"], ceiling_p99)
    if "page" in f:
        page = f["page"]
        out.append(row("exam page / ceiling page", page["rps"] / ceiling["page"], "×", ">= 0.50",
                       page["rps"] / ceiling["page"] >= 0.50 and page["errors"] == 0,
                       f"{page['rps']:.0f} vs {ceiling['page']:.0f} req/s, p99 {page['p99_ms']:.0f} ms, "
                       f"{page['errors']} errors", key="page_ratio"))
    out.append(latency_row("start attempt (50 of 5,000) p95", f["start"], "starts", "start_p95"))
    if "submit" in f:
        out.append(latency_row("submit and score 50 p95", f["submit"], "submits", "submit_p95"))
    if "sync" in f:
        out.append(sync_row(f["sync"]))
    if "practice" in f:
        practice = f["practice"]
        ratio = practice["practice_answer"].median / practice["save"].median
        out.append(row("practice answer / exam save (medians)", ratio, "×", "<= 1.00", ratio <= 1.0,
                       f"{practice['practice_answer'].median:.1f} vs {practice['save'].median:.1f} ms, "
                       f"next {practice['practice_next'].median:.1f} ms, "
                       f"{practice['practice_answer'].errors + practice['save'].errors} errors, "
                       f"after {practice.get('warmup', 0)} unmeasured rounds", key="practice"))
    return out


def save_rows(save: dict, ceiling: float, conns: int, ceiling_p99: float | None = None) -> list[dict]:
    """The save's ratio, p99 and errors. The p99's detail says what bounds it: with `conns` requests always in
    flight, each waits on average conns / throughput (Little's law), so a p99 within 150 ms needs nearly the
    ceiling's own throughput; the ceiling's own p99 is shown beside it."""
    bound = f", mean wait ≥ {1000 * conns / save['rps']:.0f} ms at this rate ({conns} ÷ req/s)" if save["rps"] else ""
    own = f", ceiling upsert's own p99 {ceiling_p99:.0f} ms" if ceiling_p99 is not None else ""
    return [
        row("answer save / ceiling upsert", save["rps"] / ceiling, "×", ">= 0.60", save["rps"] / ceiling >= 0.60,
            f"{save['rps']:.0f} vs {ceiling:.0f} req/s", key="save_ratio"),
        row(f"answer save p99 at {conns} connections", save["p99_ms"], "ms", "<= 150 ms", save["p99_ms"] <= 150,
            f"p50 {save['p50_ms']:.0f} ms, p95 {save['p95_ms']:.0f} ms{bound}{own}", key="save_p99"),
        row("answer save errors", save["errors"], "", "0", save["errors"] == 0, f"of {save['requests']} requests",
            key="save_errors"),
    ]


def latency_row(name: str, timings, what: str, key: str) -> dict:
    return row(name, timings.p(0.95), "ms", "<= 100 ms", timings.p(0.95) <= 100 and timings.errors == 0,
               f"{len(timings.values)} {what}, median {timings.median:.0f} ms, {timings.errors} errors", key=key)


def server_cpu(sync: dict) -> str:
    """The burst's CPU on the server side: the app's workers, and PostgreSQL's processes when it has any."""
    if "server_cpu_s" not in sync:
        return ""
    app, database = sync["server_cpu_s"]
    per_press = 1000 / sync["presses"]
    return (f", app CPU {app:.2f} s ({app * per_press:.1f} ms per press)"
            + (f", PostgreSQL CPU {database:.2f} s ({database * per_press:.1f} ms per press)" if database else ""))


def sync_row(sync: dict) -> dict:
    timings, counts = sync["timings"], list(sync["attempts"].values())
    one_each = all(c == 1 for c in counts) and all(len(ids) == 1 for ids in sync["seen"].values())
    return row(f"synchronised start of {len(counts)} p95", timings.p(0.95) / 1000, "s", "<= 3 s, 0 errors, one each",
               timings.p(0.95) <= 3000 and timings.errors == 0 and one_each,
               f"{sync['presses']} presses, {timings.errors} errors, one attempt each: {'yes' if one_each else 'NO'}"
               + (f", load generator CPU {sync['client_cpu_s']:.2f} s" if "client_cpu_s" in sync else "")
               + server_cpu(sync),
               key="sync")


def certificate_rows(c: dict) -> list[dict]:
    """certificates.py's SUMMARY: PDFs timed in one process, and the unit ZIP's memory at each size."""
    pdfs, zips = c["pdfs"], c["zips"]
    out = [row("certificate PDFs per CPU second", pdfs["per_cpu_second"], "PDFs/s", ">= 40",
               pdfs["per_cpu_second"] >= 40,
               f"{pdfs['pdfs']} PDFs in {pdfs['seconds']} s: {pdfs['per_second']} per wall-clock second",
               key="certificate_pdfs")]
    if zips:
        grew = max(z["grew_mb"] for z in zips)
        sizes = " / ".join(f"{z['certificates']:,}" for z in zips)
        out.append(row(f"unit ZIP of {sizes}, memory growth", grew, "MB", "<= 20 MB (streamed)",
                       grew <= 20 and all(z["entries"] == z["certificates"] for z in zips),
                       "; ".join(f"{z['certificates']:,}: +{z['grew_mb']} MB, {z['entries']:,} PDFs, "
                                 f"{z['zip_mb']} MB ZIP in {z['seconds']} s" for z in zips), key="certificate_zip"))
    return out


def import_rows(i: dict, questions: int, people: int) -> list[dict]:
    """imports.py's SUMMARY: wall-clock seconds per path (cli: a number; web: preview + confirm)."""
    targets, cpu, out = {"questions": 30, "people": 60}, i.get("cpu_seconds", {}), []
    names = {"questions": f"{questions:,}-question .xlsx import", "people": f"{people:,} people .xlsx import"}
    for path in ("cli", "web"):
        for kind in ("questions", "people"):
            if path not in i:
                continue
            value = i[path][kind]
            seconds = value["total"] if isinstance(value, dict) else value
            cpu_s = sum(v for k, v in cpu.items() if k.startswith(f"{path} {kind}") and not k.endswith("passwords"))
            detail = f"{cpu_s:.1f} CPU s"
            if isinstance(value, dict):
                detail = f"preview {value['preview']} + confirm {value['confirm']} s, " + detail
                if "passwords" in value:
                    detail += f"; one-time passwords for all {value['passwords']} s"
            out.append(row(f"{names[kind]} ({path.upper() if path == 'cli' else path})", seconds, "s",
                           f"<= {targets[kind]} s", seconds <= targets[kind], detail,
                           key=f"import_{kind}_{path}"))
    return out


def steps(sizes: list[float], times: list[float]) -> list[tuple[float, float]]:
    """(how many times the size grew, how many times the time grew) from each size to the next."""
    return [(n2 / n1, t2 / t1 if t1 > 0 else float("inf"))
            for n1, n2, t1, t2 in zip(sizes, sizes[1:], times, times[1:], strict=False)]


def grows_at_most_linearly(sizes: list[float], times: list[float], slack: float = 1.5) -> bool:
    """Each step's time grows by at most `slack` × the size's growth (flat or linear, never worse)."""
    return all(grew <= size * slack for size, grew in steps(sizes, times))


def growth_row(key: str, label: str, sizes: list[int], times: list[float], unit: str, detail: str) -> dict:
    pairs = steps(sizes, times)
    if len({size for size, _ in pairs}) == 1:
        growth = "time " + ", ".join(f"× {grew:.1f}" for _, grew in pairs) + f" for each {pairs[0][0]:.0f} × the size"
    else:
        growth = ", ".join(f"time × {grew:.1f} for {size:.0f} × the size" for size, grew in pairs)
    shown = " → ".join(f"{t:,.0f}" if t >= 10 else f"{t:.1f}" for t in times) + f" {unit}"
    return row(label, max(times) if times else None, unit, "flat or linear", grows_at_most_linearly(sizes, times),
               f"{growth}; {detail}" if growth else detail, key=key, shown=shown)


def draw_row(draws: list[dict]) -> dict:
    """draw_growth.py's rows: the median start (draw 50, freeze) per bank size."""
    sizes = [d["questions"] for d in draws]
    label = "paper draw at " + " / ".join(short(n) for n in sizes) + " questions"
    return growth_row("draw_growth", label, sizes, [d["median_ms"] for d in draws], "ms",
                      "medians of 20 starts; slowest " + " / ".join(f"{d['max_ms']:.0f}" for d in draws) + " ms")


def short(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else (
        f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}")


def province_rows(figures: dict) -> list[dict]:
    """province_bench.py's figures (benchmarks/results/province.json); the targets are issue 13's."""
    out = []
    if "county_xlsx" in figures:
        x = figures["county_xlsx"]
        out += [row(f"a county's report .xlsx ({x['rows']:,} rows)", x["seconds"], "s", "<= 10 s", x["seconds"] <= 10,
                    f"CPU {x['cpu_seconds']:.1f} s, {x['bytes'] / 2 ** 20:.1f} MB", key="county_xlsx"),
                row("  same: peak memory", x["peak_mb"], "MB", "<= 300 MB", x["peak_mb"] <= 300,
                    f"{x['start_mb']:.0f} MB at the start", key="county_xlsx_memory")]
    if "province_csv" in figures:
        c = figures["province_csv"]
        rss = list(c["rss_at"].values())
        out += [row(f"province-wide CSV ({c['rows']:,} rows)", c["rows_per_s"], "rows/s", ">= 50,000 rows/s",
                    c["rows_per_s"] >= 50_000, f"{c['rows_per_cpu_s']:,.0f} rows per CPU second",
                    key="province_csv"),
                row("  same: memory as rows grow", rss[-1] - rss[0] if rss else None, "MB", "flat (+<= 50 MB)",
                    bool(rss) and rss[-1] - rss[0] <= 50,
                    " → ".join(f"{v:.0f}" for v in rss) + " MB at 10/25/50/75/100 %", key="province_csv_memory")]
    if "dashboard" in figures:
        d = figures["dashboard"]
        out.append(row("HR dashboard for the whole province", d["median_ms"] / 1000, "s", "<= 2 s",
                       d["median_ms"] <= 2000, f"median of {len(d['ms'])}", key="dashboard"))
    if "pages" in figures:
        p = figures["pages"]
        out += [row("a person's 学法档案", p["dossier_ms"], "ms", "<= 50 ms", p["dossier_ms"] <= 50,
                    f"median of 20, p95 {p['dossier_p95']:.0f} ms", key="dossier"),
                row("certificate verification", p["verify_ms"], "ms", "<= 50 ms", p["verify_ms"] <= 50,
                    f"median of 20, p95 {p['verify_p95']:.0f} ms", key="verify")]
    if "growth" in figures:
        g = list(figures["growth"].values())
        sizes = [v["attempts"] for v in g]
        out.append(growth_row("report_growth", "report at " + " / ".join(short(n) for n in sizes) + " attempts",
                              sizes, [v["seconds"] for v in g], "s", "the full CSV of each exam"))
    return out


def complete(measured: list[dict], reasons: dict[str, str]) -> list[dict]:
    """Every figure in FIGURES order: the measured row, or a not-measured row saying why (reasons by part)."""
    by_key = {r["key"]: r for r in measured}
    return [by_key.get(key) or not_measured(key, reasons.get(part, NOT_MEASURED)) for key, part, _, _ in FIGURES]


def counts(rows_: list[dict]) -> dict:
    return {"met": sum(r["ok"] is True for r in rows_), "missed": sum(r["ok"] is False for r in rows_),
            "not_measured": sum(r["ok"] is None for r in rows_)}


def exit_status(rows_: list[dict]) -> int:
    """1 when a measured target is missed (or a part failed); figures not measured do not fail the run."""
    return 1 if any(r["ok"] is False for r in rows_) else 0


def summary(result: dict) -> str:
    rows_ = result["rows"]
    c = counts(rows_)
    measured = c["met"] + c["missed"]
    missed = [r["name"].strip() for r in rows_ if r["ok"] is False]
    parts: dict[str, int] = {}
    for r in rows_:
        if r["ok"] is None:
            part = catalogue(r["key"])[1] if r["key"] else "?"
            parts[part] = parts.get(part, 0) + 1
    text = (f"SUMMARY {result['database']}{' (quick)' if result['quick'] else ''}: "
            f"{c['met']}/{measured} measured targets met")
    if missed:
        text += f"; missed: {'; '.join(missed)}"
    if c["not_measured"]:
        text += (f"; {c['not_measured']} of {len(rows_)} figures not measured ("
                 + ", ".join(f"{p} {n}" for p, n in parts.items()) + "), not counted as met")
    return text + f" ({result['seconds']} s)"


def shown(r: dict) -> str:
    if r["shown"]:
        return r["shown"]
    v = r["value"]
    if v is None:
        return "—"
    if r["unit"] == "×":
        return f"{v:.2f} ×"
    # Whole numbers from 100 (from 10 for milliseconds); below, one decimal, two for seconds (3.23 s).
    whole = 10 if r["unit"] == "ms" else 100
    number = (f"{v:,.0f}" if abs(v) >= whole or v == int(v) else f"{v:.1f}" if abs(v) >= 10 or r["unit"] != "s"
              else f"{v:.2f}")
    return f"{number} {r['unit']}".strip()


def width(text: str) -> int:
    """Columns a terminal gives the text (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    space = " " * max(0, columns - width(text))
    return space + text if right else text + space


def table(result: dict) -> list[str]:
    rows_ = result["rows"]
    name_w = max(width(r["name"]) for r in rows_)
    value_w = max(width(shown(r)) for r in rows_)
    target_w = max(width(r["target"]) for r in rows_)
    lines = [f"{pad('figure', name_w)}  {pad('value', value_w, True)}  {pad('target', target_w)}  ok  detail"]
    captions, section = result.get("sections", {}), None
    for r in rows_:
        part = catalogue(r["key"])[1] if r["key"] else ""
        if SECTION_OF.get(part, section) != section:
            section = SECTION_OF[part]
            lines.append(f"-- {SECTIONS[section]}{captions.get(section, '')}")
        mark = {True: "✔", False: "✘", None: "–"}[r["ok"]]
        lines.append(f"{pad(r['name'], name_w)}  {pad(shown(r), value_w, True)}  {pad(r['target'], target_w)}"
                     f"  {mark}   {r['detail']}".rstrip())
    return lines


def write(result: dict, path: Path) -> None:
    """Print the table and the summary line; write the JSON."""
    result["counts"] = counts(result["rows"])
    print(f"\nexamapp benchmark {result['date']} on {result['database']}"
          f"{' (quick)' if result['quick'] else ''}, {result['machine']['cpus']} cpus, "
          f"load {result['machine']['load_average_at_end']}")
    print("\n".join(table(result)))
    print(summary(result))
    write_json(result, path)


def write_json(result: dict, path: Path) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=timings_json))


def timings_json(value) -> object:
    """Client timings as their summary (the raw lists would bloat the file)."""
    values = getattr(value, "values", None)
    if values is None:
        return str(value)
    return {"count": len(values), "errors": value.errors, "median_ms": round(value.median, 1),
            "p95_ms": round(value.p(0.95), 1), "max_ms": round(max(values), 1) if values else None}
