"""Option letters in explanations follow the learner's shuffled order (issue 10, item 2)."""

import random
import re
from pathlib import Path

import pytest
import yaml

from examapp.exams.draw import shuffle_options
from examapp.exams.letters import relabel_case_text, relabel_letters

BANK = Path(__file__).resolve().parents[2] / "question_bank"
ORDER = ["C", "A", "D", "B"]  # the learner saw the bank's C as A, A as B, D as C, B as D


@pytest.mark.parametrize("text,expected", [
    ("故选A。", "故选B。"),
    ("正确答案: C … 故选A", "正确答案: A … 故选B"),
    ("选项B不符合规定", "选项D不符合规定"),
    ("A项错误，D项正确", "B项错误，C项正确"),
    ("AB两项均属于", "BD两项均属于"),  # a set of options reads in order
    ("A、C正确", "A、B正确"),
    ("故选ABD。", "故选BCD。"),
    ("A（五日）、B（七日）", "B（五日）、D（七日）"),  # separate mentions keep their own places
    ("C正确、D错误", "A正确、C错误"),
    ("故选Ｃ。", "故选Ａ。"),  # full-width letters stay full-width
])
def test_letters_naming_options_are_relabelled(text, expected):
    assert relabel_letters(text, ORDER) == expected


@pytest.mark.parametrize("text", [
    "A级景区", "B超检查", "3A景区", "ABC公司", "A类", "PDF文件", "Wi-Fi", "AA制", "ID号码",
    "故选E。",  # this question has no option E
    "A4纸张",
])
def test_letters_that_are_not_option_references_stay(text):
    assert relabel_letters(text, ORDER) == text


def test_no_order_leaves_the_text_alone():
    assert relabel_letters("故选A", []) == "故选A"
    assert relabel_letters("", ORDER) == ""
    assert relabel_letters(None, ORDER) == ""


def test_case_explanations_follow_each_sub_questions_order():
    orders = [["B", "A", "C"], [], ["C", "B", "A"]]
    text = "（1）选A；第（2）问正确；第3问选C。"
    assert relabel_case_text(text, orders) == "（1）选B；第（2）问正确；第3问选A。"
    # With one choice sub-question, letters before any marker follow it.
    assert relabel_case_text("应选A。", [[], ["B", "A"]]) == "应选B。"
    assert relabel_case_text("应选A。", orders) == "应选A。"  # ambiguous: left as written


def letter_runs(text: str) -> list[tuple[int, str]]:
    """Every run of capital letters A-H (with 、 between), found independently of the code under test."""
    return [(m.start(), m.group()) for m in re.finditer(r"[A-H](?:、?[A-H])*", text)]


def named_texts(run: str, options: dict[str, str]) -> set[str]:
    return {options[letter] for letter in run if letter != "、"}


def bank_explanations():
    for path in sorted(BANK.glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            for item in [question, *(question.get("subquestions") or [])]:
                if item.get("options") and re.search(r"[A-H]", item.get("explanation") or ""):
                    yield question["code"], item["options"], item["explanation"]


def test_every_letter_in_the_shipped_bank_names_the_same_option_after_shuffling():
    """For each explanation naming a letter, a shuffled paper's explanation names the same option texts."""
    checked, wrong_before = 0, 0
    for code, options, explanation in bank_explanations():
        original = [{"key": k, "text": v} for k, v in options.items()]
        for seed in range(3):
            shown, order = shuffle_options(original, random.Random(f"{code}:{seed}"))
            shown_texts = {o["key"]: o["text"] for o in shown}
            mapped = relabel_letters(explanation, order)
            before, after = letter_runs(explanation), letter_runs(mapped)
            assert [p for p, _ in before] == [p for p, _ in after], (code, mapped)
            for (_, old), (_, new) in zip(before, after, strict=True):
                assert named_texts(old, options) == named_texts(new, shown_texts), (code, explanation, mapped)
                checked += 1
                wrong_before += named_texts(old, options) != named_texts(old, shown_texts)
    assert checked > 500  # the shipped bank names letters in several hundred explanations
    assert wrong_before > checked // 2  # without relabelling most of them would name the wrong option
