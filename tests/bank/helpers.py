"""Builders for test files."""

import csv
import io
from pathlib import Path

import openpyxl

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_DIR = DATA / "sample_bank"
HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析", "法律依据", "难度",
          "标签"]
GOOD_ROWS = [
    ["单选题", "行政处罚的设定和实施适用哪部法律？", "行政处罚法", "刑法", "民法典", "", "", "", "ａ",
     "第三条。", "《中华人民共和国行政处罚法》第三条", "易", "适用范围"],
    ["多选", "当事人对行政处罚享有哪些权利？", "陈述权", "申辩权", "否决权", "", "", "", "A、B",
     "第七条。", "《行政处罚法》第7条", "3", "当事人权利，程序"],
    ["判断题", "行政处罚可以代替刑事处罚。", "", "", "", "", "", "", "×", "第八条。", "行政处罚法第八条", "中", ""],
    ["填空", "行政处罚遵循____、____的原则。", "", "", "", "", "", "", "公正|公开/公开原则", "第五条。",
     "行政处罚法第五条、第六条", "难", ""],
    ["单选", "=1+1 应当怎样理解？", "@一", "-二", "", "", "", "", "A,", "公式单元格是文字。", "", "2", ""],
]


def table(rows, header=HEADER) -> list[list[str]]:
    return [header] + [list(r) for r in rows]


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row_number, row in enumerate(table(rows, header), start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = value
            cell.data_type = "s"  # a string cell even for =1+1 (as Excel stores a typed '=…)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows, header=HEADER) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(table(rows, header))
    return out.getvalue()
