"""HR report content: 应考 follows the exam's audience, the year counts people once, rates read as
percentages, file names say what they hold, and the PDF charts whole people and every unit."""

import csv
import io
from urllib.parse import unquote

from examapp.extensions import db
from examapp.org.models import Unit
from examapp.reports.exam_report import build_summary
from examapp.reports.pdf import distribution_chart, rates_charts
from examapp.reports.stats import Tally
from examapp.reports.summary import Summary
from examapp.reports.year_report import year_summaries
from tests.records.conftest import finish_attempt, make_exam

STAFF = ("admin", "examiner", "hr", "unitadmin")


def test_staff_accounts_are_not_counted_as_required_or_absent(org, login):
    exam = make_exam(audience={"unit_ids": [org.town.id]})  # names no roles: the town's learners
    finish_attempt(exam, org.learner, 80)
    db.session.commit()
    summary = build_summary(exam, org.admin, None)
    assert summary.total.required == 3  # cadre1, grid1, grid2 (far1 is in another town)
    response = login(org.hr).get(f"/reports/exams/{exam.id}/download?format=csv&only=absent")
    absent = {row[1] for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig")))}
    assert {"grid1", "grid2"} <= absent and not absent & {getattr(org, w).username for w in STAFF}


def two_exams(org):
    first = make_exam(title="宪法考试", audience={"unit_ids": [org.town.id]})
    second = make_exam(title="民法典考试", audience={"unit_ids": [org.town.id]})
    finish_attempt(first, org.learner, 95)
    finish_attempt(second, org.learner, 70)
    finish_attempt(first, org.villager, 50)
    db.session.commit()
    return first, second


def test_the_year_counts_people_not_exam_person_pairs(org):
    two_exams(org)
    rows, combined = year_summaries(2026, org.admin, None)
    assert [s.total.required for _e, s in rows] == [3, 3]
    t = combined.total
    assert (t.required, t.participants, t.absent) == (3, 2, 1)
    assert t.passed == 1  # cadre1 passed both; grid1 failed one and missed the other
    assert t.excellent == 0  # 70 in the second exam is not excellent


def test_year_csv_gives_rates_as_percentages(org, login):
    two_exams(org)
    response = login(org.hr).get("/reports/years/2026/download?format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    constitution = next(r for r in rows if r[0] == "宪法考试")
    assert constitution[4] == "66.7%" and constitution[6] == "50.0%" and constitution[8] == "50.0%"


def download_name(response) -> str:
    header = response.headers["Content-Disposition"]
    return unquote(header.split("filename*=UTF-8''", 1)[1])


def test_file_names_say_what_is_in_them(org, login):
    first, _second = two_exams(org)
    client = login(org.hr)
    base = f"/reports/exams/{first.id}/download"
    names = {query: download_name(client.get(f"{base}?{query}")) for query in
             ("format=xlsx", "format=xlsx&per_unit=1", "format=csv&only=absent", "format=pdf", "format=csv")}
    assert len(set(names.values())) == len(names)
    assert names["format=xlsx"] == "宪法考试_乌塘镇_成绩明细.xlsx"
    assert names["format=xlsx&per_unit=1"] == "宪法考试_乌塘镇_成绩明细（按单位分表）.xlsx"
    assert names["format=csv&only=absent"] == "宪法考试_乌塘镇_未参考名单.csv"
    plain = client.get(f"{base}?format=xlsx&per_unit=1").headers["Content-Disposition"]
    assert 'filename="exam-' in plain and "per-unit" in plain
    assert download_name(client.get("/reports/years/2026/download?format=xlsx")).startswith("2026")


def many_units(n: int) -> Summary:
    units = {i: Unit(id=i, name=f"第{i}村民委员会", path=f"/1/{i}/", full_name=f"镇/第{i}村") for i in range(2, n + 2)}
    groups = {}
    for i in units:
        groups[i] = Tally(required=3, participants=i % 4, required_participants=i % 4, passed=i % 3)
    return Summary(total=Tally(required=3 * n), groups=groups, units=units)


def test_pdf_chart_shows_every_unit(app):
    charts = rates_charts(many_units(40))
    names = [name for drawing in charts for name in drawing.contents[0].categoryAxis.categoryNames]
    assert len(names) == 40 and len(charts) == 2


def test_pdf_distribution_counts_whole_people(app):
    summary = many_units(3)
    summary.bands = [{"low": i * 10, "high": i * 10 + 10, "count": 1 if i == 6 else 0} for i in range(10)]
    axis = distribution_chart(summary).contents[0].valueAxis
    assert axis.valueStep == 1 and axis.labelTextFormat == "%d"
