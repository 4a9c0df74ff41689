"""Item analysis over real attempts: the hand-computed example of test_stats, through the database."""

from decimal import Decimal

import pytest

from examapp.bank.models import Question, QuestionVersion
from examapp.exams.models import AttemptItem
from examapp.extensions import db
from examapp.reports.item_queries import exam_item_analysis, original_choices
from tests.factories import make_user

from ..records.conftest import finish_attempt, make_exam

MATRIX = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 1), (0, 0, 0)]
ORDER = ["C", "A", "B"]  # the paper showed the options shuffled: displayed A = original C, B = A, C = B


def question(code: str) -> QuestionVersion:
    q = Question(code=code, type="single")
    db.session.add(q)
    db.session.flush()
    version = QuestionVersion(question_id=q.id, type="single", stem=f"{code} 题干", answer="A",
                              options=[{"key": "A", "text": "正确"}, {"key": "B", "text": "错误一"},
                                       {"key": "C", "text": "错误二"}])
    db.session.add(version)
    db.session.flush()
    q.current_version_id = version.id
    return version


@pytest.fixture
def analysed(org):
    exam = make_exam(title="试题分析考试")
    versions = [question(f"IA-{n}") for n in (1, 2, 3)]
    for i, row in enumerate(MATRIX):
        person = make_user(f"ia{i}", org.village_a)
        attempt = finish_attempt(exam, person, sum(row), max_score=3)
        for position, (version, right) in enumerate(zip(versions, row, strict=True), start=1):
            shown = "B" if right else ("A" if i % 2 else "C")  # displayed B is the original key A
            db.session.add(AttemptItem(attempt_id=attempt.id, position=position, question_id=version.question_id,
                                       question_version_id=version.id, type="single", points=Decimal(1),
                                       content={}, option_order=ORDER, key="B", answer=shown,
                                       is_correct=bool(right), awarded=Decimal(right)))
    db.session.commit()
    return exam


def test_original_choices_maps_display_letters_back():
    assert original_choices("B", ORDER) == ("A",)
    assert original_choices(["A", "C"], ORDER) == ("B", "C")
    assert original_choices(True, []) == ("true",)
    assert original_choices("Z", ORDER) == ()


def test_item_analysis_through_the_database(analysed):
    result, info = exam_item_analysis(analysed)
    assert result.attempts == 5
    by_code = {info[item.question_id].code: item for item in result.items}
    q1, q2, q3 = by_code["IA-1"], by_code["IA-2"], by_code["IA-3"]
    assert q1.facility == pytest.approx(0.6) and q3.facility == pytest.approx(0.4)
    assert q1.discrimination == pytest.approx(0.6 / 3.36 ** 0.5)
    assert q2.discrimination == pytest.approx(1 / 2.4 ** 0.5)
    assert q3.discrimination == pytest.approx(0.0, abs=1e-12) and q3.flagged and not q1.flagged
    assert result.alpha == pytest.approx(1.5 * (1 - 0.72 / 1.04))
    # Right answers were shown as B, which is the question's own option A; wrong ones were C and B.
    assert q1.options == {"A": 3, "B": 1, "C": 1}
    assert info[q1.question_id].options["A"] == "正确"


@pytest.mark.parametrize("who, status", [("examiner", 200), ("admin", 200), ("hr", 403), ("unitadmin", 403),
                                         ("learner", 403)])
def test_item_analysis_page_access(org, analysed, login, who, status):
    response = login(getattr(org, who)).get(f"/reports/exams/{analysed.id}/items")
    assert response.status_code == status
    if status == 200:
        body = response.get_data(as_text=True)
        assert body.count('class="flagged"') == 1 and "0.462" in body and "IA-3" in body


def test_item_analysis_downloads(org, analysed, login):
    import csv
    import io

    import openpyxl

    client = login(org.examiner)
    response = client.get(f"/reports/exams/{analysed.id}/items/download?format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "试题" and len(rows) == 4 and rows[3][-1] == "待复核"
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/reports/exams/{analysed.id}/items/download?format=xlsx").data))
    assert book.sheetnames == ["试题", "试卷"]
    assert client.get(f"/reports/exams/{analysed.id}/items/download?format=pdf").status_code == 400
    assert login(org.hr).get(f"/reports/exams/{analysed.id}/items/download?format=csv").status_code == 403
