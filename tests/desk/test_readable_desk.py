"""Staff pages speak Chinese to people: audit log, roster history, item analysis, version notes, case editor."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import update

from examapp import audit
from examapp.bank.editing import subquestions
from examapp.bank.models import QuestionVersion
from examapp.core.describe import ACTIONS
from examapp.exams.models import AttemptItem
from examapp.extensions import db
from examapp.org import services as org_services
from tests.exams.conftest import make_question
from tests.factories import make_user
from tests.records.conftest import finish_attempt, make_exam

EVENING_UTC = datetime(2026, 3, 5, 22, 30, tzinfo=UTC)  # 2026-03-06 in Beijing
RAW = re.compile(r"\\u[0-9a-f]{4}|[a-z_]+=[A-Za-z]|\{\"|roster_|login_failed|report\.download|is_leader")


def joined_person(org, now):
    return org_services.create_person(org.unitadmin, now, username="newcomer", name="王新来",
                                      unit=org.village_a, role="learner", password="Secret-12345")


def test_audit_log_reads_as_chinese_sentences(org, login):
    joined_person(org, EVENING_UTC)
    audit.record("report.download", actor=org.hr, target="exam:7", now=EVENING_UTC,
                 detail={"report": "exam", "format": "xlsx", "per_unit": True, "unit_id": org.village_a.id})
    audit.record("login_failed", actor=org.learner, target=org.learner.username, now=EVENING_UTC,
                 detail={"failures": 5, "locked_until": "2026-03-05T22:45:00+00:00"})
    db.session.commit()
    page = login(org.admin).get("/audit/").get_data(as_text=True)
    body = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1].split("</main>", 1)[0])  # text, not attributes
    assert not RAW.search(body), RAW.search(body).group(0)
    for text in ("人员变动：新增人员", "姓名: 王新来", "角色: 学员", "领导干部: 否", "下载报表", "按单位分表: 是",
                 f"单位: {org.village_a.full_name}", "考试 7", "登录失败", "锁定至: 2026-03-06 06:45:00"):
        assert text in body, text


def test_audit_log_filters_by_event_person_and_local_day(org, login):
    joined_person(org, EVENING_UTC)
    audit.record("report.download", actor=org.hr, target="exam:7", now=EVENING_UTC - timedelta(days=1))
    db.session.commit()
    client = login(org.admin)

    def rows(**query):
        page = client.get("/audit/", query_string=query).get_data(as_text=True)
        return page.count('data-testid="audit-row"'), page

    count, page = rows(action="report.download")
    assert count == 1 and "下载报表" in page and "<option selected value=\"report.download\">下载报表" in page
    assert rows(actor=org.hr.name)[0] == 1 and rows(actor=org.hr.username)[0] == 1
    assert rows(actor=org.unitadmin.username, action="roster_joined")[0] == 1
    assert rows(date_from="2026-03-06", date_to="2026-03-06")[0] == 1  # 22:30 UTC on the 5th is the 6th here
    assert rows(date_from="2026-03-05", date_to="2026-03-05")[0] == 1  # the download, 22:30 UTC on the 4th
    assert rows(date_from="2026-03-07", date_to="2026-03-08")[0] == 0


def test_audit_log_is_paginated(org, login):
    for _n in range(120):
        audit.record("login", actor=org.learner, target=org.learner.username, now=EVENING_UTC)
    db.session.commit()
    client = login(org.admin)
    first = client.get("/audit/?action=login").get_data(as_text=True)
    assert first.count('data-testid="audit-row"') <= 60 and re.search(r"共 12\d 条记录", first) and "下一页" in first
    last = client.get("/audit/?action=login&page=3").get_data(as_text=True)
    assert 0 < last.count('data-testid="audit-row"') < 60


def test_every_recorded_action_has_a_name():
    root = Path(__file__).resolve().parents[2] / "examapp"
    pattern = re.compile(r"""(?:audit\.record|audit|record|log_download)\(\s*f?["']([a-z_.]+)["']""")
    codes = {m for path in root.rglob("*.py") for m in pattern.findall(path.read_text(encoding="utf-8"))}
    codes |= {f"roster_{k}" for k in ("joined", "edited", "transferred", "active", "transferred_out", "retired",
                                      "exempt")}
    codes |= {"bank.review_confirmed", "bank.review_edited"}
    codes -= {"roster_", "bank.review_"}  # prefixes completed above
    assert codes and not (codes - set(ACTIONS)), sorted(codes - set(ACTIONS))


def test_roster_history_is_written_for_people(org, login):
    person = joined_person(org, EVENING_UTC)
    org_services.update_person(org.admin, person, EVENING_UTC, is_leader=True, unit=org.village_b)
    db.session.commit()
    page = login(org.admin).get(f"/org/people/{person.id}").get_data(as_text=True)
    history = page.split("修改情况", 1)[-1]
    assert "role=" not in history and "is_leader" not in history and "False" not in history
    assert "新增人员" in history and "调动" in history and "领导干部: 否 → 是" in history
    assert f"单位: {org.village_a.full_name} → {org.village_b.full_name}" in history


@pytest.fixture
def tf_analysis(org):
    exam = make_exam(title="判断题分析")
    question = make_question("tf-1", "true_false")
    version = question.versions[0]
    for i, answer in enumerate([True, False, True]):
        attempt = finish_attempt(exam, make_user(f"tf{i}", org.village_a), int(answer), max_score=1)
        db.session.add(AttemptItem(attempt_id=attempt.id, position=1, question_id=question.id,
                                   question_version_id=version.id, type="true_false", points=Decimal(1),
                                   content={}, option_order=[], key=True, answer=answer, is_correct=answer,
                                   awarded=Decimal(int(answer))))
    db.session.commit()
    return exam


def test_item_analysis_names_answers_and_types_in_chinese(org, login, tf_analysis, untangle):
    client = login(org.examiner)
    page = client.get(f"/reports/exams/{tf_analysis.id}/items").get_data(as_text=True)
    main = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1].split("</main>", 1)[0])
    assert "正确: 2" in main and "错误: 1" in main and "true" not in main
    response = client.get(f"/reports/exams/{tf_analysis.id}/items/download?format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][1] == "判断题" and "正确: 2" in rows[1][7] and "true" not in ",".join(rows[1])


def test_version_history_says_how_a_version_came_to_be(org, login, untangle):
    question = make_question("note-1")
    db.session.execute(update(QuestionVersion).where(QuestionVersion.question_id == question.id)
                       .values(note="created"))  # as bank.services.create_question writes it
    db.session.commit()
    page = login(org.examiner).get(f"/bank/questions/{question.id}").get_data(as_text=True)
    history = page.split("版本历史", 1)[-1]
    assert ">created<" not in history and ">新建<" in history


def test_case_editor_explains_itself_with_a_working_example(org, login, app):
    page = login(org.examiner).get("/bank/questions/new").get_data(as_text=True)
    assert "question_bank/README.md" not in page
    example = re.search(r"<pre>(.*?)</pre>", page, re.S).group(1)
    import html
    parsed = subquestions(html.unescape(example))
    assert [s["type"] for s in parsed] == ["single", "true_false"] and yaml.safe_load(html.unescape(example))
