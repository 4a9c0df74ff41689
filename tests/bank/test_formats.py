"""Parsers: what people type in spreadsheets, GIFT and Aiken as Moodle documents them, native YAML."""

import pytest

from examapp.bank.formats import aiken, gift, native, xlsx_csv
from examapp.bank.formats.gift_text import escape, unescape
from examapp.uploads import read_table

from .helpers import HEADER, csv_text

APL = "administrative-penalty-law-2021"


@pytest.mark.parametrize("kind, text, expected", [
    ("single", "ａ", "A"), ("single", " b ", "B"),
    ("multiple", "ABD", ["A", "B", "D"]), ("multiple", "A,B,D", ["A", "B", "D"]),
    ("multiple", "A、B、D", ["A", "B", "D"]), ("multiple", "ＡＢ", ["A", "B"]), ("multiple", "d b", ["B", "D"]),
    ("true_false", "正确", True), ("true_false", "错误", False), ("true_false", "对", True),
    ("true_false", "错", False), ("true_false", "√", True), ("true_false", "×", False),
    ("true_false", "T", True), ("true_false", "f", False),
    ("blank", "七日/7日|三日", [["七日", "7日"], ["三日"]]), ("blank", "1\\/5", [["1/5"]]),
])
def test_answers_as_people_type_them(req, kind, text, expected):
    assert xlsx_csv.answer(kind, text) == expected


@pytest.mark.parametrize("kind, text", [("single", "AB"), ("single", "1"), ("true_false", "maybe"), ("single", "")])
def test_bad_answers_say_why(req, kind, text):
    with pytest.raises(ValueError):
        xlsx_csv.answer(kind, text)


@pytest.mark.parametrize("text, expected", [
    ("单选", "single"), ("单选题", "single"), ("多选", "multiple"), ("多选题", "multiple"),
    ("判断", "true_false"), ("判断题", "true_false"), ("填空", "blank"), ("填空题", "blank"),
    ("案例分析", "case"), ("案例分析题", "case"),
])
def test_question_type_names(text, expected):
    assert xlsx_csv.question_type(text) == (expected, False)


def test_case_sub_question_rows(req):
    assert xlsx_csv.question_type("案例-单选") == ("single", True)
    assert xlsx_csv.question_type("案例判断题") == ("true_false", True)


@pytest.mark.parametrize("text, expected", [
    ("《中华人民共和国行政处罚法》第三十三条", [(APL, 33)]),
    ("《行政处罚法》第33条", [(APL, 33)]),
    ("行政处罚法第三十三条、第三十四条", [(APL, 33), (APL, 34)]),
    ("administrative-reconsideration-law-2017:5", [("administrative-reconsideration-law-2017", 5)]),
])
def test_legal_basis_as_people_write_it(req, text, expected):
    assert [(b["law"], b["article"]) for b in xlsx_csv.basis(text)] == expected


@pytest.mark.parametrize("text, value", [("", 3), ("1", 1), ("5", 5), ("易", 1), ("中", 3), ("难", 5), ("４", 4)])
def test_difficulty_words(text, value):
    assert xlsx_csv.difficulty(text) == value


def test_difficulty_out_of_range(req):
    with pytest.raises(ValueError):
        xlsx_csv.difficulty("6")


def test_blank_markers_typed_differently():
    assert xlsx_csv.stem_of("期限为___日，或（ ）日", "blank") == "期限为____日，或（ ）日"
    assert xlsx_csv.stem_of("期限为（ ）日", "blank") == "期限为____日"


def test_formula_like_cells_stay_text(req):
    sheet = read_table(csv_text([["单选", "=HYPERLINK(\"x\")", "+1", "-1", "@SUM", "", "", "", "A", "", "", "", ""]])
                       .encode(), "q.csv")
    data = xlsx_csv.parse(sheet).items[0].data
    assert data["stem"] == '=HYPERLINK("x")'
    assert [o["text"] for o in data["options"]] == ["+1", "-1", "@SUM"]


def test_wrong_header_is_refused(req):
    from examapp.errors import Invalid

    sheet = read_table(csv_text([], header=["题目", "答案"]).encode(), "q.csv")
    with pytest.raises(Invalid, match="wrong header"):
        xlsx_csv.parse(sheet)


def test_header_may_carry_the_error_column(req):
    sheet = read_table(csv_text([], header=HEADER + ["错误说明"]).encode(), "q.csv")
    assert xlsx_csv.parse(sheet).items == []


GIFT = r"""// A comment line that Moodle ignores
$CATEGORY: $course$/top/行政处罚

::Q1:: 行政处罚遵循什么原则\: 选一项 {
  =公正、公开#对了
  ~效率优先#不对
  ~从重从快
  ####第五条规定了公正、公开原则。
}

// 编号: g-2
// 法律依据: 《行政处罚法》第8条
// 难度: 4
// 标签: 处罚原则、刑事责任
::Q2:: 行政处罚可以代替刑事处罚。{FALSE#错在这里#}

当事人享有哪些权利？ {
  ~%50%陈述权
  ~%50%申辩权
  ~%-100%否决权
}

当场处罚的罚款数额不超过 {=二百元 =200元 =%50%两百} 元。

[html]<p>HTML 题干 &amp; 实体</p> {T}

花括号要转义：\{ \} \~ \= \# \\ 。{=是}

Essay question {}

Numerical {#2:0.5}

Matching {=a -> 1 =b -> 2}

A description with no answers.
"""


def test_gift_follows_the_moodle_spec(req):
    result = gift.parse(GIFT)
    assert result.errors == []
    assert [kind for _line, kind in result.unsupported] == ["essay", "numerical", "matching", "description"]
    q1, q2, q3, q4, q5, q6 = (p.data for p in result.items)
    assert q1["type"] == "single" and q1["answer"] == "A" and q1["stem"] == "行政处罚遵循什么原则: 选一项"
    assert q1["explanation"] == "第五条规定了公正、公开原则。" and q1["tags"] == ["行政处罚"]
    assert q2["type"] == "true_false" and q2["answer"] is False and q2["code"] == "g-2"
    assert q2["basis"] == [{"law": APL, "article": 8}] and q2["difficulty"] == 4
    assert q2["tags"] == ["处罚原则", "刑事责任"]
    assert q3["type"] == "multiple" and q3["answer"] == ["A", "B"] and len(q3["options"]) == 3
    assert q4["type"] == "blank" and q4["stem"] == "当场处罚的罚款数额不超过____元。"
    assert q4["answer"] == [["二百元", "200元"]]  # the 50 % alternative is not a full answer
    assert q5["stem"] == "HTML 题干 & 实体" and q5["answer"] is True
    assert q6["stem"].startswith("花括号要转义：{ } ~ = # \\")
    lines = GIFT.splitlines()
    assert result.items[0].line == 4 and result.unsupported[0][0] == lines.index("Essay question {}") + 1


def test_gift_errors_name_their_line(req):
    result = gift.parse("ok {T}\n\nbroken {=a ~b\n")
    assert result.errors and result.errors[0][0] == 3


def test_gift_escape_round_trip():
    text = "a{b}c~d=e#f:g\\h\nnew"
    assert unescape(escape(text)) == text


AIKEN = """行政处罚遵循什么原则？
A. 公正、公开
B. 效率优先
C) 从重从快
ANSWER: A

当事人享有什么权利？
A. 陈述、申辩
B. 否决
ANSWER: B
"""


def test_aiken(req):
    result = aiken.parse(AIKEN)
    assert result.errors == []
    assert [(p.line, p.data["answer"], len(p.data["options"])) for p in result.items] == [(1, "A", 3), (7, "B", 2)]


def test_aiken_errors_name_their_line():
    result = aiken.parse("问题\nA. 一\nB. 二\n多余的一行\nANSWER: A\n\n问题二\nA. 一\n")
    assert [line for line, _m in result.errors] == [4, 7]


def test_native_records_lines_and_converts(req):
    text = """schema: 1
law: administrative-penalty-law-2021
questions:
  - code: n-1
    type: multiple
    stem: 问
    options: {A: 一, B: 二, C: 三}
    answer: [A, C]
    basis: [administrative-penalty-law-2021:5]
    difficulty: 2
  - code: n-2
    type: blank
    stem: ____日
    answer: [[7, 七]]
    basis: [nonsense]
"""
    result = native.parse(text)
    assert result.items[0].line == 4
    assert result.items[0].data["options"][2] == {"key": "C", "text": "三"}
    assert result.items[0].data["basis"] == [{"law": APL, "article": 5}]
    assert result.errors and result.errors[0][0] == 11


def test_native_refuses_bad_yaml_and_schema(req):
    assert native.parse("a: [1,\n").errors
    assert "schema" in native.parse("schema: 2\nquestions: []\n").errors[0][1]


MOODLE_EXPORT = """// question: 0  name: Switch category to $course$/top/默认
$CATEGORY: $course$/top/默认


// question: 12  name: 处罚原则
::处罚原则::[html]<p>行政处罚遵循什么原则？</p>{
\t=<p>公正、公开</p>#<p>正确</p>
\t~<p>效率优先</p>
\t####<p>见第五条。</p>
}


// question: 13  name: 判断
::判断::[html]<p>行政处罚可以代替刑事处罚。</p>{FALSE#<p>错</p>#<p>对</p>####<p>第八条 &amp; 刑事责任</p>}
"""


def test_a_moodle_html_export(req):
    result = gift.parse(MOODLE_EXPORT)
    assert result.errors == [] and len(result.items) == 2
    first, second = (p.data for p in result.items)
    assert first["stem"] == "行政处罚遵循什么原则？" and first["options"][0]["text"] == "公正、公开"
    assert first["explanation"] == "见第五条。" and first["tags"] == ["默认"]
    assert second["answer"] is False and second["explanation"] == "第八条 & 刑事责任"


def test_real_formula_cells_are_read_as_text(req):
    import io

    import openpyxl

    from examapp.uploads import read_table

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["单选", "=HYPERLINK(\"http://evil\",\"点我\")", "+1", "-1", "", "", "", "", "A", "", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    data = xlsx_csv.parse(read_table(out.getvalue(), "f.xlsx")).items[0].data
    assert data["stem"] == '=HYPERLINK("http://evil","点我")'
    assert [o["text"] for o in data["options"]] == ["+1", "-1"]
