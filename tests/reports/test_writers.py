"""The spreadsheet writers: real readers open them, formulas are neutralised, Excel-friendly CSV."""

import csv
import io

import openpyxl
import pytest

from examapp.reports.writers import SheetSpec, csv_stream, safe, sheet_title, xlsx_bytes

EVIL = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\",\"点我\")", "\t=1", "正常"]


@pytest.mark.parametrize("value", EVIL[:-1])
def test_formula_cells_are_neutralised(value):
    assert safe(value).startswith("'")


@pytest.mark.parametrize("value", EVIL + ["", "a=b", "\r=1", "’=1"])
def test_safe_agrees_with_the_shared_neutralise(value):
    from examapp.uploads import neutralise

    assert safe(value) == neutralise(value)


def test_numbers_and_plain_text_untouched():
    assert safe(-3) == -3 and safe(2.5) == 2.5 and safe("张三") == "张三" and safe(None) == ""


def test_xlsx_opens_with_openpyxl_frozen_header_and_no_formulas():
    data = xlsx_bytes([SheetSpec("成绩/一", ["姓名", "分数", "合格率"], iter([[v, 60, 0.5] for v in EVIL]),
                                 widths=[20, 8, 8], percent_columns=[2]),
                       SheetSpec("成绩/一", ["姓名"], iter([["李四"]]))])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["成绩_一", "成绩_一 (2)"]
    ws = book["成绩_一"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["姓名", "分数", "合格率"]
    assert ws["A1"].font.bold
    values = [ws.cell(row=r, column=1).value for r in range(2, 2 + len(EVIL))]
    assert values[-1] == "正常"
    for cell in ws["A"][1:]:
        assert cell.data_type != "f"  # nothing became a formula
        assert not str(cell.value).startswith(("=", "+", "-", "@"))
    assert ws["C2"].number_format == "0.0%"


def test_csv_has_bom_reads_back_and_is_neutralised():
    data = b"".join(csv_stream(["姓名", "单位"], ([v, "乌塘镇"] for v in EVIL)))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["姓名", "单位"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in EVIL[:-1]] + ["正常"]


def test_csv_streams_in_batches():
    chunks = list(csv_stream(["a"], ([i] for i in range(1200))))
    assert len(chunks) == 3


def test_sheet_title_rules():
    used = set()
    assert sheet_title("a" * 40, used) == "a" * 31
    assert sheet_title("a" * 40, used) == "a" * 27 + " (2)"
    assert sheet_title("", used) == "Sheet"


def test_xlsx_keeps_text_as_text_links_and_digits_included():
    data = xlsx_bytes([SheetSpec("名单", ["姓名", "电话", "主页"], iter([["张三", "00123", "http://example.cn/x"]]))])
    ws = openpyxl.load_workbook(io.BytesIO(data))["名单"]
    assert [c.value for c in ws[2]] == ["张三", "00123", "http://example.cn/x"]
    assert all(c.data_type == "s" for c in ws[2]) and ws["C2"].hyperlink is None
