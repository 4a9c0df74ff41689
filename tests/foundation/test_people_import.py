"""Bulk people import: encodings, every row-level error kind, all or nothing, dry run, error file."""

import csv
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from examapp.db import utcnow
from examapp.errors import Invalid
from examapp.extensions import db
from examapp.org.importer import HEADER, import_people
from examapp.org.models import User

GOOD = [
    ["王小明", "wangxm", "乌塘镇/东山村民委员会", "网格员", "", "学员", "否", "是", "否", "13800000001"],
    ["李红", "lihong", "西岭村民委员会", "村委委员", "", "learner", "N", "Y", "0", ""],
]


def csv_bytes(rows, encoding="utf-8", header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def people_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_imports_in_utf8_bom_and_gbk(org, encoding):
    report = import_people(org.admin, csv_bytes(GOOD, encoding), "people.csv", utcnow())
    assert report.ok and report.created == 2
    person = db.session.scalar(select(User).where(User.username == "wangxm"))
    assert person.name == "王小明" and person.is_grid_worker and person.unit == org.village_a


def test_xlsx_imports(org):
    report = import_people(org.admin, xlsx_bytes(GOOD), "people.xlsx", utcnow())
    assert report.ok and report.created == 2


BAD_ROWS = {
    "unknown unit": (["张三", "zhangsan", "乌塘镇/不存在村", "", "", "学员", "否", "否", "否", ""], "不存在"),
    "bad role": (["张三", "zhangsan", "东山村民委员会", "", "", "村长", "否", "否", "否", ""], "角色"),
    "bad flag": (["张三", "zhangsan", "东山村民委员会", "", "", "学员", "可能", "否", "否", ""], "领导干部"),
    "bad phone": (["张三", "zhangsan", "东山村民委员会", "", "", "学员", "否", "否", "否", "12345"], "手机号"),
    "empty name": (["", "zhangsan", "东山村民委员会", "", "", "学员", "否", "否", "否", ""], "姓名"),
    "existing account": (["张三", "cadre1", "东山村民委员会", "", "", "学员", "否", "否", "否", ""], "已存在"),
    "bad account": (["张三", "张三", "东山村民委员会", "", "", "学员", "否", "否", "否", ""], "账号"),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_each_bad_row_kind_is_reported_with_its_row_and_nothing_is_imported(org, kind):
    bad, word = BAD_ROWS[kind]
    before = people_count()
    report = import_people(org.admin, csv_bytes([GOOD[0], bad]), "people.csv", utcnow())
    assert not report.ok and list(report.errors) == [3]
    assert any(word in m for m in report.messages()) and report.messages()[0].startswith("第 3 行")
    assert people_count() == before


def test_duplicate_account_within_the_file_is_reported(org):
    report = import_people(org.admin, csv_bytes([GOOD[0], GOOD[0]]), "people.csv", utcnow())
    assert list(report.errors) == [3]


def test_wrong_header_is_refused(org):
    with pytest.raises(Invalid, match="表头缺少"):
        import_people(org.admin, csv_bytes(GOOD, header=["名字", "账号"]), "people.csv", utcnow())


@pytest.mark.parametrize("data,name,message", [
    (b"", "people.csv", "空"),
    (b"just some text, not a workbook", "people.xlsx", "不是 Excel"),
    (b"\xff\xfe\xfd\x00abc\n\x81\x00", "people.csv", ""),
])
def test_broken_files_are_refused_with_a_reason(org, data, name, message):
    with pytest.raises(Invalid) as info:
        import_people(org.admin, data, name, utcnow())
    assert message in info.value.message


def test_invalid_bytes_name_the_line(org):
    data = csv_bytes(GOOD) + b"\xff\xfe\xfd,bad\n"
    with pytest.raises(Invalid, match="第 4 行"):
        import_people(org.admin, data.replace(b"\xff\xfe\xfd", b"\x80\xff\xfe"), "people.csv", utcnow())


def test_dry_run_writes_nothing(org):
    before = people_count()
    report = import_people(org.admin, csv_bytes(GOOD), "people.csv", utcnow(), dry_run=True)
    assert report.ok and report.created == 0 and people_count() == before


def test_unit_admin_cannot_import_into_another_unit(org):
    report = import_people(org.unitadmin, csv_bytes(GOOD), "people.csv", utcnow())
    assert list(report.errors) == [3]


def test_formula_cells_are_kept_as_plain_text(org):
    row = ["=HYPERLINK(\"x\")", "formula1", "东山村民委员会", "@SUM(A1)", "", "学员", "否", "否", "否", ""]
    report = import_people(org.admin, csv_bytes([row]), "people.csv", utcnow())
    assert report.ok
    person = db.session.scalar(select(User).where(User.username == "formula1"))
    assert person.name == '=HYPERLINK("x")' and person.position == "@SUM(A1)"


def test_upload_page_previews_then_confirms(client, org, login):
    login(org.admin)
    data = {"file": (io.BytesIO(csv_bytes(GOOD, "gbk")), "people.csv")}
    preview = client.post("/org/import", data=data, content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "wangxm" in html
    assert db.session.scalar(select(User).where(User.username == "wangxm")) is None
    token = html.split("/org/import/")[1].split("/confirm")[0]
    assert client.post(f"/org/import/{token}/confirm").status_code == 302
    assert db.session.scalar(select(User).where(User.username == "wangxm")) is not None


def test_upload_page_offers_the_file_back_with_an_error_column(client, org, login):
    login(org.admin)
    bad = BAD_ROWS["unknown unit"][0]
    response = client.post("/org/import", data={"file": (io.BytesIO(xlsx_bytes([GOOD[0], bad])), "people.xlsx")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "第 3 行" in html
    token = html.split("/org/import/")[1].split("/errors")[0]
    annotated = client.get(f"/org/import/{token}/errors")
    sheet = openpyxl.load_workbook(io.BytesIO(annotated.data)).active
    assert sheet.cell(1, len(HEADER) + 1).value == "错误"
    assert sheet.cell(2, len(HEADER) + 1).value is None
    assert "不存在" in sheet.cell(3, len(HEADER) + 1).value


def test_another_user_cannot_use_someone_elses_upload(client, org, login):
    login(org.admin)
    response = client.post("/org/import", data={"file": (io.BytesIO(csv_bytes(GOOD)), "people.csv")},
                           content_type="multipart/form-data")
    token = response.get_data(as_text=True).split("/org/import/")[1].split("/confirm")[0]
    login(org.unitadmin)
    assert client.post(f"/org/import/{token}/confirm").status_code == 422


def test_oversized_upload_is_refused(client, org, login):
    login(org.admin)
    big = io.BytesIO(b"a" * (9 * 1024 * 1024))
    response = client.post("/org/import", data={"file": (big, "people.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413


def test_cli_import_and_dry_run(runner, org, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(GOOD, "utf-8-sig"))
    dry = runner.invoke(args=["users", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "可以导入 2 人" in dry.output
    assert db.session.scalar(select(User).where(User.username == "wangxm")) is None
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0 and "已导入 2 人" in result.output, result.output
    path.write_bytes(csv_bytes([BAD_ROWS["bad role"][0]]))
    failed = runner.invoke(args=["users", "import", str(path)])
    assert failed.exit_code == 1 and "第 2 行" in failed.output and "有 1 行出错" in failed.output
