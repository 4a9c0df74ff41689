"""E-01…E-03 (README "Reliability"): the catalogue's formula payloads and the readers that check a download."""

import csv
import io
import re
import zipfile

import openpyxl

# RELIABILITY.md E-01: every text cell a user can set is seeded with each of these.
PAYLOADS = ["=1+1", "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1", "\0=1",
            '=HYPERLINK("http://127.0.0.1:9/x","x")', "=cmd|' /c calc'!A1"]
# The database cannot hold NUL on PostgreSQL and every form refuses it: the writers are checked with it directly.
STORED_PAYLOADS = [p for p in PAYLOADS if "\0" not in p]
LIVE_START = ("=", "+", "-", "@", "\t", "\r", "\0")
NUMBER = re.compile(r"-?\d+(\.\d+)?%?")
BOM = b"\xef\xbb\xbf"


def unescaped(text: str) -> str:
    """A cell as the user typed it: the neutraliser's quote taken off."""
    return text[1:] if text.startswith("'") and text[1:2] in LIVE_START + ("\n",) else text


def is_payload(text: str) -> bool:
    plain = unescaped(text)
    return any(plain in (p, p.replace("\r", "\n"), p.replace("\0", "")) for p in PAYLOADS)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_figures(data: bytes) -> tuple[int, int]:
    """(live cells, payload cells) of a CSV: a live cell starts like a formula and is not a plain number."""
    cells = [cell for row in csv_rows(data) for cell in row]
    live = [c for c in cells if c[:1] in LIVE_START and not NUMBER.fullmatch(c)]
    return len(live), sum(is_payload(c) for c in cells)


def xlsx_figures(data: bytes) -> tuple[int, int]:
    """(formulas, payload cells) of a workbook: <f> elements in its sheets plus cells openpyxl types 'f'."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    tags = sum(len(re.findall(rb"<(?:\w+:)?f[ >/]", archive.read(name))) for name in archive.namelist()
               if name.startswith("xl/worksheets/"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    typed, payloads = 0, 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                typed += cell.data_type == "f"
                payloads += isinstance(cell.value, str) and is_payload(cell.value)
    return tags + typed, payloads
