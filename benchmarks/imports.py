"""Imports at scale: a 10,000-question .xlsx and 50,000 people, through the CLI and through the web pages.

    python benchmarks/imports.py                        # 10,000 questions, 50,000 people, both paths
    python benchmarks/imports.py --questions 2000 --people 5000 --only cli
    python benchmarks/imports.py --profile people       # cProfile of one CLI import, top 30 by own time
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/examapp_bench python benchmarks/imports.py

Generates the files (kept in benchmarks/.run/), then for each path starts from an empty database with the
statutes loaded and an organisation of 20 towns with 8 village committees each:

- cli: `flask questions import FILE` and `flask users import FILE` (in-process, click's runner);
- web: the upload page (preview, nothing written), then the confirm (the write), as an examiner or the system
  admin logged in through the Flask client.

Then, on the web, the system admin issues the batch's one-time passwords (.xlsx). Prints the seconds of each
step, the CPU seconds of each (this process runs client and app, so on a shared machine they say what an idle
core would take) and a SUMMARY line; targets: questions <= 30 s, people <= 60 s.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = Path(__file__).resolve().parent / ".run"
sys.path.insert(0, str(ROOT))

CONFIG = {"TESTING": True, "SECRET_KEY": "bench-secret-key-that-is-long-enough-123", "WTF_CSRF_ENABLED": False,
          "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SERVER_NAME": "localhost"}
PASSWORD = "bench-password-1"
TOWNS, VILLAGES = 20, 8
TARGETS = {"questions": 30, "people": 60}
CITES = [("《中华人民共和国行政处罚法》", 86), ("《中华人民共和国行政许可法》", 83),
         ("《中华人民共和国国家赔偿法》", 42)]
NUMERALS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """1..99 as 第…条 numerals."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else NUMERALS[tens]) + "十" if tens else "") + (NUMERALS[ones] if ones else "")


def sentences() -> list[str]:
    """Article texts of the shipped statutes (without the article number), as raw material for stems."""
    from examapp.study.loader import LAWS_DIR

    found = []
    for path in sorted(LAWS_DIR.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.split(" ", 1)[-1].strip()
            if len(text) >= 30 and not text.startswith("#"):
                found.append(text)
    return list(dict.fromkeys(found))  # some sentences recur in several statutes


def question_rows(count: int):
    """Distinct, valid questions (single, multiple, true/false) citing an article, written like a real bank:
    each stem joins the first half of one article to the second half of another, so no two are near-duplicates."""
    from examapp.bank.validation import normal

    texts = sentences()
    n, seen = len(texts), set()
    for i in range(count):
        law, articles = CITES[i % 3]
        basis = f"{law}第{chinese(1 + i % min(articles, 99))}条"
        first, shift = texts[i % n], 1 + i // n  # a different pair for every i < n²
        stem = ""
        while not stem or normal(stem) in seen:  # two pairs can still join to the same words
            second = texts[(i + shift) % n]
            stem, shift = f"{first[:len(first) // 2]}{second[len(second) // 2:]}", shift + n // 7
        seen.add(normal(stem))
        kind = ("单选", "单选", "多选", "判断")[i % 4]
        options = [texts[(i * 13 + 97 * k + 1) % n][:24] for k in range(4)]
        options = [o if options.index(o) == k else f"{o}（另）" for k, o in enumerate(options)]
        if kind == "判断":
            yield [kind, stem, "", "", "", "", "", "", "正确" if i % 2 else "错误", "依照法条作答。", basis,
                   str(1 + i % 5), "批量"]
        else:
            answer = "ABCD"[i % 4] if kind == "单选" else "AC"
            yield [kind, stem + "下列说法正确的是（　）。", *options, "", "", answer, "依照法条作答。", basis,
                   str(1 + i % 5), "批量"]


def people_rows(count: int):
    """Learners spread over the village committees, every column filled as the template says."""
    for i in range(count):
        town, village = 1 + i % TOWNS, 1 + (i // TOWNS) % VILLAGES
        yield [f"王{'明华建国志强秀英'[i % 8]}{i}", f"p{i:06d}", f"基准县/第{town}镇/第{town}镇第{village}村民委员会",
               "科员", "一级科员", "学员", "是" if i % 50 == 0 else "否", "是" if i % 3 == 0 else "否",
               "是" if i % 7 == 0 else "否", f"13{i:09d}"]


def write_xlsx(path: Path, header: list[str], rows, count: int) -> Path:
    """Write the rows (the bar of examapp.progress shows how far), or keep the file made by an earlier run."""
    from openpyxl import Workbook

    from examapp.progress import cli_progress

    if path.exists():
        return path
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    with cli_progress(path.name) as step:
        for n, row in enumerate(rows, start=1):
            sheet.append(row)
            if n % 1000 == 0 or n == count:
                step("generate", n, count)
    book.save(path)
    return path


def make_files(app, questions: int, people: int) -> tuple[Path, Path]:
    from examapp.bank.formats.xlsx_csv import HEADER as QUESTION_HEADER
    from examapp.org.importer import REQUIRED

    RUN_DIR.mkdir(exist_ok=True)
    with app.test_request_context():  # the bar's Chinese labels
        qfile = write_xlsx(RUN_DIR / f"questions-{questions}.xlsx", list(QUESTION_HEADER), question_rows(questions),
                           questions)
        pfile = write_xlsx(RUN_DIR / f"people-{people}.xlsx", [*REQUIRED, "手机号"], people_rows(people), people)
    return qfile, pfile


def make_app(folder: str):
    from examapp import create_app

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/imports.sqlite"
    return create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})


def fresh_database() -> None:
    """Every table emptied and created again, the statutes loaded, the organisation and two staff accounts."""
    from examapp.db import utcnow
    from examapp.extensions import db
    from examapp.org.models import User
    from examapp.org.services import add_unit
    from examapp.study.loader import LAWS_DIR, load_laws_dir

    db.session.remove()
    db.drop_all()
    db.create_all()
    load_laws_dir(LAWS_DIR, utcnow())
    county = add_unit("基准县", None, kind="county")
    for t in range(1, TOWNS + 1):
        town = add_unit(f"第{t}镇", county, kind="town")
        for v in range(1, VILLAGES + 1):
            add_unit(f"第{t}镇第{v}村民委员会", town, kind="village")
    for username, role in (("admin", "admin"), ("examiner", "examiner")):
        user = User(username=username, name=username, unit=county, role=role)
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.commit()


CPU: dict[str, float] = {}  # step -> CPU seconds of this process (the client and the app share it)


def timed(step, name: str = ""):
    started, cpu = time.perf_counter(), time.process_time()
    outcome = step()
    if name:
        CPU[name] = round(time.process_time() - cpu, 1)
    return round(time.perf_counter() - started, 1), outcome


def cli(app, args: list[str]) -> str:
    result = app.test_cli_runner().invoke(args=args)
    if result.exit_code != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.output[-2000:]}")
    return result.output.strip().splitlines()[-1]


def web_questions(client, path: Path) -> dict:
    upload = {"file": (io.BytesIO(path.read_bytes()), path.name), "skip_unsupported": "", "skip_duplicates": ""}
    preview, page = timed(lambda: client.post("/bank/import", data=upload, content_type="multipart/form-data"),
                          "web questions preview")
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    if page.status_code != 200 or token is None:
        raise SystemExit(f"question preview failed: {page.status_code}")
    confirm, done = timed(lambda: client.post("/bank/import/confirm", data={
        "token": token.group(1), "skip_unsupported": "", "skip_duplicates": "", "visibility": "confidential"}),
                          "web questions confirm")
    if done.status_code != 302:
        raise SystemExit(f"question import failed: {done.status_code}")
    return {"preview": preview, "confirm": confirm, "total": round(preview + confirm, 1)}


def web_people(client, path: Path) -> dict:
    upload = {"file": (io.BytesIO(path.read_bytes()), path.name)}
    preview, page = timed(lambda: client.post("/org/import", data=upload, content_type="multipart/form-data"),
                          "web people preview")
    token = re.search(r'/org/import/([A-Za-z0-9_-]+)/confirm', page.get_data(as_text=True))
    if page.status_code != 200 or token is None:
        raise SystemExit(f"people preview failed: {page.status_code}")
    confirm, done = timed(lambda: client.post(f"/org/import/{token.group(1)}/confirm"), "web people confirm")
    if done.status_code != 302:
        raise SystemExit(f"people import failed: {done.status_code}")
    batch = done.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    issue, sheet = timed(lambda: client.post(f"/org/import/batches/{batch}/passwords", data={"format": "xlsx"}),
                         "web people passwords")
    if sheet.status_code != 200:
        raise SystemExit(f"issuing first passwords failed: {sheet.status_code}")
    return {"preview": preview, "confirm": confirm, "total": round(preview + confirm, 1), "passwords": issue}


def login(client, username: str) -> None:
    client.post("/logout")
    if client.post("/login", data={"username": username, "password": PASSWORD}).status_code != 302:
        raise SystemExit(f"cannot log in as {username}")


def run(app, qfile: Path, pfile: Path, only: set[str]) -> dict:
    results: dict = {}
    if "cli" in only:
        with app.app_context():
            fresh_database()
            q_seconds, q_out = timed(lambda: cli(app, ["questions", "import", str(qfile)]), "cli questions")
            p_seconds, p_out = timed(lambda: cli(app, ["users", "import", str(pfile)]), "cli people")
        results["cli"] = {"questions": q_seconds, "people": p_seconds, "output": [q_out, p_out]}
    if "web" in only:
        with app.app_context():
            fresh_database()
        client = app.test_client()
        login(client, "examiner")
        questions = web_questions(client, qfile)
        login(client, "admin")
        results["web"] = {"questions": questions, "people": web_people(client, pfile)}
    return results


def profile(app, qfile: Path, pfile: Path, which: str) -> None:
    with app.app_context():
        fresh_database()
        args = ["questions", "import", str(qfile)] if which == "questions" else ["users", "import", str(pfile)]
        profiler = cProfile.Profile()
        profiler.runcall(cli, app, args)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats("examapp|openpyxl/reader|session.py.*flush", 30)


def report(results: dict, questions: int, people: int) -> None:
    rows = []
    for path, figures in results.items():
        for kind, count in (("questions", questions), ("people", people)):
            value = figures[kind]
            seconds = value["total"] if isinstance(value, dict) else value
            detail = (f" (preview {value['preview']} s + confirm {value['confirm']} s)" if isinstance(value, dict)
                      else "")
            if isinstance(value, dict) and "passwords" in value:
                detail += f"; then one-time passwords for all as .xlsx: {value['passwords']} s"
            mark = "✔" if seconds <= TARGETS[kind] else "✘"
            rows.append(f"{mark} {path:3} {count:>6} {kind:9} {seconds:6.1f} s{detail}  target <= {TARGETS[kind]} s")
    print("\n".join(rows))
    print("CPU seconds of each step (what an idle core would take): "
          + ", ".join(f"{step} {seconds}" for step, seconds in CPU.items()))
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--only", default="cli,web", help="cli, web or both (comma-separated)")
    parser.add_argument("--profile", choices=("questions", "people"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        qfile, pfile = make_files(app, args.questions, args.people)
        if args.profile:
            profile(app, qfile, pfile, args.profile)
            return 0
        results = run(app, qfile, pfile, set(args.only.split(",")))
    report(results, args.questions, args.people)
    print("SUMMARY " + json.dumps({**results, "cpu_seconds": CPU}, ensure_ascii=False))
    return 0 if all((v["total"] if isinstance(v, dict) else v) <= TARGETS[k]
                    for figures in results.values() for k, v in figures.items() if k in TARGETS) else 1


if __name__ == "__main__":
    sys.exit(main())
