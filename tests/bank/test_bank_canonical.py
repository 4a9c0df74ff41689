"""The shipped bank's fill-in keys against the canonicaliser, and the audited defects stay fixed."""

import re
from pathlib import Path

import pytest
import yaml

from examapp.bank.canonical import accepts, canonical, cn_number

BANK = Path(__file__).resolve().parents[2] / "question_bank"
_CN = re.compile("[〇○零一二两三四五六七八九十百千][〇○零一二两三四五六七八九十百千万]*")


def shipped() -> dict[str, dict]:
    questions = {}
    for path in sorted(BANK.glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            questions[question["code"]] = question
    return questions


QUESTIONS = shipped()
BLANKS = {code: q for code, q in QUESTIONS.items() if q["type"] == "blank"}


def other_spellings(form: str) -> list[str]:
    """What a cadre may write for an accepted form: Arabic numerals, 天 for 日, full width, a full stop."""
    arabic = _CN.sub(lambda m: str(cn_number(m.group(0))), form)
    days = re.sub(r"(?<![月\d])(\d+)日", r"\1天", arabic)  # a day count, not the day of a date
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() and c.isascii() else c for c in arabic)
    return [arabic, days, wide, form + "。", f" {form} "]


def test_the_bank_has_fill_in_questions():
    assert len(BLANKS) >= 100


@pytest.mark.parametrize("code", sorted(BLANKS))
def test_every_accepted_form_canonicalises(code):
    for blank in BLANKS[code]["answer"]:
        assert blank and all(canonical(form) for form in blank), (code, blank)


@pytest.mark.parametrize("code", sorted(BLANKS))
def test_other_spellings_of_an_accepted_form_are_accepted_too(code):
    """Arabic/Chinese, 日/天 and width variants follow from one written form: listing them is redundant."""
    for blank in BLANKS[code]["answer"]:
        for form in blank:
            for spelling in other_spellings(form):
                assert accepts([form], spelling), (code, form, spelling)


# Blanks with different keys that do mean the same: csl-163's contract of 一年 and probation of 十二个月.
SAME_MEANING = {("csl-163", "12个月")}
_UNIT = re.compile(r"^(个工作日|个月|日|天|年|周岁|人|名)")


@pytest.mark.parametrize("code", sorted(BLANKS))
def test_each_blank_writes_one_form_per_meaning(code):
    """七日 already accepts 7日, 七天 and 7天: list only forms that mean something else (七个工作日)."""
    for blank in BLANKS[code]["answer"]:
        meanings = [canonical(form) for form in blank]
        assert len(set(meanings)) == len(meanings), (
            f"{code}: {blank} lists forms of the same meaning; keep one (see question_bank/README.md)")


@pytest.mark.parametrize("code", sorted(BLANKS))
def test_blanks_with_different_keys_do_not_collide(code):
    """Two blanks whose examiner wrote different keys must not come to mean the same."""
    blanks = BLANKS[code]["answer"]
    for i, first in enumerate(blanks):
        for second in blanks[i + 1:]:
            if not set(first) & set(second):
                shared = {canonical(f) for f in first} & {canonical(s) for s in second}
                assert not shared - {form for known, form in SAME_MEANING if known == code}, (code, first, second)


@pytest.mark.parametrize("code", sorted(BLANKS))
def test_a_number_blank_accepts_the_unit_the_stem_goes_on_with(code):
    """In ____日内 a cadre who writes 三十日 (or 30天) means 三十: it scores."""
    question = BLANKS[code]
    after = question["stem"].split("____")[1:]
    for blank, text in zip(question["answer"], after, strict=True):
        unit = _UNIT.match(text)
        if unit and all(canonical(form).isdigit() for form in blank):
            assert accepts(blank, blank[0] + unit.group(1)), (code, blank, unit.group(1))


@pytest.mark.parametrize("code,blank,answer", [
    ("apl-111", 1, "7天"), ("apl-111", 1, "7个工作日"), ("apl-138", 0, "5天"), ("apl-138", 1, "七天"),
    ("apl-174", 0, "2021-07-15"), ("apl-174", 0, "二○二一年七月十五日"), ("apl-174", 0, "2021.7.15"),
    ("csl-082", 0, "半年"), ("csl-082", 1, "一年"), ("csl-082", 1, "1年"), ("csl-082", 2, "一年半"),
    ("csl-082", 3, "两年"), ("csl-131", 0, "30日"), ("csl-136", 0, "15天"), ("csl-163", 0, "1年"),
    ("csl-163", 3, "一年"), ("pos-002", 0, "半年"), ("const-063", 0, "18周岁"), ("gid-006", 0, "20个工作日"),
])
def test_audited_blanks_accept_the_cadres_spelling(code, blank, answer):
    assert accepts(BLANKS[code]["answer"][blank], answer)


@pytest.mark.parametrize("code,blank,answer", [
    ("apl-174", 0, "2021年7月16日"), ("csl-082", 0, "六月"), ("csl-082", 1, "一年半"), ("apl-111", 1, "十五日"),
])
def test_audited_blanks_still_refuse_wrong_answers(code, blank, answer):
    assert not accepts(BLANKS[code]["answer"][blank], answer)


def test_arl_case_03_states_the_full_summary_procedure_condition():
    statement = QUESTIONS["arl-case-03"]["subquestions"][2]["stem"]
    assert "事实清楚、权利义务关系明确、争议不大" in statement


def test_const_156_names_every_body_that_makes_local_regulations():
    text = QUESTIONS["const-156"]["explanation"]
    assert "只有省、直辖市和设区的市" not in text
    assert all(body in text for body in ("自治区", "自治州", "设区的市"))


def test_apl_025_does_not_say_only_local_regulations_are_limited():
    assert "只有地方性法规" not in QUESTIONS["apl-025"]["explanation"]
