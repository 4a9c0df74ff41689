"""Streaming spreadsheet writers: .xlsx (XlsxWriter, constant_memory) and .csv (UTF-8 with BOM).

Every text cell goes through uploads.neutralise (a formula start is quoted), so a
name such as "=HYPERLINK(...)" typed into the roster is shown, never executed.
"""

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from itertools import islice

from xlsxwriter import Workbook

from ..localtime import local_text
from ..progress import Step, silent
from ..uploads import neutralise
from .stats import percent

CHUNK = 64 * 1024
CSV_BATCH = 500
PROGRESS_ROWS = 2000
HEADER_FONT_COLOUR = "#FFFFFF"
HEADER_FILL = "#9B1C1C"
INVALID_SHEET_CHARS = set('[]:*?/\\')


@dataclass
class SheetSpec:
    """One worksheet: a title, a header, column widths and a row iterator (consumed once)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    percent_columns: Sequence[int] = ()  # 0-based columns that hold rates (0..1)
    clean: bool = False  # the rows' cells are already what safe() makes of them (exam_report.line_maker)


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


def sheet_formats(book: Workbook) -> dict:
    return {"header": book.add_format({"bold": True, "font_color": HEADER_FONT_COLOUR, "bg_color": HEADER_FILL,
                                       "pattern": 1, "valign": "vcenter", "text_wrap": True}),
            "percent": book.add_format({"num_format": "0.0%"})}


def write_sheet(book: Workbook, spec: SheetSpec, used: set[str], formats: dict,
                told: Callable[[int], None] | None = None) -> int:
    """Write one sheet row by row (constant_memory: each row goes to disk when the next one starts).

    Return the rows written; `told(rows so far)` hears every PROGRESS_ROWS rows."""
    ws = book.add_worksheet(sheet_title(spec.title, used))
    for index, width in enumerate(spec.widths):
        ws.set_column(index, index, width)
    ws.freeze_panes(1, 0)
    for col, title in enumerate(spec.header):
        ws.write_string(0, col, safe(title), formats["header"])
    percent_at, percent_format = set(spec.percent_columns), formats["percent"]
    put_string, put_number, put_boolean = ws.write_string, ws.write_number, ws.write_boolean
    checked = safe if not spec.clean else None
    r = 0
    for r, row in enumerate(spec.rows, start=1):
        if told and not r % PROGRESS_ROWS:
            told(r)
        for col, value in enumerate(row):
            if checked:
                value = checked(value)
            kind = type(value)
            if kind is str:
                if value:
                    put_string(r, col, value)
            elif kind is bool:
                put_boolean(r, col, value)
            elif col in percent_at and kind is float:
                put_number(r, col, value, percent_format)
            else:
                put_number(r, col, value)
    return r


def told_rows(step: Step, before: int, total: int, rows: int) -> None:
    step("export", before + rows, max(total, before + rows))


def xlsx_file(sheets: Iterable[SheetSpec], step: Step = silent, total: int = 0) -> str:
    """Write sheets to a temporary .xlsx (rows go straight to disk) and return its path.

    `step("export", rows written, total)` hears how far it has got (total: the rows expected, 0 if unknown).
    """
    handle, path = tempfile.mkstemp(prefix="examapp-report-", suffix=".xlsx")
    os.close(handle)
    # Text is text: never turned into formulas, links or numbers (neutralise() has already run on it).
    book = Workbook(path, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                           "strings_to_numbers": False, "tmpdir": tempfile.gettempdir()})
    try:
        used: set[str] = set()
        formats = sheet_formats(book)
        done = 0
        step("export", done, total)
        for spec in sheets:
            done += write_sheet(book, spec, used, formats, partial(told_rows, step, done, total))
        if not used:
            write_sheet(book, SheetSpec("Sheet", [], []), used, formats)
        book.close()
        step("export", done, max(total, done))
    except BaseException:
        os.unlink(path)
        raise
    return path


def xlsx_stream(sheets: Iterable[SheetSpec], step: Step = silent, total: int = 0) -> Iterator[bytes]:
    """Yield an .xlsx in chunks; the workbook lives on disk, never whole in memory (progress: xlsx_file)."""
    path = xlsx_file(sheets, step, total)
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def xlsx_bytes(sheets: Iterable[SheetSpec]) -> bytes:
    return b"".join(xlsx_stream(sheets))


def csv_stream(header: Sequence[str], rows: Iterable[Sequence], percent_columns: Sequence[int] = (), *,
               clean: bool = False) -> Iterator[bytes]:
    """Yield a UTF-8 CSV with a BOM (so Excel opens Chinese), a batch of rows at a time; rates as 87.5%.

    `clean` rows are written as they come (their cells are already what safe() makes of them).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([safe(h) for h in header])
    percent_at = set(percent_columns)
    if not clean:
        rows = ([safe(v) for v in checked(row, percent_at)] for row in rows)
    rows = iter(rows)
    while batch := list(islice(rows, CSV_BATCH)):
        writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def checked(row: Sequence, percent_at: set[int]) -> Sequence:
    """A row with its rates (0..1 or None) written as percentages."""
    if not percent_at:
        return row
    return [percent(v) if i in percent_at and isinstance(v, float | None) else v for i, v in enumerate(row)]
