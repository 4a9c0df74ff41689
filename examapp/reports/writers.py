"""Streaming spreadsheet writers: .xlsx (openpyxl write-only) and .csv (UTF-8 with BOM).

Every text cell that starts like a formula (=, +, -, @, tab, CR) is neutralised, so a
name such as "=HYPERLINK(...)" typed into the roster is shown, never executed.
"""

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..localtime import local_text
from ..uploads import neutralise
from .stats import percent

CHUNK = 64 * 1024
CSV_BATCH = 500
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="9B1C1C")
INVALID_SHEET_CHARS = set('[]:*?/\\')


@dataclass
class SheetSpec:
    """One worksheet: a title, a header, column widths and a row iterator (consumed once)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    percent_columns: Sequence[int] = ()  # 0-based columns that hold rates (0..1)


def safe(value):
    """Return a cell value safe for a spreadsheet (dates as ISO text, formulas neutralised)."""
    kind = type(value)
    if kind is str:
        return neutralise(value)
    if kind is int or kind is float:
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if hasattr(value, "is_finite"):  # Decimal
        return float(value)
    return neutralise(str(value))


def sheet_title(title: str, used: set[str]) -> str:
    """Return a valid, unique worksheet title (31 chars, no []:*?/\\)."""
    clean = "".join("_" if ch in INVALID_SHEET_CHARS else ch for ch in title).strip("'")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = clean[:31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def write_sheet(book: Workbook, spec: SheetSpec, used: set[str]) -> None:
    ws = book.create_sheet(sheet_title(spec.title, used))
    for index, width in enumerate(spec.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for title in spec.header:
        cell = WriteOnlyCell(ws, value=safe(title))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    percent = set(spec.percent_columns)
    for row in spec.rows:
        if not percent:
            ws.append([safe(v) for v in row])
            continue
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(ws, value=safe(value))
            if index in percent and isinstance(value, float):
                cell.number_format = "0.0%"
            cells.append(cell)
        ws.append(cells)


def xlsx_file(sheets: Iterable[SheetSpec]) -> str:
    """Write sheets to a temporary .xlsx (rows go straight to disk) and return its path."""
    book = Workbook(write_only=True)
    used: set[str] = set()
    for spec in sheets:
        write_sheet(book, spec, used)
    if not used:
        write_sheet(book, SheetSpec("Sheet", [], []), used)
    handle, path = tempfile.mkstemp(prefix="examapp-report-", suffix=".xlsx")
    os.close(handle)
    book.save(path)
    return path


def xlsx_stream(sheets: Iterable[SheetSpec]) -> Iterator[bytes]:
    """Yield an .xlsx in chunks; the workbook lives on disk, never whole in memory."""
    path = xlsx_file(sheets)
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def xlsx_bytes(sheets: Iterable[SheetSpec]) -> bytes:
    return b"".join(xlsx_stream(sheets))


def csv_stream(header: Sequence[str], rows: Iterable[Sequence], percent_columns: Sequence[int] = ()
               ) -> Iterator[bytes]:
    """Yield a UTF-8 CSV with a BOM (so Excel opens Chinese), a batch of rows at a time; rates as 87.5%."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([safe(h) for h in header])
    percent_at = set(percent_columns)
    count = 0
    for row in rows:
        if percent_at:
            row = [percent(v) if i in percent_at and isinstance(v, float | None) else v for i, v in enumerate(row)]
        writer.writerow([safe(v) for v in row])
        count += 1
        if count % CSV_BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
