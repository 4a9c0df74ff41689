"""The fill-in canonicaliser: every equivalence a marker must accept, and the answers it must keep apart."""

import pytest

from examapp.bank.canonical import accepts, canonical, cn_number, same_answer

SAME = [
    # Chinese and Arabic numerals
    ("七", "7"), ("十五", "15"), ("二十四", "24"), ("两", "2"), ("两日", "二日"), ("一百零三", "103"),
    ("三千元", "3000元"), ("五万元", "50000元"), ("5万元", "五万元"), ("1.5万元", "15000元"),
    ("第三十三条之一", "第33条之1"), ("百分之三", "3%"), ("五分之一", "1/5"), ("一至二", "1-2"),
    # days: 日 = 天, zero padding
    ("七日", "7日"), ("七日", "七天"), ("七日", "7天"), ("十五日", "15天"), ("07日", "7日"), ("十日内", "10天内"),
    ("七个工作日", "7个工作日"), ("七个工作日", "七工作日"), ("二十四小时", "24个小时"),
    # months and years as durations
    ("六个月", "半年"), ("6个月", "半年"), ("十二个月", "一年"), ("十二个月", "1年"), ("一年", "1年"),
    ("十八个月", "一年半"), ("十八个月", "1年半"), ("十八个月", "一年零六个月"), ("二十四个月", "两年"),
    ("三十年", "30年"), ("三个月", "3个月"),
    # dates in every common spelling
    ("2021年7月15日", "2021年07月15日"), ("2021年7月15日", "2021-07-15"), ("2021年7月15日", "2021.7.15"),
    ("2021年7月15日", "2021/7/15"), ("2021年7月15日", "二〇二一年七月十五日"), ("2021年7月15日", "二○二一年七月十五日"),
    ("2021年7月15日", "二零二一年七月十五日"), ("2021年7月15日", "2021-7-15"), ("2021年7月15日", "2021年7月15号"),
    ("2021年10月5日", "2021.10.05"), ("二〇二一年", "2021年"), ("2021年7月", "二〇二一年七月"),
    # width, spaces, punctuation, book-title marks, case
    ("７日", "7日"), ("三 日", "三日"), ("\u3000十五日\u3000", "十五日"), ("七日。", "七日"), ("七日；", "七日"),
    ("“七日”", "七日"), ("ＡＢＣ", "abc"), ("《宪法》", "宪法"), ("行政机关负责人 。", "行政机关负责人"),
]

DIFFERENT = [
    ("七个工作日", "七日"), ("7个工作日", "7天"), ("2021年7月15日", "2021年7月16日"), ("十五日", "五日"),
    ("六个月", "六月"), ("一年", "一年半"), ("十二个月", "十二日"), ("2021年7月15日", "2021年8月15日"),
    ("七日", "七小时"), ("三年", "三个月"), ("2021年", "2022年"), ("五万元", "五千元"), ("1-2", "1-3"),
    ("七日", "七日内"), ("省级人大常委会", "省级人大"), ("百分之三", "3"),
]


@pytest.mark.parametrize("a,b", SAME)
def test_equivalent_answers_share_one_form(a, b):
    assert canonical(a) == canonical(b)
    assert same_answer(a, b) and same_answer(b, a)


@pytest.mark.parametrize("a,b", DIFFERENT)
def test_different_answers_stay_apart(a, b):
    assert canonical(a) != canonical(b)
    assert not same_answer(a, b)


@pytest.mark.parametrize("text,form", [
    ("七日", "7日"), ("七个工作日", "7工作日"), ("一年半", "18个月"), ("二〇二一年七月十五日", "2021-7-15"),
    ("2021年", "2021年"), ("六月", "6月"), ("1.50元", "1.5元"), ("1.23456万", "1.23456万"),
    ("2021年13月1日", "2021年13月1日"), ("万一", "万1"),
])
def test_canonical_forms(text, form):
    assert canonical(text) == form


@pytest.mark.parametrize("text,number", [("二〇二一", 2021), ("二○二一", 2021), ("十", 10), ("两千", 2000),
                                         ("十万", 100000), ("一亿零五", 100000005), ("一百零三", 103)])
def test_cn_number(text, number):
    assert cn_number(text) == number


@pytest.mark.parametrize("empty", ["", "   ", None, "。", "\u3000"])
def test_nothing_written_matches_nothing(empty):
    assert canonical(empty) == "" or canonical(empty) == canonical(" ")
    assert not same_answer(empty, empty)
    assert not accepts([""], empty)


def test_accepts_any_alternative():
    assert accepts(["七日", "七个工作日"], "7天")
    assert accepts(["七日", "七个工作日"], "7个工作日")
    assert not accepts(["七日"], "七个工作日")
    assert not accepts([], "七日") and not accepts(None, "七日")
