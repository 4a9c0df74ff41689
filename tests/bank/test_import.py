"""Imports end to end: each format, round trips, and every error kind importing nothing."""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from examapp.bank.export import to_gift, to_xlsx
from examapp.bank.importer import import_questions
from examapp.bank.loader import load_bank_dir
from examapp.bank.models import Question, QuestionVersion
from examapp.bank.services import current_versions, question_dict
from examapp.db import utcnow
from examapp.errors import Invalid
from examapp.extensions import db

from .helpers import GOOD_ROWS, HEADER, SAMPLE_DIR, csv_text, xlsx_bytes

APL = "administrative-penalty-law-2021"


def count() -> int:
    return db.session.scalar(select(func.count(Question.id)))


def run(data: bytes, name: str, **options):
    report = import_questions(data, name, None, utcnow(), **options)
    db.session.commit()
    return report


def check_good_rows() -> None:
    by_stem = {v.stem: v for v in db.session.scalars(select(QuestionVersion))}
    first = by_stem["行政处罚的设定和实施适用哪部法律？"]
    assert first.answer == "A" and first.difficulty == 1 and first.basis == [{"law": APL, "article": 3}]
    assert first.chapter == "第一章 总则"
    assert by_stem["当事人对行政处罚享有哪些权利？"].answer == ["A", "B"]
    assert by_stem["行政处罚可以代替刑事处罚。"].answer is False
    blank = by_stem["行政处罚遵循____、____的原则。"]
    assert blank.answer == [["公正"], ["公开", "公开原则"]] and blank.difficulty == 5
    assert blank.basis == [{"law": APL, "article": 5}, {"law": APL, "article": 6}]
    formula = by_stem["=1+1 应当怎样理解？"]
    assert [o["text"] for o in formula.options] == ["@一", "-二"] and formula.basis == []


@pytest.mark.parametrize("encode, name", [
    (lambda: xlsx_bytes(GOOD_ROWS), "q.xlsx"),
    (lambda: csv_text(GOOD_ROWS).encode("utf-8"), "q.csv"),
    (lambda: b"\xef\xbb\xbf" + csv_text(GOOD_ROWS).encode("utf-8"), "bom.csv"),
    (lambda: csv_text(GOOD_ROWS).encode("gbk"), "gbk.csv"),
])
def test_spreadsheets_import(req, encode, name):
    report = run(encode(), name)
    assert report.ok, report.messages()
    assert len(report.created) == 5 and count() == 5
    assert report.lacking_basis == [6]
    assert any("lacking a basis" in m for m in report.messages("warnings"))
    check_good_rows()


def test_gift_imports_and_unsupported_needs_the_flag(req):
    text = "行政处罚可以代替刑事处罚。{F}\n\n随笔 {}\n\n当事人享有哪些权利？{~%50%陈述权 ~%50%申辩权 ~否决权}\n"
    report = run(text.encode(), "moodle.gift")
    assert not report.ok and count() == 0
    assert report.errors[3] == [report.errors[3][0]] and "essay" in report.errors[3][0]
    report = run(text.encode(), "moodle.gift", skip_unsupported=True)
    assert report.ok and len(report.created) == 2 and count() == 2


def test_aiken_imports(req):
    text = "行政处罚遵循什么原则？\nA. 公正、公开\nB. 效率优先\nANSWER: A\n"
    report = run(text.encode(), "aiken.txt")
    assert report.kind == "aiken" and report.ok and count() == 1


def test_native_imports_and_reimport_changes_nothing(req):
    data = (SAMPLE_DIR / "sample.yaml").read_bytes()
    assert run(data, "sample.yaml").ok and count() == 5
    again = run(data, "sample.yaml")
    assert again.ok and len(again.unchanged) == 5 and not again.created
    case = db.session.scalar(select(Question).where(Question.code == "t-case"))
    assert len(case.current.subquestions) == 2 and case.type == "case"


def test_json_native_imports(req):
    import json

    doc = {"schema": 1, "law": APL, "questions": [{"code": "j-1", "type": "true_false", "stem": "对吗？",
                                                    "answer": True, "basis": [f"{APL}:5"], "difficulty": 1}]}
    assert run(json.dumps(doc, ensure_ascii=False).encode(), "bank.json").ok and count() == 1


def test_dry_run_writes_nothing(req):
    report = run(xlsx_bytes(GOOD_ROWS), "q.xlsx", dry_run=True)
    assert report.ok and count() == 0 and "would be imported" in report.summary()


def exported_bank():
    with_sample = load_bank_dir(SAMPLE_DIR, utcnow())
    assert not with_sample.errors
    db.session.commit()
    pairs = db.session.execute(current_versions().order_by(Question.code)).all()
    return pairs, {q.code: question_dict(q) for q, _v in pairs}


def wipe():
    db.session.execute(Question.__table__.update().values(current_version_id=None))
    db.session.execute(QuestionVersion.__table__.delete())
    db.session.execute(Question.__table__.delete())
    db.session.commit()


def test_xlsx_export_round_trips(req):
    pairs, before = exported_bank()
    data = to_xlsx(pairs)
    assert run(data, "export.xlsx").unchanged == sorted(before)  # same bank: every question unchanged
    wipe()
    report = run(data, "export.xlsx")
    assert report.ok, report.messages()
    after = {q.code: question_dict(q) for q, _v in db.session.execute(current_versions()).all()}
    assert after == before


def test_gift_export_round_trips(req):
    pairs, before = exported_bank()
    text, skipped = to_gift(pairs)
    assert skipped == ["t-blank", "t-case"]  # GIFT has one blank per question and no case questions
    wipe()
    assert run(text.encode(), "export.gift").ok
    after = {q.code: question_dict(q) for q, _v in db.session.execute(current_versions()).all()}
    assert after == {code: data for code, data in before.items() if code not in skipped}


def test_export_neutralises_formulas(req):
    import openpyxl

    run(xlsx_bytes(GOOD_ROWS), "q.xlsx")
    pairs = db.session.execute(current_versions()).all()
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(pairs))).worksheets[0]
    stems = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=1+1 应当怎样理解？" in stems
    assert not any(isinstance(s, str) and s.startswith("=") for s in stems)


# ---- every error kind: nothing imported, and the report says why -------------------------------

def row(**cells) -> list[str]:
    base = dict(zip(HEADER, GOOD_ROWS[0], strict=True))
    base.update(cells)
    return [base[h] for h in HEADER]


@pytest.mark.parametrize("rows, line, fragment", [
    ([GOOD_ROWS[1], row(答案="D")], 3, "not among the options"),
    ([GOOD_ROWS[1], row(法律依据="《中华人民共和国不存在法》第三条")], 3, "Unknown law"),
    ([GOOD_ROWS[1], row(法律依据="《行政处罚法》第九百条")], 3, "900"),
    ([GOOD_ROWS[0], GOOD_ROWS[1], row(题干="行政处罚的设定和实施，适用哪部法律?")], 4, "Duplicate of Row 2"),
    ([row(题型="问答")], 2, "Unknown question type"),
    ([row(法律依据="见有关规定")], 2, "No law and article recognised"),
    ([row(选项B="", 选项C="")], 2, "2 to 8 options"),
    ([row(题型="判断", 答案="正确")], 2, "no options"),
])
def test_row_errors_import_nothing(req, rows, line, fragment):
    report = run(xlsx_bytes(rows), "bad.xlsx")
    assert not report.ok and count() == 0
    assert any(fragment in m for m in report.errors[line]), report.errors


def test_a_missing_article_is_found_even_in_slug_form(req):
    report = run(xlsx_bytes([row(法律依据=f"{APL}:900")]), "bad.xlsx")
    assert any("Article 900 does not exist" in m for m in report.errors[2])


def test_duplicate_of_the_bank(req):
    assert run(xlsx_bytes(GOOD_ROWS[:1]), "one.xlsx").ok
    report = run(xlsx_bytes([GOOD_ROWS[1], GOOD_ROWS[0]]), "again.xlsx")
    assert not report.ok and count() == 1
    assert "Duplicate of q-" in report.errors[3][0]


def test_near_duplicate_is_a_warning(req):
    assert run(xlsx_bytes(GOOD_ROWS[:1]), "one.xlsx").ok
    near = row(题干="行政处罚的设定和实施应当适用哪部法律？")
    report = run(xlsx_bytes([near]), "near.xlsx", dry_run=True)
    assert report.ok and any("very similar" in m for m in report.warnings[2])


@pytest.mark.parametrize("data, name, fragment", [
    (csv_text([GOOD_ROWS[0]], header=["题目", "选项A", "答案"]).encode(), "h.csv", "wrong header"),
    ("题型,题干,答案\n".encode() + b"\x80\xff\xfe\x80\n", "enc.csv", "neither UTF-8 nor GBK"),
    (b"", "empty.csv", "empty"),
    (b"   \n", "empty.xlsx", "empty"),
    ("题型,题干,答案\n".encode(), "header-only.csv", "no questions"),
    (b"just some text, renamed\n", "renamed.xlsx", "not an Excel workbook"),
    (b"a" * (5 * 1024 * 1024 + 1), "huge.csv", "larger than 5 MB"),
    (b"\x00\x01garbage", "q.gift", "NUL"),
])
def test_file_errors_import_nothing(req, data, name, fragment):
    with pytest.raises(Invalid) as caught:
        report = run(data, name)
        assert not report.ok
        raise Invalid("; ".join(report.messages()))
    assert fragment in caught.value.message
    assert count() == 0


def test_wrong_encoding_names_the_line(req):
    data = "题型,题干,答案\n单选,问,A\n".encode() + b"\xff\xfe\xfa bad\n"
    with pytest.raises(Invalid, match="first bad line: 3"):
        run(data, "q.csv")


def test_zip_bomb_is_refused(req):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    with pytest.raises(Invalid, match="expands to too much data"):
        run(out.getvalue(), "bomb.xlsx")
    assert count() == 0


def test_all_or_nothing_with_one_bad_row_among_good(req):
    report = run(xlsx_bytes(GOOD_ROWS + [row(答案="Z", 题干="另一道题")]), "mixed.xlsx")
    assert not report.ok and list(report.errors) == [7] and count() == 0
    assert "nothing imported" in report.summary()
