"""E-06 (README "Reliability"): hostile upload files, generated here (RELIABILITY.md part c2), never downloaded.

Each file goes to every upload route that takes a spreadsheet (people import, question import, the
promotion check's list, the study session's attendee sheet) and, for time and memory, to
examapp.uploads.read_table, the one gate all of them pass. Pass: refused with 422 and a Chinese reason, in
bounded time and memory, with no side effect (no row, no kept file, no connection to a listener).
"""

import io
import os
import socket
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from flask import current_app
from sqlalchemy import func, select

from examapp.bank.models import Question
from examapp.errors import Invalid
from examapp.extensions import db
from examapp.org.importer import REQUIRED
from examapp.org.models import User
from examapp.study.models import StudySession
from examapp.uploads import read_table
from tests.bank.test_hostile_files import false_sizes

PEOPLE_HEADER = list(REQUIRED)  # the people import's header
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
SECONDS, PEAK_MB = 5.0, 100  # loose bounds on a loaded 2-core machine; the figures are printed


def roster() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(PEOPLE_HEADER)
    book.active.append(["张三", "hostile1", "乌塘镇", "科员", "", "学员", "否", "否", "否"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, parts: dict[str, bytes | None], extra: list[tuple[zipfile.ZipInfo | str, bytes]] = ()
            ) -> bytes:
    """The workbook with some parts replaced (None drops one) and entries added."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename in parts:
                if parts[info.filename] is not None:
                    target.writestr(info.filename, parts[info.filename])
            else:
                target.writestr(info.filename, source.read(info))
        for name, content in extra:
            target.writestr(name, content)
    return out.getvalue()


def shared_strings(body: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}<sst xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{body}</t></si></sst>'
            ).encode()


def with_shared_strings(xml: bytes) -> bytes:
    """A workbook whose A2 shows shared string 0 (so an expanded entity would land in a name)."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData><row r="1">'
             + "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                       for i, h in enumerate(PEOPLE_HEADER))
             + '</row><row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>').encode()
    data = rewrite(roster(), {SHEET: sheet, STRINGS: None}, [(STRINGS, xml)])
    return add_content_type(data, "/xl/sharedStrings.xml",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")


def add_content_type(data: bytes, part: str, kind: str) -> bytes:
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    if part.encode() not in types:
        types = types.replace(b"</Types>", f'<Override PartName="{part}" ContentType="{kind}"/></Types>'.encode())
    rels = zipfile.ZipFile(io.BytesIO(data)).read("xl/_rels/workbook.xml.rels")
    if b"sharedStrings" not in rels:
        rels = rels.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                            b"</Relationships>")
    return rewrite(data, {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels})


def bomb(megabytes: int = 60) -> bytes:
    """sheet1.xml of `megabytes` MB of repeated rows, deflated to a small fraction of that."""
    row = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>'
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>")
    body = head + row * (megabytes * 1024 * 1024 // len(row)) + b"</sheetData></worksheet>"
    return rewrite(roster(), {SHEET: body})


def symlink() -> bytes:
    info = zipfile.ZipInfo("xl/link")
    info.external_attr = 0o120777 << 16
    return rewrite(roster(), {}, [(info, b"/etc/passwd")])


def sparse() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(PEOPLE_HEADER)
    book.active.cell(row=1048576, column=16384, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LAUGHS = ('<!DOCTYPE sst [<!ENTITY a0 "lol">'
          + "".join(f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)) + "]>")
QUADRATIC = f'<!DOCTYPE sst [<!ENTITY big "{"x" * 100_000}">]>'


def hostile(listener_port: int) -> dict[str, tuple[bytes, str]]:
    """Name → (bytes, upload file name): RELIABILITY.md c2 rows 15-28, c4's file names, and size."""
    good = roster()
    bombed = bomb()
    return {
        "zip bomb (declared size)": (bombed, "bomb.xlsx"),
        "zip bomb (size header lies)": (false_sizes(bombed, SHEET, 1000), "liar.xlsx"),
        "1,000 entries": (rewrite(good, {}, [(f"x/{n}", b"") for n in range(1000)]), "many.xlsx"),
        "billion laughs": (with_shared_strings(shared_strings("&a9;", LAUGHS)), "laughs.xlsx"),
        "quadratic blowup": (with_shared_strings(shared_strings("&big;" * 10_000, QUADRATIC)), "quadratic.xlsx"),
        "XXE file in sharedStrings": (with_shared_strings(shared_strings(
            "&e;", '<!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/hostname">]>')), "xxe.xlsx"),
        "XXE file in docProps/core.xml": (rewrite(good, {"docProps/core.xml": (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]><cp:coreProperties '
            b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&e;</dc:title></cp:coreProperties>')}),
            "core.xlsx"),
        "XXE http": (with_shared_strings(shared_strings(
            "&e;", f'<!DOCTYPE sst [<!ENTITY e SYSTEM "http://127.0.0.1:{listener_port}/x">]>')), "ssrf.xlsx"),
        "zip-slip ../../app.py": (rewrite(good, {}, [("../../app.py", b"x")]), "slip.xlsx"),
        "zip-slip /etc/x": (rewrite(good, {}, [("/etc/x", b"x")]), "abs.xlsx"),
        "zip-slip C:\\x": (rewrite(good, {}, [("C:\\x", b"x")]), "drive.xlsx"),
        "zip-slip a/../../b": (rewrite(good, {}, [("a/../../b", b"x")]), "dots.xlsx"),
        "symlink entry": (symlink(), "link.xlsx"),
        ".xls (CFB) named .xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "old.xlsx"),
        "CSV named .xlsx": ("姓名,账号\n张三,z1\n".encode(), "csv.xlsx"),
        "PDF named .xlsx": (b"%PDF-1.4\n" + bytes(2000), "doc.xlsx"),
        "HTML named .xlsx": (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "page.xlsx"),
        ".xlsm with vbaProject.bin": (rewrite(good, {}, [("xl/vbaProject.bin", b"\0" * 100)]), "macro.xlsx"),
        "truncated zip": (good[:-100], "cut.xlsx"),
        "cell at XFD1048576": (sparse(), "sparse.xlsx"),
        "6 MB file": (b"a,b\n" + os.urandom(6 * 1024 * 1024).hex().encode()[:6 * 1024 * 1024], "big.csv"),
    }


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that counts connections (an XXE or SSRF callback would land here)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    hits, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _addr = server.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(2)
    server.close()


def files_under(path: Path) -> set[str]:
    return {str(p) for p in path.rglob("*") if p.is_file()} if path.exists() else set()


def measure(data: bytes, name: str) -> tuple[float, float, str]:
    """Seconds, peak traced MB and the message of read_table on one file."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        read_table(data, name)
        message = ""
    except Invalid as exc:
        message = exc.message
    finally:
        seconds = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    return seconds, peak, message


def test_e06_every_hostile_file_is_refused_quickly_in_bounded_memory(app, listener):
    port, hits = listener
    rows = []
    with app.test_request_context():
        for label, (data, name) in hostile(port).items():
            seconds, peak, message = measure(data, name)
            rows.append((label, seconds, peak, message))
            print(f"E-06 {label}: {len(data) / 1024:.0f} KB, {seconds:.2f} s, peak {peak:.1f} MB: {message or 'READ'}")
    slow = [r[0] for r in rows if r[1] > SECONDS]
    heavy = [r[0] for r in rows if r[2] > PEAK_MB]
    read = [r[0] for r in rows if not r[3]]
    print(f"E-06: {len(rows) - len(read)}/{len(rows)} hostile files refused; slowest {max(r[1] for r in rows):.2f} s; "
          f"largest peak {max(r[2] for r in rows):.1f} MB; {len(hits)} listener connections")
    assert (read, slow, heavy, len(hits)) == ([], [], [], 0)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r[3]) for r in rows)  # a reason in Chinese


def upload_routes(client, data: bytes, name: str, unit_id: int):
    yield "/org/import", client.post("/org/import", data={"file": (io.BytesIO(data), name)},
                                     content_type="multipart/form-data")
    yield "/bank/import", client.post("/bank/import", data={"file": (io.BytesIO(data), name)},
                                      content_type="multipart/form-data")
    yield "/records/promotion", client.post("/records/promotion", data={
        "upload": (io.BytesIO(data), name), "year": "2026"}, content_type="multipart/form-data")
    yield "/study/sessions/new", client.post("/study/sessions/new", data={
        "kind": "organised", "held_on": "2026-03-01", "topic": "学习行政处罚法", "speaker": "所长", "hours": "2",
        "unit_id": str(unit_id), "sheet": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (User, Question, StudySession))


def test_e06_every_upload_route_refuses_them_with_no_side_effect(library, org, login, listener):
    port, hits = listener
    client = login(org.admin)
    instance = Path(current_app.instance_path)
    before_files, before_counts = files_under(instance), counts()
    statuses = {}
    for label, (data, name) in hostile(port).items():
        for route, response in upload_routes(client, data, name, org.village_a.id):
            statuses[(label, route)] = response.status_code
    wrong = {k: v for k, v in statuses.items() if v not in (413, 422)}
    print(f"E-06: {len(statuses) - len(wrong)}/{len(statuses)} (file, route) uploads refused with 4xx; "
          f"{len(files_under(instance) - before_files)} files kept; {len(hits)} listener connections")
    assert wrong == {}
    assert files_under(instance) - before_files == set()
    assert counts() == before_counts and len(hits) == 0
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    assert db.session.scalar(select(func.count()).select_from(User).where(User.name.contains(hostname))) == 0
    assert client.get("/").status_code in (200, 302)  # the site still answers


@pytest.mark.parametrize("name", ["../../x.xlsx", "a.xlsx\x00.php", "长" * 300 + ".xlsx", "成绩单.xlsx",
                                  "..\\..\\x.xlsx"])
def test_e06_upload_file_names_never_choose_a_path(org, login, name):
    """A readable upload is kept under a random token; its own name is only shown, never used as a path."""
    client = login(org.admin)
    instance = Path(current_app.instance_path)
    before = files_under(instance)
    response = client.post("/org/import", data={"file": (io.BytesIO(roster()), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    added = files_under(instance) - before
    assert added and all(Path(p).parent == instance / "uploads" and len(Path(p).name) < 40 for p in added)
    for path in added:
        os.unlink(path)
