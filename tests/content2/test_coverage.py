"""The coverage map: one function, checked against numbers worked out by hand; the page, the CLI and the API."""

import json
from pathlib import Path

import pytest

from examapp.bank.coverage import CitedQuestion, cited_articles, compute_coverage, coverage_summary

from .conftest import PML

ZERO_TYPES = {"single": 0, "multiple": 0, "true_false": 0, "blank": 0, "case": 0}
ZERO_DIFF = {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
BANK = Path(__file__).resolve().parents[2] / "question_bank"
CORE = ("constitution-2018", "civil-servant-law-2018", "administrative-penalty-law-2021",
        "administrative-reconsideration-law-2023", "petition-work-regulations-2022")


def q(kind, difficulty, audience, *articles):
    return CitedQuestion(kind, difficulty, audience, frozenset(articles))


def test_compute_coverage_by_hand():
    # Law "a": articles 1-3 in chapter 一, 4-5 in chapter 二; law "b": article 1.
    articles = [("a", 1, "一"), ("a", 2, "一"), ("a", 3, "一"), ("a", 4, "二"), ("a", 5, "二"), ("b", 1, "")]
    questions = [q("single", 1, "all", ("a", 1), ("a", 2)), q("blank", 3, "grid", ("a", 2), ("a", 4)),
                 q("case", 3, "leaders", ("a", 4), ("b", 1)), q("single", 2, "all", ("z", 9))]
    report = compute_coverage(articles, questions)
    a = report["a"]
    assert (a["articles"], a["articles_cited"], a["questions"]) == (5, 3, 3)
    assert a["by_type"] == ZERO_TYPES | {"single": 1, "blank": 1, "case": 1}
    assert a["by_difficulty"] == ZERO_DIFF | {"1": 1, "3": 2}
    one, two = a["chapters"]
    assert (one["title"], one["articles"], one["articles_cited"], one["questions"]) == ("一", 3, 2, 2)
    assert (two["title"], two["articles"], two["articles_cited"], two["questions"]) == ("二", 2, 1, 2)
    counts = {item["number"]: item["questions"] for item in a["items"]}
    assert counts == {1: 1, 2: 2, 3: 0, 4: 2, 5: 0}
    assert a["items"][1]["by_type"] == ZERO_TYPES | {"single": 1, "blank": 1}
    assert (report["b"]["articles"], report["b"]["articles_cited"]) == (1, 1)
    assert "z" not in report  # a question citing a law outside the library adds no law
    assert coverage_summary(report)["a"] == {"articles": 5, "articles_cited": 3, "uncited": [3, 5]}


def test_audience_filter_keeps_that_audience_and_everyone():
    articles = [("a", 1, ""), ("a", 2, ""), ("a", 3, "")]
    questions = [q("single", 1, "all", ("a", 1)), q("single", 1, "grid", ("a", 2)), q("single", 1, "leaders", ("a", 3))]
    grid = compute_coverage(articles, questions, "grid")["a"]
    assert (grid["articles_cited"], grid["questions"]) == (2, 2)
    assert [i["questions"] for i in grid["items"]] == [1, 1, 0]
    assert compute_coverage(articles, questions)["a"]["articles_cited"] == 3


def test_cited_articles_reads_sub_question_bases():
    basis = [{"law": "a", "article": 1}]
    subs = [{"basis": [{"law": "a", "article": 2}]}, {"basis": []}, {}]
    assert cited_articles(basis, subs) == {("a", 1), ("a", 2)}
    assert cited_articles([], None) == frozenset()


def test_bank_coverage_on_the_hand_bank(hand_bank):
    from examapp.bank.coverage import bank_coverage

    report = bank_coverage()
    pml = report[PML]
    # Active: q1 (1, 2), q2 (2), q3 (17; subs 18, 28, 17), q4 (7). q5 is retired, q6 a draft.
    assert (pml["articles"], pml["articles_cited"], pml["questions"]) == (35, 6, 4)
    assert pml["by_type"] == ZERO_TYPES | {"single": 1, "true_false": 1, "case": 1, "blank": 1}
    assert pml["by_difficulty"] == ZERO_DIFF | {"1": 1, "2": 1, "3": 1, "4": 1}
    items = {i["number"]: i for i in pml["items"]}
    assert items[2]["questions"] == 2 and items[2]["by_difficulty"] == ZERO_DIFF | {"1": 1, "2": 1}
    assert items[17]["questions"] == 1 and items[18]["by_type"]["case"] == 1
    assert items[3]["questions"] == 0 and items[4]["questions"] == 0
    chapters = [(c["articles"], c["articles_cited"], c["questions"]) for c in pml["chapters"]]
    assert chapters == [(6, 2, 2), (6, 1, 1), (4, 0, 0), (11, 2, 1), (6, 1, 1), (2, 0, 0)]
    assert (report["constitution-2018"]["articles_cited"], report["constitution-2018"]["questions"]) == (1, 1)
    grid = bank_coverage(PML, "grid")
    assert list(grid) == [PML] and (grid[PML]["articles_cited"], grid[PML]["questions"]) == (5, 3)
    leaders = bank_coverage(PML, "leaders")[PML]
    assert (leaders["articles_cited"], leaders["questions"]) == (6, 3)


def test_questions_stats_prints_coverage_and_keeps_its_keys(hand_bank, runner):
    result = runner.invoke(args=["questions", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert {"total", "by_law", "by_type", "by_status", "by_difficulty", "by_visibility", "coverage"} <= set(stats)
    assert stats["total"] == 7 and stats["by_status"] == {"active": 5, "retired": 1, "draft": 1}
    pml = stats["coverage"][PML]
    assert (pml["articles"], pml["articles_cited"]) == (35, 6)
    assert pml["uncited"][:4] == [3, 4, 5, 6]
    assert stats["coverage"]["narcotics-control-law-2007"]["articles_cited"] == 0


def test_questions_stats_on_the_shipped_bank(library, runner):
    from examapp.bank.loader import load_bank_dir
    from examapp.db import utcnow
    from examapp.extensions import db

    assert not load_bank_dir(BANK, utcnow()).errors
    db.session.commit()
    stats = json.loads(runner.invoke(args=["questions", "stats", "--json"]).output)
    coverage = stats["coverage"]
    for slug in CORE:
        row = coverage[slug]
        print(slug, row["articles_cited"], "/", row["articles"], "uncited:", row["uncited"])
        assert row["articles"] > 0 and row["uncited"] == [], slug  # the five core laws: every article cited
    assert sum(stats["by_law"].values()) == stats["total"]


STAFF_PAGES = [("anonymous", 302), ("learner", 403), ("hr", 403), ("unitadmin", 403), ("examiner", 200), ("admin", 200)]


@pytest.mark.parametrize("who,status", STAFF_PAGES)
def test_coverage_page_roles(hand_bank, client, org, login, who, status):
    browser = client if who == "anonymous" else login(getattr(org, who))
    assert browser.get("/bank/coverage").status_code == status
    assert browser.get(f"/api/v1/bank/coverage?law={PML}").status_code == {302: 401}.get(status, status)


def test_coverage_page_shows_laws_articles_and_gaps(hand_bank, org, login):
    browser = login(org.examiner)
    overview = browser.get("/bank/coverage").get_data(as_text=True)
    assert "人民调解法" in overview and "禁毒法" in overview and "题库覆盖" in overview
    page = browser.get(f"/bank/coverage?law={PML}").get_data(as_text=True)
    assert "35 条中有 6 条被引用" in page
    assert f"/study/laws/{PML}/articles/3" in page and "bank-thin" in page
    only = browser.get(f"/bank/coverage?law={PML}&uncited=1").get_data(as_text=True)
    assert f"/study/laws/{PML}/articles/3\"" in only and f"/study/laws/{PML}/articles/2\"" not in only
    grid = browser.get(f"/bank/coverage?law={PML}&audience=grid").get_data(as_text=True)
    assert "35 条中有 5 条被引用" in grid
    assert browser.get("/bank/coverage?law=no-such-law").status_code == 404
    assert "/bank/coverage" in browser.get("/").get_data(as_text=True)  # the menu entry


def test_coverage_api(hand_bank, org, login):
    browser = login(org.examiner)
    whole = browser.get("/api/v1/bank/coverage").get_json()
    assert whole["laws"][PML]["articles_cited"] == 6 and "items" not in whole["laws"][PML]
    one = browser.get(f"/api/v1/bank/coverage?law={PML}&audience=grid").get_json()
    assert list(one["laws"]) == [PML] and one["audience"] == "grid"
    assert len(one["laws"][PML]["items"]) == 35 and one["laws"][PML]["articles_cited"] == 5
    bad = browser.get("/api/v1/bank/coverage?audience=everyone")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
    assert browser.get("/api/v1/bank/coverage?law=nope").status_code == 404
    assert "/bank/coverage" in json.dumps(browser.get("/api/v1/openapi.json").get_json())
