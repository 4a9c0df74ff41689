"""Safe reading of uploaded spreadsheets: size caps, zip checks, encodings, row numbers.

Used by every import (people, questions, attendance) so the rules live once.
"""

import contextlib
import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _

from .errors import Invalid

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 200
MAX_ROWS = 100_000  # a county's people (50,000) or a large bank in one file; the byte caps still apply
MAX_COLUMNS = 60
MAX_CELL_CHARS = 32767
FORMULA_PREFIXES = ("=", "+", "-", "@")
# What makes a spreadsheet read a cell as a formula (ASVS 5.0 1.2.10), and the control characters a
# worksheet cannot hold (openpyxl refuses them; in a CSV a NUL hides what follows).
FORMULA_START = frozenset(FORMULA_PREFIXES + ("\t", "\r", "\0"))
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Sheet:
    """Rows of text cells with their 1-based row numbers (the header is row 1)."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    kind: str = "csv"
    encoding: str = ""

    def records(self):
        """Yield (row number, {header: value}) for every non-empty row."""
        for number, cells in self.rows:
            padded = cells + [""] * (len(self.header) - len(cells))
            yield number, dict(zip(self.header, padded, strict=False))


def sniff_kind(data: bytes, filename: str) -> str:
    """Tell xlsx from csv by content, refusing files that only pretend."""
    name = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Invalid(_("This is an old .xls or an encrypted workbook. Save it as .xlsx and try again."))
    if name.endswith((".xlsx", ".xlsm")):
        raise Invalid(_("The file is named .xlsx but is not an Excel workbook."))
    if data[:5] in (b"%PDF-",) or data.lstrip()[:1] == b"<":
        raise Invalid(_("This file is not a spreadsheet."))
    return "csv"


def read_table(data: bytes, filename: str) -> Sheet:
    """Read an uploaded .xlsx or .csv into a Sheet, or raise Invalid saying why."""
    if not data or not data.strip():
        raise Invalid(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid(_("The file is larger than %(mb)s MB.", mb=MAX_UPLOAD_BYTES // 1024 // 1024))
    kind = sniff_kind(data, filename)
    sheet = read_xlsx(data) if kind == "xlsx" else read_csv(data)
    if not any(cell.strip() for cell in sheet.header):
        raise Invalid(_("The first row must be the header."))
    return sheet


def check_zip(data: bytes) -> None:
    """Refuse zip bombs, odd entries and macros before any XML is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise Invalid(_("The workbook is damaged and cannot be opened.")) from exc
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise Invalid(_("The workbook has too many parts."))
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_RATIO * max(len(data), 1) + 1024 * 1024:
        raise Invalid(_("The workbook expands to too much data."))
    for info in infos:
        # Part names are relative and use "/" only: a backslash or a drive (C:) is a path for another system.
        if info.filename.startswith("/") or ".." in info.filename.split("/") or set("\\:") & set(info.filename):
            raise Invalid(_("The workbook contains an unsafe part name."))
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise Invalid(_("The workbook contains a link."))
        if info.filename.lower().endswith("vbaproject.bin"):
            raise Invalid(_("Workbooks with macros are not accepted."))
    if "xl/workbook.xml" not in archive.namelist():
        raise Invalid(_("The file is named .xlsx but is not an Excel workbook."))
    try:
        stream_members(archive, infos)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        # False sizes or checksums, a truncated or encrypted part: the directory lied about the contents.
        raise Invalid(_("The workbook is damaged and cannot be opened.")) from exc


def stream_members(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Decompress every part (checking each checksum) with a cap on the real, not the declared, size."""
    streamed = 0
    for info in infos:
        with archive.open(info) as member:
            while chunk := member.read(65536):
                streamed += len(chunk)
                if streamed > MAX_UNCOMPRESSED_BYTES:
                    raise Invalid(_("The workbook expands to too much data."))


def cell_text(value, row: int = 0, column: int = 0) -> str:
    """Turn a cell into text without losing digits or evaluating anything.

    A formula cell arrives as its text (=…) and stays text. A number of 16 or more digits has already
    lost digits in Excel (an ID number typed as a number), so it is refused with its row and column.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float) and abs(value) >= 1e15:
        from openpyxl.utils import get_column_letter

        shown = f"{value:.15G}"
        raise Invalid(_("Row %(row)s, column %(column)s: %(value)s is stored as a number of more than 15 digits, "
                        "so Excel has already changed its last digits (an ID number?). Set the column to text, "
                        "type the numbers again and upload the file again.",
                        row=row, column=get_column_letter(max(column, 1)), value=shown))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):  # a date cell: the day alone unless it carries a time
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def xlsx_rows(data: bytes):
    """Yield (sheet row number, text cells) of the first worksheet, empty rows included.

    The sheet's own <dimension> is ignored: a false one could hide rows or make a stray cell at row
    1,048,576 walk a million empty rows; reading stops with an error past MAX_ROWS instead.
    """
    import openpyxl  # defusedxml is installed, so openpyxl parses without entities

    check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise Invalid(_("The workbook could not be read.")) from exc
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    try:
        for number in range(1, MAX_ROWS + 3):
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a broken or hostile sheet part, found while streaming it
                raise Invalid(_("The workbook could not be read.")) from exc
            if number > MAX_ROWS + 1:
                raise Invalid(_("The file has more than %(n)s rows.", n=MAX_ROWS))
            if all(v is None for v in values):
                yield number, []
                continue
            yield number, [cell_text(v, number, column) for column, v in enumerate(values, start=1)]
    finally:
        book.close()


def read_xlsx(data: bytes) -> Sheet:
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    for number, cells in xlsx_rows(data):
        if header is None:
            header = [c.strip() for c in cells]
        elif any(cells):
            rows.append((number, cells))
    return Sheet(header=trim_header(header or []), rows=rows, kind="xlsx")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text upload in a strict order: UTF-16 by its BOM, UTF-8 (with or without BOM), GB18030.

    GB18030 (a superset of GBK) decodes UTF-8 bytes into valid-looking nonsense (姓名 → 濮撳悕), so its
    result is kept only when no line is UTF-8 Chinese: a file mixing both is refused, naming a line of each.
    """
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8 = next((n for n, raw in enumerate(lines, start=1) if written_in_utf8(raw)), None)
    if utf8 is None:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("gb18030"), "gb18030"
    bad = next(n for n, raw in enumerate(lines, start=1) if not decodes(raw, "utf-8" if utf8 else "gb18030"))
    if utf8 and decodes(lines[bad - 1], "gb18030"):
        raise Invalid(_("The file mixes encodings: line %(utf8)s is UTF-8 but line %(other)s is not. Save the "
                        "whole file as UTF-8 (CSV UTF-8 in Excel) and upload it again.", utf8=utf8, other=bad))
    raise Invalid(_("The file is neither UTF-8 nor GBK text (first bad line: %(line)s).", line=bad))


def written_in_utf8(raw: bytes) -> bool:
    """True for a line that is UTF-8 with a character of three or more bytes (all Chinese is).

    A GBK line can pass as UTF-8 by chance, but then almost always as two-byte characters (Latin, Greek…).
    """
    if raw.isascii() or not decodes(raw, "utf-8"):
        return False
    return max(raw.decode("utf-8")) >= "\u0800"


def decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def read_csv(data: bytes) -> Sheet:
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise Invalid(_("The file contains NUL characters; it is not a text spreadsheet."))
    first_line = text.split("\n", 1)[0]
    tabbed = encoding == "utf-16" or first_line.count("\t") > first_line.count(",")
    delimiter = "\t" if tabbed else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            number = reader.line_num
            cells = [c.strip() for c in cells]
            if header is None:
                header = cells
                continue
            if any(cells):
                rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise Invalid(_("The file has more than %(n)s rows.", n=MAX_ROWS))
    except csv.Error as exc:
        raise Invalid(_("Line %(line)s: the CSV is malformed (%(why)s).", line=reader.line_num,
                        why=csv_problem(exc))) from exc
    return Sheet(header=trim_header(header or []), rows=rows, kind="csv", encoding=encoding)


def csv_problem(exc: csv.Error) -> str:
    """What the csv module's (English) error means, for the person who saved the file."""
    text = str(exc)
    if "unexpected end of data" in text:
        return _("a quoted cell is not closed")
    if "expected after" in text:
        return _("a quote inside a cell must be written twice")
    if "field larger than field limit" in text:
        return _("a cell is too long")
    return _("the line cannot be read")


def trim_header(header: list[str]) -> list[str]:
    cleaned = [h.replace("\u3000", "").replace(" ", "").lstrip("\ufeff") for h in header]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return cleaned


def neutralise(value):
    """Make a value safe for a spreadsheet cell (the one rule for every export).

    Control characters a worksheet cannot hold are dropped; text that starts like a formula is quoted
    with ', so Excel and WPS show it and never run it.
    """
    if type(value) is not str:
        return neutralise(str(value)) if isinstance(value, str) else value
    if CONTROL_CHARS.search(value):
        value = CONTROL_CHARS.sub("", value)
    return "'" + value if value and value[0] in FORMULA_START else value


def annotate(data: bytes, filename: str, errors: dict[int, str], header_title: str) -> tuple[bytes, str]:
    """Return the uploaded file with an error column filled in, in its own format."""
    kind = sniff_kind(data, filename)
    if kind == "xlsx":
        return annotated_xlsx(data, errors, header_title), "xlsx"
    text, _enc = decode_text(data)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    writer = csv.writer(out)
    line_of_row = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    for index, _cells in enumerate(reader):
        line_of_row[index] = reader.line_num
    for index, cells in enumerate(rows):
        extra = header_title if index == 0 else errors.get(line_of_row.get(index, -1), "")
        writer.writerow([neutralise(c) for c in cells] + [extra])
    return ("\ufeff" + out.getvalue()).encode("utf-8"), "csv"


def annotated_xlsx(data: bytes, errors: dict[int, str], header_title: str) -> bytes:
    """A new workbook with the upload's cells as text (a formula comes back as its text) and an error column."""
    from openpyxl import Workbook

    rows = [cells for _number, cells in xlsx_rows(data)]
    width = max((used_width(cells) for cells in rows), default=0)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for number, cells in enumerate(rows, start=1):
        extra = header_title if number == 1 else errors.get(number, "")
        sheet.append([neutralise(c) for c in cells[:width]] + [""] * (width - len(cells)) + [extra])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def used_width(cells: list[str]) -> int:
    """How many cells a row has once the empty ones at its end are left off."""
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    return width


def stash(data: bytes, filename: str, owner_id: int) -> str:
    """Keep an upload between its preview and its confirmation; return an opaque token."""
    import json
    import os
    import secrets

    token = secrets.token_urlsafe(16)
    os.makedirs(stash_path(token, "").parent, exist_ok=True)
    with open(stash_path(token, ".bin"), "wb") as fh:
        fh.write(data)
    with open(stash_path(token, ".json"), "w", encoding="utf-8") as fh:
        json.dump({"filename": os.path.basename(filename)[:200], "owner": owner_id}, fh)
    return token


def stash_path(token: str, suffix: str):
    """A stashed upload's file with this suffix (.bin the data, .json who and what, .checked its preview)."""
    from pathlib import Path

    from flask import current_app

    if not re.fullmatch(r"[A-Za-z0-9_\-]{10,64}", token or ""):
        raise Invalid(_("The uploaded file has expired. Upload it again."))
    return Path(current_app.instance_path) / "uploads" / f"{token}{suffix}"


def unstash(token: str, owner_id: int) -> tuple[bytes, str]:
    """Return a stashed upload of this owner, or raise Invalid."""
    import json

    try:
        with open(stash_path(token, ".json"), encoding="utf-8") as fh:
            meta = json.load(fh)
        with open(stash_path(token, ".bin"), "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise Invalid(_("The uploaded file has expired. Upload it again.")) from exc
    if meta.get("owner") != owner_id:
        raise Invalid(_("The uploaded file has expired. Upload it again."))
    return data, meta["filename"]
