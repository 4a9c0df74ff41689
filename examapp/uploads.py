"""Safe reading of uploaded spreadsheets: size caps, zip checks, encodings, row numbers.

Used by every import (people, questions, attendance) so the rules live once.
"""

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field

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
        if info.filename.startswith(("/", "\\")) or ".." in info.filename.split("/"):
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


def cell_text(value) -> str:
    """Turn a cell into text without losing digits or evaluating anything."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(data: bytes) -> Sheet:
    import openpyxl  # defusedxml is installed, so openpyxl parses without entities

    check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise Invalid(_("The workbook could not be read.")) from exc
    ws = book.worksheets[0]
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    for number, row in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
        cells = [cell_text(v) for v in row]
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if any(cells):
            rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise Invalid(_("The file has more than %(n)s rows.", n=MAX_ROWS))
    book.close()
    return Sheet(header=trim_header(header or []), rows=rows, kind="xlsx")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or GBK/GB18030; say which line breaks otherwise."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    line = bad_line(data)
    raise Invalid(_("The file is neither UTF-8 nor GBK text (first bad line: %(line)s).", line=line))


def bad_line(data: bytes) -> int:
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


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
        raise Invalid(_("Line %(line)s: the CSV is malformed (%(why)s).", line=reader.line_num, why=str(exc))) from exc
    return Sheet(header=trim_header(header or []), rows=rows, kind="csv", encoding=encoding)


def trim_header(header: list[str]) -> list[str]:
    cleaned = [h.replace("\u3000", "").replace(" ", "").lstrip("\ufeff") for h in header]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return cleaned


def neutralise(value):
    """Make a value safe for a spreadsheet cell: text starting like a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES + ("\t", "\r")):
        return "'" + value
    return value


def annotate(data: bytes, filename: str, errors: dict[int, str], header_title: str) -> tuple[bytes, str]:
    """Return the uploaded file with an error column filled in, in its own format."""
    kind = sniff_kind(data, filename)
    if kind == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data))
        ws = book.worksheets[0]
        column = ws.max_column + 1
        ws.cell(row=1, column=column, value=header_title)
        for row, message in errors.items():
            ws.cell(row=row, column=column, value=message)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), "xlsx"
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


def stash(data: bytes, filename: str, owner_id: int) -> str:
    """Keep an upload between its preview and its confirmation; return an opaque token."""
    import json
    import os
    import secrets

    from flask import current_app

    token = secrets.token_urlsafe(16)
    folder = os.path.join(current_app.instance_path, "uploads")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, token + ".bin"), "wb") as fh:
        fh.write(data)
    with open(os.path.join(folder, token + ".json"), "w", encoding="utf-8") as fh:
        json.dump({"filename": os.path.basename(filename)[:200], "owner": owner_id}, fh)
    return token


def unstash(token: str, owner_id: int) -> tuple[bytes, str]:
    """Return a stashed upload of this owner, or raise Invalid."""
    import json
    import os
    import re

    from flask import current_app

    folder = os.path.join(current_app.instance_path, "uploads")
    if not re.fullmatch(r"[A-Za-z0-9_\-]{10,64}", token or ""):
        raise Invalid(_("The uploaded file has expired. Upload it again."))
    try:
        with open(os.path.join(folder, token + ".json"), encoding="utf-8") as fh:
            meta = json.load(fh)
        with open(os.path.join(folder, token + ".bin"), "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise Invalid(_("The uploaded file has expired. Upload it again.")) from exc
    if meta.get("owner") != owner_id:
        raise Invalid(_("The uploaded file has expired. Upload it again."))
    return data, meta["filename"]
