"""E-04, E-05, E-07 (README "Reliability"): encodings, question-bank validation, spreadsheet cell types.

E-04: the same roster and question file in every encoding Chinese offices produce; clean ones import
field-equal, mixed or broken ones are refused naming a line, and no mojibake is ever imported.
E-05: each question format with 3 good and 6 bad questions: every bad one reported by its line or row,
nothing written. (The kill -9 half is in test_files_kill.py, marker `reliability`.)
E-07: ID numbers typed as numbers are refused naming row and column; leading zeros and dates survive as
text; a formula cell is taken as its literal text (=…), never evaluated.
"""

import csv
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from examapp.bank.importer import import_questions
from examapp.bank.models import Question
from examapp.db import utcnow
from examapp.errors import Invalid
from examapp.extensions import db
from examapp.org.importer import REQUIRED, import_people
from examapp.org.models import User
from examapp.uploads import decode_text, read_table, written_in_utf8

PEOPLE_HEADER = list(REQUIRED)  # the people import's header
GBK_NAMES = ["张三", "阿依古丽·买买提", "堃", "喆", "镕", "囍", "〇", "王Ａ"]
RARE_NAMES = GBK_NAMES + ["䶮", "𠀀", "𪚥"]  # Ext-A and Ext-B: GB18030 and Unicode only


def roster(names: list[str], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(PEOPLE_HEADER)
    writer.writerows([[n, f"p{i:03d}", "乌塘镇", "科员", "", "学员", "否", "否", "否"] for i, n in enumerate(names)])
    return out.getvalue()


def people_names(data: bytes, name: str = "roster.csv") -> list[str]:
    report = import_people(None, data, name, utcnow(), dry_run=True)
    assert report.ok, report.messages()
    return [row.values["name"] for row in report.rows]


CLEAN = {
    "utf-8": (lambda: roster(RARE_NAMES).encode("utf-8"), RARE_NAMES),
    "utf-8 with BOM": (lambda: roster(RARE_NAMES).encode("utf-8-sig"), RARE_NAMES),
    "gbk": (lambda: roster(GBK_NAMES).encode("gbk"), GBK_NAMES),
    "gb18030": (lambda: roster(RARE_NAMES).encode("gb18030"), RARE_NAMES),
    "utf-16 tab-separated": (lambda: roster(RARE_NAMES, "\t").encode("utf-16"), RARE_NAMES),
}
BAD = {
    "utf-8 header, gbk rows": (lambda: roster([]).encode() + roster(GBK_NAMES).split("\r\n", 1)[1].encode("gbk"),
                               "第 1 行是 UTF-8，第 2 行却不是"),
    "gbk header, utf-8 rows": (lambda: roster([]).encode("gbk") + roster(GBK_NAMES).split("\r\n", 1)[1].encode(),
                               "第 2 行是 UTF-8，第 1 行却不是"),
    # GB18030 reads these UTF-8 bytes without an error, as 鏉庡洓: the case that imported mojibake before.
    "gbk file, one utf-8 row": (lambda: roster(["张三"]).encode("gbk") + "李四,p009\r\n".encode(),
                                "第 3 行是 UTF-8，第 1 行却不是"),
    "utf-8 cut inside a character": (lambda: roster(GBK_NAMES).encode()[:-7], "第 9 行"),
    "invalid bytes": (lambda: roster(GBK_NAMES[:2]).encode() + b"\xff\xfe\xfd,x\r\n", "第一处错误在第 4 行"),
    "gbk with a 0x80 euro byte": (lambda: roster(GBK_NAMES[:2]).encode("gbk").replace("张三".encode("gbk"),
                                                                                       b"\x80" + "三".encode("gbk")),
                                  "第一处错误在第 2 行"),
}


@pytest.mark.parametrize("encoding", CLEAN)
def test_e04_each_clean_encoding_imports_field_equal(org, encoding):
    make, expected = CLEAN[encoding]
    assert people_names(make()) == expected


@pytest.mark.parametrize("case", BAD)
def test_e04_mixed_or_broken_files_are_refused_naming_a_line(org, case):
    make, fragment = BAD[case]
    with pytest.raises(Invalid) as refused:
        import_people(None, make(), "roster.csv", utcnow())
    assert fragment in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username.like("p0%"))) == 0


def test_e04_figures(org):
    """The figure for README: clean files field-equal, bad ones refused, 0 mojibake, 0 false alarms on GBK."""
    equal = sum(people_names(make()) == expected for make, expected in CLEAN.values())
    refused = 0
    for make, _fragment in BAD.values():
        try:
            decode_text(make())
        except Invalid:
            refused += 1
    # Every GB2312 character in a GBK line: none may look like UTF-8 Chinese (a false "mixed" refusal).
    chars = [bytes([a, b]).decode("gbk") for a in range(0xB0, 0xD8) for b in range(0xA1, 0xFF)
             if (a, b) < (0xD7, 0xFA)]
    lines = [(x + y + "," + z).encode("gbk") for x, y, z in zip(chars, chars[7:], chars[13:], strict=False)]
    false_alarms = sum(map(written_in_utf8, lines))
    print(f"E-04: {equal}/{len(CLEAN)} clean encodings field-equal, {refused}/{len(BAD)} mixed or broken files "
          f"refused with a line, {len(BAD) - refused} read into mojibake, {false_alarms} false alarms over "
          f"{len(lines)} GBK lines")
    assert (equal, refused, false_alarms) == (len(CLEAN), len(BAD), 0)


def test_e04_question_files_follow_the_same_order(req):
    rows = [["单选", f"{n}的题干？", "甲", "乙", "", "", "", "", "A", "", "", "3", ""] for n in GBK_NAMES]
    text = "题型,题干,选项A,选项B,选项C,选项D,选项E,选项F,答案,解析,法律依据,难度,标签\n" + "\n".join(
        ",".join(r) for r in rows)
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        report = import_questions(text.encode(encoding), "q.csv", None, utcnow(), dry_run=True)
        assert [p.data["stem"] for p in report.items] == [r[1] for r in rows], encoding
    mixed = text.split("\n", 1)[0].encode() + b"\n" + text.split("\n", 1)[1].encode("gbk")
    with pytest.raises(Invalid, match="line 1 is UTF-8 but line 2 is not"):
        import_questions(mixed, "q.csv", None, utcnow(), dry_run=True)


# ---- E-05: every format, 3 good and 6 bad questions ---------------------------------------------

HEADER = "题型,题干,选项A,选项B,选项C,选项D,选项E,选项F,答案,解析,法律依据,难度,标签"
TABLE = [HEADER,
         "单选,第一道好题？,甲,乙,,,,,A,,,3,",
         "单选,答案不在选项里？,甲,乙,,,,,D,,,3,",
         "判断,第二道好题。,,,,,,,正确,,,3,",
         "问答,不支持的题型？,,,,,,,,,,3,",
         "单选,,甲,乙,,,,,A,,,3,",
         "单选,只有一个选项？,甲,,,,,,A,,,3,",
         "多选,第三道好题？,甲,乙,丙,,,,AC,,,3,",
         "单选,难度超出范围？,甲,乙,,,,,A,,,9,",
         "单选,依据写错？,甲,乙,,,,,A,,见有关规定,3,"]
TABLE_BAD = [3, 5, 6, 7, 9, 10]
AIKEN = """第一道好题？
A. 甲
B. 乙
ANSWER: A

只有一个选项？
A. 甲
ANSWER: A

第二道好题？
A. 甲
B. 乙
ANSWER: B

选项之后多一行？
A. 甲
B. 乙
多余的一行
ANSWER: A

没有答案行？
A. 甲
B. 乙

第三道好题？
A. 甲
B. 乙
C. 丙
ANSWER: C

答案不在选项里？
A. 甲
B. 乙
ANSWER: E

小写的答案？
A. 甲
B. 乙
answer: a

ANSWER: A
"""
AIKEN_BAD = [6, 18, 25, 31, 39, 41]  # the stem, or the line where the question goes wrong
GIFT = """::g1:: 第一道好题？ {=甲 ~乙}

::g2:: 嵌套的括号？ {=甲 {~乙}

::g3:: 第二道好题。 {T}

::g4:: 全是错误答案？ {~甲 ~乙}

::g5:: 第三道好题？ {~%50%甲 ~%50%乙 ~丙}

::g6 标题没有结束？ {T}

// 法律依据: 见有关规定
::g7:: 依据写错？ {T}

::g8:: 数值题不支持？ {#1:0.1}

::g9:: 缺少右括号？ {=甲 ~乙
"""
GIFT_BAD = [3, 7, 11, 14, 16, 18]  # the question (its title line), not its comments


def table_bytes(kind: str) -> bytes:
    rows = list(csv.reader(io.StringIO("\n".join(TABLE))))
    if kind == "csv":
        return "\n".join(TABLE).encode()
    book = openpyxl.Workbook()
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value:
                book.active.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FORMATS = {
    "xlsx": (lambda: table_bytes("xlsx"), "bank.xlsx", TABLE_BAD),
    "csv": (lambda: table_bytes("csv"), "bank.csv", TABLE_BAD),
    "aiken": (lambda: AIKEN.encode(), "bank.txt", AIKEN_BAD),
    "gift": (lambda: GIFT.encode(), "bank.gift", GIFT_BAD),
}


def reported_lines(fmt: str) -> tuple[list[int], int, int]:
    make, name, _bad = FORMATS[fmt]
    report = import_questions(make(), name, None, utcnow())
    db.session.commit()  # what the CLI and the page do after a report: nothing may have been written
    stored = db.session.scalar(select(func.count()).select_from(Question))
    return sorted(report.errors), len(report.items), stored


@pytest.mark.parametrize("fmt", FORMATS)
def test_e05_every_bad_question_is_reported_by_line_and_nothing_is_written(req, fmt):
    lines, _parsed, stored = reported_lines(fmt)
    assert (lines, stored) == (FORMATS[fmt][2], 0)


def test_e05_figures(req):
    found, expected = 0, 0
    for fmt, (_make, _name, bad) in FORMATS.items():
        lines, _parsed, stored = reported_lines(fmt)
        found += len(set(lines) & set(bad))
        expected += len(bad)
        assert stored == 0
    print(f"E-05: {found}/{expected} bad questions reported with their line or row over {len(FORMATS)} formats; "
          "0 questions written")
    assert found == expected


# ---- E-07: cell types -------------------------------------------------------------------------------

def workbook(*rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("value", [110101199003074518, 1.10101199003075e17, 11010119900307451.0, -1e16])
def test_e07_an_id_number_typed_as_a_number_is_refused_with_row_and_column(app, value):
    data = workbook(PEOPLE_HEADER + ["身份证号"], ["张三", "p001", "乌塘镇", "", "", "学员", "否", "否", "否", value])
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        read_table(data, "roster.xlsx")
    assert "第 2 行 J 列" in refused.value.message and "超过 15 位" in refused.value.message


def test_e07_text_cells_keep_digits_zeros_and_x_and_formulas_stay_text(app):
    import datetime

    data = workbook(["账号", "身份证号", "入职", "备注", "备注2"],
                    ["000123", "11010119900307451X", datetime.datetime(2024, 3, 1), "=1+1",
                     '=HYPERLINK("http://127.0.0.1:9/x","x")'],
                    [42, 123456789012345, datetime.datetime(2024, 3, 1, 8, 30), "=A2&B2", 3.5])
    with app.test_request_context():
        sheet = read_table(data, "cells.xlsx")
    first, second = (dict(zip(sheet.header, cells, strict=False)) for _n, cells in sheet.rows)
    assert first == {"账号": "000123", "身份证号": "11010119900307451X", "入职": "2024-03-01", "备注": "=1+1",
                     "备注2": '=HYPERLINK("http://127.0.0.1:9/x","x")'}
    assert second == {"账号": "42", "身份证号": "123456789012345", "入职": "2024-03-01 08:30:00",
                      "备注": "=A2&B2", "备注2": "3.5"}
    print("E-07: 4/4 numeric ID cells refused with row and column; leading zeros, X, dates kept; "
          "3/3 formula cells read as their text, 0 evaluated")


@pytest.mark.parametrize("data, reason", [
    (b"a,b\n1,2\n3,\"4\n", "引号没有闭合"),
    (b"a,b\n1,2\n\"x\"y,1\n", "引号"),
    (b"a,b\n" + b"x" * 200_000 + b",1\n", "单元格太长"),
])
def test_e05_a_malformed_csv_names_its_line_in_chinese(app, data, reason):
    """The CSV reader's own English reason never reaches a person (RELIABILITY.md c1 row 9: unbalanced quote)."""
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        read_table(data, "bad.csv")
    message = refused.value.message
    assert reason in message and message.startswith(("第 2 行", "第 3 行"))
    assert not any("a" <= ch.lower() <= "z" for ch in message.replace("CSV", "")), message
