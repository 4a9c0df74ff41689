"""E-01, E-02, E-03 (README "Reliability"): every spreadsheet the site writes, seeded with formula payloads.

Every CSV and XLSX download is listed in EXPORTS (and test_e01_every_writer_is_known fails when a new
writer appears elsewhere in the code). Each is fetched through its route with payloads in names, unit
names, the exam title and question stems and options; the checks count live cells (E-01), formulas (E-02)
and the encoding (E-03).
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from examapp.bank.importer import import_questions
from examapp.bank.models import QuestionVersion
from examapp.db import utcnow
from examapp.exams.models import AttemptItem
from examapp.extensions import db
from examapp.org.importer import REQUIRED
from examapp.org.services import add_unit
from examapp.reports.writers import SheetSpec, csv_stream, xlsx_bytes
from tests.bank.helpers import HEADER
from tests.factories import make_user
from tests.records.conftest import finish_attempt, make_exam

from .files_checks import BOM, PAYLOADS, STORED_PAYLOADS, csv_figures, csv_rows, unescaped, xlsx_figures

ROOT = Path(__file__).resolve().parents[2] / "examapp"
# Every module that writes a spreadsheet; each is reached by a route below.
WRITERS = {"reports/writers.py", "uploads.py", "bank/export.py", "org/slips.py"}
SAFE_NAMES = [p for p in STORED_PAYLOADS if not re.search(r"[\t\r]", p)]  # names refuse control characters
PEOPLE_HEADER = list(REQUIRED)  # the people import's header
RARE_NAMES = ["阿依古丽·买买提", "䶮", "𠀀", "𪚥", "堃", "喆", "镕", "囍", "〇", "Ａ明"]


def question_row(n: int, text: str) -> list[str]:
    return ["单选", f"{text}", f"{text}", f"选项二{n}", "", "", "", "", "A", text, "", "3", ""]


@pytest.fixture
def world(org, login):
    """Payloads as unit names, people's names, an exam title, question stems, options and explanations."""
    units = [add_unit(p, None) for p in STORED_PAYLOADS]
    exam = make_exam(title=PAYLOADS[0], audience={"unit_ids": [u.id for u in units] + [org.town.id],
                                                  "roles": ["learner"]})
    people = [make_user(f"payload{i}", unit, name=p, is_enforcement=True)
              for i, (p, unit) in enumerate(zip(STORED_PAYLOADS, units, strict=True))]
    people += [make_user(f"rare{i}", org.village_a, name=n) for i, n in enumerate(RARE_NAMES)]
    rows = [HEADER] + [question_row(i, p) for i, p in enumerate(SAFE_NAMES)]
    with current_app.test_request_context():
        report = import_questions(table(rows), "payloads.csv", org.examiner, utcnow())
        assert report.ok, report.messages()
    versions = db.session.scalars(select(QuestionVersion)).all()
    for i, person in enumerate(people):
        attempt = finish_attempt(exam, person, 95 if i % 2 else 40)
        for position, version in enumerate(versions, start=1):
            db.session.add(AttemptItem(attempt_id=attempt.id, position=position, question_id=version.question_id,
                                       question_version_id=version.id, type="single", points=Decimal(1),
                                       content={}, option_order=["A", "B"], key="A", answer="AB"[i % 2],
                                       is_correct=not i % 2, awarded=Decimal(1 - i % 2)))
    db.session.commit()
    return exam, people


def people_upload() -> bytes:
    rows = [PEOPLE_HEADER]
    rows += [[p, f"import{i}", p, p, p, "学员", "否", "否", "否"] for i, p in enumerate(SAFE_NAMES)]
    return table(rows)


def table(rows) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8")


def import_token(client, url: str, data: bytes, name: str, pattern: str) -> str:
    page = client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    return re.search(pattern, page.get_data(as_text=True)).group(1)


def fetch_all(client, org, exam, kinds: set[str]) -> dict[str, bytes]:
    """Every CSV / XLSX download of the site, by a name that says which."""
    out = {}
    year = exam.year
    for fmt in ("csv", "xlsx") if "csv" in kinds and "xlsx" in kinds else tuple(kinds):
        out[f"exam report .{fmt}"] = client.get(f"/reports/exams/{exam.id}/download?format={fmt}").data
        out[f"exam report per unit .{fmt}"] = client.get(
            f"/reports/exams/{exam.id}/download?format={fmt}&per_unit=1").data
        out[f"year report .{fmt}"] = client.get(f"/reports/years/{year}/download?format={fmt}").data
        out[f"item analysis .{fmt}"] = client.get(f"/reports/exams/{exam.id}/items/download?format={fmt}").data
    if "csv" in kinds:
        out["qualification gaps .csv"] = client.get("/records/qualifications.csv?days=3650").data
    if "xlsx" in kinds:
        people = "\n".join(f"payload{i}" for i in range(len(STORED_PAYLOADS)))
        out["promotion check .xlsx"] = client.post("/records/promotion", data={
            "people": people, "year": str(year), "format": "xlsx"}).data
        out["question bank export .xlsx"] = client.get("/bank/export").data
        out["question template .xlsx"] = client.get("/bank/template.xlsx").data
    return out


def import_error_files(client, kinds: set[str]) -> dict[str, bytes]:
    """The uploads offered back with an error column (people and questions), in both formats."""
    out = {}
    bad_people = people_upload().replace(b"import0", b"bad account!")
    bad_questions = table([HEADER] + [question_row(i, p)[:8] + ["Z"] + question_row(i, p)[9:]
                                               for i, p in enumerate(SAFE_NAMES)])
    for kind in kinds:
        people, questions = bad_people, bad_questions
        if kind == "xlsx":
            people, questions = as_xlsx(people), as_xlsx(questions)
        token = import_token(client, "/org/import", people, f"people.{kind}", r"/org/import/([\w-]+)/errors")
        out[f"people import errors .{kind}"] = client.get(f"/org/import/{token}/errors").data
        token = import_token(client, "/bank/import", questions, f"q.{kind}", r"/bank/import/([\w-]+)/errors")
        out[f"question import errors .{kind}"] = client.get(f"/bank/import/{token}/errors").data
    return out


def as_xlsx(data: bytes) -> bytes:
    """The same table as a workbook whose cells are typed text (formula-looking ones too)."""
    import openpyxl

    book = openpyxl.Workbook()
    for r, row in enumerate(csv_rows(data), start=1):
        for c, value in enumerate(row, start=1):
            cell = book.active.cell(row=r, column=c)
            cell.value, cell.data_type = value, "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def password_slips(client) -> bytes:
    """Import payload-named people, then take their one-time passwords as .xlsx."""
    token = import_token(client, "/org/import", people_upload(), "p.csv", r"/org/import/([\w-]+)/confirm")
    location = client.post(f"/org/import/{token}/confirm").headers["Location"]
    batch = re.search(r"/import/batches/(\d+)", location).group(1)
    return client.post(f"/org/import/batches/{batch}/passwords", data={"format": "xlsx"}).data


def test_e01_every_writer_is_known():
    """A CSV or XLSX writer outside WRITERS would be an export this file does not check."""
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(|xlsxwriter")
    found = {str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))}
    assert found == WRITERS


def test_e01_csv_exports_have_no_live_cell(world, org, login):
    exam, _people = world
    client = login(org.admin)
    files = fetch_all(client, org, exam, {"csv"}) | import_error_files(login(org.admin), {"csv"})
    figures = {name: csv_figures(data) for name, data in files.items()}
    for name, (live, hits) in figures.items():
        print(f"E-01 {name}: {hits} payload cells, {live} live")
    assert {name: live for name, (live, _h) in figures.items() if live} == {}
    assert all(hits for _live, hits in figures.values()), figures  # every export really carried payloads
    print(f"E-01: {len(STORED_PAYLOADS)} stored payloads x {len(files)} CSV exports (NUL: writer test), "
          f"{sum(h for _l, h in figures.values())} payload cells, 0 live")


def test_e01_the_writers_neutralise_every_payload_and_keep_numbers():
    rows = [[p, 87, -0.25, 1.5] for p in PAYLOADS]
    data = b"".join(csv_stream(["a", "b", "c", "d"], rows))
    table = csv_rows(data)[1:]
    assert csv_figures(data)[0] == 0
    assert [unescaped(r[0]) for r in table] == [p.replace("\0", "") for p in PAYLOADS]  # 100% round trip
    assert {tuple(r[1:]) for r in table} == {("87", "-0.25", "1.5")}  # numbers stay numbers


def test_e02_xlsx_exports_have_no_live_formula(world, org, login):
    exam, _people = world
    client = login(org.admin)
    files = fetch_all(client, org, exam, {"xlsx"}) | import_error_files(login(org.admin), {"xlsx"})
    files["one-time passwords .xlsx"] = password_slips(login(org.admin))
    files["writers, every payload .xlsx"] = xlsx_bytes([SheetSpec("t", ["a"], [[p] for p in PAYLOADS])])
    figures = {name: xlsx_figures(data) for name, data in files.items()}
    for name, (formulas, hits) in figures.items():
        print(f"E-02 {name}: {hits} payload cells, {formulas} formulas")
    assert {name: f for name, (f, _h) in figures.items() if f} == {}
    assert all(hits for name, (_f, hits) in figures.items() if "template" not in name), figures
    print(f"E-02: {len(STORED_PAYLOADS)} stored payloads x {len(files) - 1} XLSX exports + {len(PAYLOADS)} "
          "through the writer, 0 formulas")


def test_e02_a_formula_in_an_uploaded_workbook_is_not_offered_back_live(org, login):
    """The error download rebuilds the upload: a formula cell comes back as its text, never as a formula."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(PEOPLE_HEADER)
    book.active.append(["=1+1", '=HYPERLINK("http://127.0.0.1:9/x","x")', "乌塘镇", "", "", "学员", "否", "否", "否"])
    out = io.BytesIO()
    book.save(out)
    client = login(org.admin)
    token = import_token(client, "/org/import", out.getvalue(), "f.xlsx", r"/org/import/([\w-]+)/errors")
    formulas, hits = xlsx_figures(client.get(f"/org/import/{token}/errors").data)
    assert (formulas, hits) == (0, 2)


def test_e03_csv_exports_start_with_a_bom_and_keep_every_name(world, org, login):
    exam, _people = world
    client = login(org.admin)
    files = fetch_all(client, org, exam, {"csv"}) | import_error_files(login(org.admin), {"csv"})
    without_bom = [name for name, data in files.items() if not data.startswith(BOM)]
    report = files["exam report .csv"].decode("utf-8-sig")
    kept = [n for n in RARE_NAMES if n in report]
    print(f"E-03: {len(files) - len(without_bom)}/{len(files)} CSV exports start with EF BB BF; "
          f"{len(kept)}/{len(RARE_NAMES)} rare names round-trip; {report.count(chr(0xFFFD))} replacement chars")
    assert without_bom == []
    assert kept == RARE_NAMES
    assert "\ufffd" not in report and "?" not in report
