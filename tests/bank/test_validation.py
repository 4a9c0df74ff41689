"""The question rules (validate_question) one by one."""

import pytest

from examapp.bank.validation import fingerprint, question_warnings, shingles, similarity, validate_question

APL = "administrative-penalty-law-2021"


def single(**changes) -> dict:
    data = {"type": "single", "stem": "行政处罚遵循什么原则？",
            "options": [{"key": "A", "text": "公正、公开"}, {"key": "B", "text": "效率优先"}],
            "answer": "A", "explanation": "", "basis": [{"law": APL, "article": 5}], "difficulty": 2,
            "tags": [], "audience": "all", "status": "active"}
    data.update(changes)
    return data


def test_a_good_question_passes(req):
    assert validate_question(single()) == []


@pytest.mark.parametrize("changes, fragment", [
    ({"type": "essay"}, "Unknown question type"),
    ({"stem": "  "}, "stem is empty"),
    ({"options": [{"key": "A", "text": "x"}]}, "2 to 8 options"),
    ({"options": [{"key": k, "text": k} for k in "ABCDEFGHI"]}, "2 to 8 options"),
    ({"options": [{"key": "A", "text": "x"}, {"key": "C", "text": "y"}]}, "in order"),
    ({"options": [{"key": "A", "text": "同"}, {"key": "B", "text": "同"}]}, "same text"),
    ({"answer": "E"}, "not among the options"),
    ({"type": "multiple", "answer": ["A"]}, "at least two"),
    ({"type": "multiple", "answer": ["A", "F"]}, "not among the options"),
    ({"difficulty": 6}, "Difficulty"),
    ({"audience": "everyone"}, "audience"),
    ({"status": "deleted"}, "status"),
    ({"basis": [{"law": "no-such-law-2020", "article": 1}]}, "not in the library"),
    ({"basis": [{"law": APL, "article": 999}]}, "does not exist"),
])
def test_each_rule_is_checked(req, changes, fragment):
    problems = validate_question(single(**changes))
    assert any(fragment in p for p in problems), problems


def test_true_false_has_no_options_and_a_boolean(req):
    assert validate_question(single(type="true_false", answer=True, options=[])) == []
    problems = validate_question(single(type="true_false", answer="A"))
    assert any("no options" in p for p in problems) and any("true or false" in p for p in problems)


def test_blank_markers_match_the_answer(req):
    good = single(type="blank", options=[], stem="遵循____、____原则", answer=[["公正"], ["公开"]])
    assert validate_question(good) == []
    assert any("blank" in p for p in validate_question({**good, "answer": [["公正"]]}))
    assert any("blanks" in p for p in validate_question({**good, "answer": [[]]}))


def test_case_checks_its_sub_questions(req):
    sub = {"type": "single", "stem": "问", "options": [{"key": "A", "text": "是"}, {"key": "B", "text": "否"}],
           "answer": "C", "explanation": "", "basis": []}
    case = single(type="case", options=[], answer=None, subquestions=[sub, {**sub, "answer": "A"}])
    problems = validate_question(case)
    assert problems == ["Sub-question 1: The answer C is not among the options AB."]
    assert any("2 to 5" in p for p in validate_question({**case, "subquestions": [sub]}))
    blank_sub = {**sub, "type": "blank", "options": [], "answer": [["x"]], "stem": "____"}
    assert any("Unknown question type" in p for p in validate_question({**case, "subquestions": [blank_sub, sub]}))


def test_no_basis_is_allowed(req):
    assert validate_question(single(basis=[])) == []


def test_fingerprint_ignores_option_order_width_and_punctuation():
    a = single()
    b = single(stem="行政处罚遵循什么原则?",
               options=[{"key": "A", "text": "效率优先"}, {"key": "B", "text": "公正,公开"}])
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(single(stem="行政许可遵循什么原则？"))


def test_near_duplicates_score_high():
    a = shingles(single(stem="根据《中华人民共和国行政处罚法》的规定，行政处罚的设定和实施遵循什么原则？"))
    b = shingles(single(stem="根据《中华人民共和国行政处罚法》规定，行政处罚的设定和实施应当遵循什么原则？"))
    c = shingles(single(stem="公务员的录用实行什么制度？", options=[{"key": "A", "text": "考试"}]))
    assert similarity(a, b) > 0.8 > similarity(a, c)


def test_a_fill_in_form_the_scorer_already_accepts_is_named(req):
    data = {"type": "blank", "stem": "应当在____内作出决定。", "answer": [["七日", "7天", "七个工作日", "7个工作日"]],
            "basis": [{"law": "administrative-penalty-law-2021", "article": 56}]}
    warnings = question_warnings(data)
    assert len(warnings) == 2 and "7天" in warnings[0] and "七日" in warnings[0] and "七个工作日" in warnings[1]
    data["answer"] = [["七日", "七个工作日"]]
    assert question_warnings(data) == []
