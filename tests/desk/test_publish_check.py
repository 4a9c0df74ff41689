"""Publishing refuses an exam nobody could pass, nobody is in, or the bank cannot fill (clear Chinese reasons)."""

from decimal import Decimal

import pytest

from examapp.audit import AuditEvent
from examapp.exams.audience import audience_size, in_audience
from examapp.exams.models import Exam
from examapp.extensions import db
from tests.exams.conftest import make_exam
from tests.factories import make_user

PAPER_85 = [{"variant": "default", "section": "单选", "type": "single", "count": 5, "points": "17"}]  # 85 points


def publish(client, exam):
    page = client.post(f"/exams/manage/{exam.id}/publish", follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    return db.session.get(Exam, exam.id).is_published, page


def published_events():
    return db.session.query(AuditEvent).filter_by(action="exam.publish").count()


def test_an_excellence_line_above_the_total_is_refused(org, bank, login):
    exam = make_exam(org, status="draft", blueprint=PAPER_85, excellent_mark=Decimal(90))
    done, page = publish(login(org.examiner), exam)
    assert not done and published_events() == 0
    assert "优秀线为 90 分" in page and "共 5 题、85 分" in page


def test_a_pass_line_above_the_leaders_paper_is_refused(org, bank, login):
    leaders = [{"variant": "leaders", "section": "判断", "type": "true_false", "count": 2, "points": "25"}]
    exam = make_exam(org, status="draft", pass_mark=Decimal(60), excellent_mark=Decimal(90),
                     blueprint=[{"variant": "default", "section": "单选", "type": "single", "count": 5,
                                 "points": "20"}, *leaders])
    done, page = publish(login(org.examiner), exam)
    assert not done and "及格线为 60 分" in page and "领导干部试卷" in page and "50 分" in page


def test_an_excellence_line_below_the_pass_line_is_refused(org, bank, login):
    exam = make_exam(org, status="draft", blueprint=[{"variant": "default", "type": "single", "count": 5,
                                                     "points": "20"}], pass_mark=Decimal(60),
                     excellent_mark=Decimal(50))
    done, page = publish(login(org.examiner), exam)
    assert not done and "优秀线（50）低于及格线（60）" in page


def test_an_empty_audience_is_refused(org, bank, login):
    exam = make_exam(org, status="draft", blueprint=[{"variant": "default", "type": "single", "count": 5,
                                                     "points": "20"}],
                     audience={"unit_ids": [org.town.id], "enforcement": True})
    done, page = publish(login(org.examiner), exam)
    assert not done and "没有人在本考试的考试对象范围内" in page
    make_user("officer1", org.village_a, is_enforcement=True)
    db.session.commit()
    assert publish(login(org.examiner), exam)[0] and published_events() == 1


def test_a_section_the_bank_cannot_fill_is_named(org, bank, login):
    exam = make_exam(org, status="draft", blueprint=[{"variant": "default", "section": "多选题", "type": "multiple",
                                                     "count": 8, "points": "12.5"}])
    done, page = publish(login(org.examiner), exam)
    assert not done and "多选题需要 8 题，题库只能提供 3 题" in page


def test_a_sound_exam_publishes(org, bank, login):
    exam = make_exam(org, status="draft", blueprint=PAPER_85, pass_mark=Decimal(51), excellent_mark=Decimal(85))
    assert publish(login(org.examiner), exam)[0] and published_events() == 1


@pytest.mark.parametrize("who", ["admin", "examiner", "hr", "unitadmin"])
def test_staff_accounts_are_not_examinees_unless_the_exam_names_their_role(org, bank, who):
    exam = make_exam(org, audience={})
    person = getattr(org, who)
    assert not in_audience(exam, person)
    exam.audience = {"roles": [person.role]}
    assert in_audience(exam, person)


def test_categories_narrow_the_learners_and_sql_agrees(org, bank):
    exam = make_exam(org, audience={"unit_ids": [org.town.id], "grid_workers": True})
    assert in_audience(exam, org.villager) and not in_audience(exam, org.learner)
    everyone = [org.admin, org.examiner, org.hr, org.unitadmin, org.learner, org.villager, org.outsider, org.far]
    for audience in ({}, {"unit_ids": [org.town.id]}, {"grid_workers": True}, {"roles": ["learner", "hr"]},
                     {"roles": ["unit_admin"], "grid_workers": True}, {"unit_ids": [org.village_b.id]}):
        exam.audience = audience
        assert audience_size(exam) == sum(in_audience(exam, p) for p in everyone), audience
