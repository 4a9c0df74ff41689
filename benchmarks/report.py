"""The benchmark's table, summary line and JSON file."""

import json
from pathlib import Path


def row(name: str, value: float, unit: str, target: str, ok: bool, detail: str = "") -> dict:
    return {"name": name, "value": round(value, 3) if value == value else None, "unit": unit, "target": target,
            "ok": bool(ok), "detail": detail}


def rows(f: dict, ceiling: dict, settings: dict) -> list[dict]:
    """One row per figure measured (BENCH_ONLY may have left some out)."""
    out = []
    if "save" in f:
        out += save_rows(f["save"], ceiling["save"], settings["connections"])
    if "page" in f:
        page = f["page"]
        out.append(row("exam page / ceiling page", page["rps"] / ceiling["page"], "×", ">= 0.50",
                       page["rps"] / ceiling["page"] >= 0.50 and page["errors"] == 0,
                       f"{page['rps']:.0f} vs {ceiling['page']:.0f} req/s, p99 {page['p99_ms']:.0f} ms, "
                       f"{page['errors']} errors"))
    out.append(latency_row("start attempt (50 of 5,000) p95", f["start"], "starts"))
    if "submit" in f:
        out.append(latency_row("submit and score 50 p95", f["submit"], "submits"))
    if "sync" in f:
        out.append(sync_row(f["sync"]))
    if "practice" in f:
        practice = f["practice"]
        ratio = practice["practice_answer"].median / practice["save"].median
        out.append(row("practice answer / exam save (medians)", ratio, "×", "<= 1.00", ratio <= 1.0,
                       f"{practice['practice_answer'].median:.1f} vs {practice['save'].median:.1f} ms, "
                       f"next {practice['practice_next'].median:.1f} ms, "
                       f"{practice['practice_answer'].errors + practice['save'].errors} errors"))
    return out


def save_rows(save: dict, ceiling: float, conns: int) -> list[dict]:
    return [
        row("answer save / ceiling upsert", save["rps"] / ceiling, "×", ">= 0.60", save["rps"] / ceiling >= 0.60,
            f"{save['rps']:.0f} vs {ceiling:.0f} req/s"),
        row(f"answer save p99 at {conns} connections", save["p99_ms"], "ms", "<= 150", save["p99_ms"] <= 150,
            f"p50 {save['p50_ms']:.0f} ms, p95 {save['p95_ms']:.0f} ms"),
        row("answer save errors", save["errors"], "", "0", save["errors"] == 0, f"of {save['requests']} requests"),
    ]


def latency_row(name: str, timings, what: str) -> dict:
    return row(name, timings.p(0.95), "ms", "<= 100", timings.p(0.95) <= 100 and timings.errors == 0,
               f"{len(timings.values)} {what}, median {timings.median:.0f} ms, {timings.errors} errors")


def sync_row(sync: dict) -> dict:
    timings, counts = sync["timings"], list(sync["attempts"].values())
    one_each = all(c == 1 for c in counts) and all(len(ids) == 1 for ids in sync["seen"].values())
    return row(f"synchronised start of {len(counts)} p95", timings.p(0.95) / 1000, "s", "<= 3, 0 errors, one each",
               timings.p(0.95) <= 3000 and timings.errors == 0 and one_each,
               f"{sync['presses']} presses, {timings.errors} errors, one attempt each: {'yes' if one_each else 'NO'}"
               + (f", load generator CPU {sync['client_cpu_s']:.2f} s" if "client_cpu_s" in sync else ""))


def write(result: dict, path: Path) -> None:
    """Print the table and the summary line; write the JSON."""
    print(f"\nexamapp benchmark {result['date']} on {result['database']}"
          f"{' (quick)' if result['quick'] else ''}, {result['machine']['cpus']} cpus, "
          f"load {result['machine']['load_average_at_end']}")
    print(f"{'figure':42s} {'value':>10s}  {'target':26s} ok   detail")
    for r in result["rows"]:
        value = "n/a" if r["value"] is None else f"{r['value']:.2f}{r['unit']}"
        print(f"{r['name']:42s} {value:>10s}  {r['target']:26s} {'yes' if r['ok'] else 'NO ':3s}  {r['detail']}")
    missed = [r["name"] for r in result["rows"] if not r["ok"]]
    print(f"SUMMARY {result['database']}: {len(result['rows']) - len(missed)}/{len(result['rows'])} targets met"
          + (f"; missed: {', '.join(missed)}" if missed else "") + f" ({result['seconds']} s)")
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
