"""从条文生成草稿: rules over the shipped statutes (keys verbatim, false statements really false) and the page."""

import pytest
from sqlalchemy import select

from examapp.bank import library
from examapp.bank.drafting import BLANK, keys_in, propose
from examapp.bank.models import Question
from examapp.bank.validation import validate_question
from examapp.extensions import db
from examapp.study.numerals import article_label

LAWS = {"administrative-penalty-law-2021": "行政处罚法", "civil-servant-law-2018": "公务员法",
        "administrative-reconsideration-law-2023": "行政复议法", "petition-work-regulations-2022": "信访工作条例",
        "constitution-2018": "宪法", "administrative-licensing-law-2019": "行政许可法"}
PENALTY = "administrative-penalty-law-2021"


def drafts_of(slug: str, number: int):
    article = library.markdown_articles(slug)[number]
    return article.text, propose(article.text, slug, number, LAWS[slug], article_label(number))


def sentence_of(draft) -> str:
    prefix = f"依照《{LAWS[draft.data['law']]}》，"
    assert draft.data["stem"].startswith(prefix)
    return draft.data["stem"][len(prefix):]


def check(draft, text: str, slug: str, number: int) -> None:
    data = draft.data
    assert data["basis"] == [{"law": slug, "article": number}]
    assert (data["status"], data["visibility"]) == ("draft", "confidential")
    sentence = sentence_of(draft)
    if data["type"] == "blank":
        (key,) = data["answer"][0]
        assert key in text, (slug, number, key)  # every key is in the article, verbatim
        assert sentence.count(BLANK) == 1
        if draft.rule != "list":
            assert sentence.replace(BLANK, key) in text
        assert f"“{key}”" in data["explanation"]
    elif data["answer"] is True:
        assert sentence in text
    else:
        assert sentence not in text  # a false statement really differs from the article
        old, new = draft.change
        assert draft.source in text and f"“{draft.source}”" in data["explanation"]
        assert sentence.replace(new, old, 1) == draft.source and old != new


def test_drafts_over_the_shipped_statutes(req):
    articles, laws, kinds = 0, set(), set()
    with library.cached():
        for slug in LAWS:
            for number in sorted(library.markdown_articles(slug))[::5][:12]:  # spread over each law
                text, drafts = drafts_of(slug, number)
                for draft in drafts:
                    check(draft, text, slug, number)
                    assert validate_question(draft.data) == [], (slug, number, draft)
                    kinds.add(draft.rule)
                if drafts:
                    articles, laws = articles + 1, laws | {slug}
    assert articles >= 30 and len(laws) >= 5
    assert {"time_limit", "list", "modal", "statement", "body"} <= kinds


def test_every_article_of_five_laws_keeps_its_keys_verbatim():
    total = 0
    for slug in list(LAWS)[:5]:
        for number in library.markdown_articles(slug):
            text, drafts = drafts_of(slug, number)
            for draft in drafts:
                check(draft, text, slug, number)
            total += len(drafts)
    assert total > 500


def test_hand_checked_articles():
    _text, drafts = drafts_of(PENALTY, 36)  # 违法行为在二年内未被发现的……延长至五年
    assert [d.data["answer"] for d in drafts if d.data["type"] == "blank"] == [[["二年"]], [["五年"]]]
    (false,) = [d for d in drafts if d.data["answer"] is False]
    assert "违法行为在三年内未被发现的" in false.data["stem"] and false.rule == "number"
    _text, drafts = drafts_of(PENALTY, 60)  # 应当自……立案之日起九十日内作出
    assert drafts[0].data["answer"] == [["九十日"]]
    assert drafts[1].rule == "modal" and "行政机关可以自行政处罚案件立案之日起九十日内" in drafts[1].data["stem"]
    assert drafts[2].rule == "statement" and drafts[2].data["answer"] is True
    _text, drafts = drafts_of(PENALTY, 9)  # 行政处罚的种类：（一）警告、通报批评；……
    assert drafts[0].rule == "list" and drafts[0].data["answer"] == [["警告、通报批评"]]
    assert drafts[0].data["stem"].startswith("依照《行政处罚法》，行政处罚的种类：____；罚款、")
    _text, drafts = drafts_of(PENALTY, 51)
    assert [d.data["answer"] for d in drafts if d.rule == "amount"] == [[["二百元"]], [["三千元"]]]


def test_the_rules_read_dates_bodies_and_not_ordinals():
    found = keys_in("本法自二〇二一年七月十五日起施行。限制人身自由的处罚权由公安机关行使，依照本法第六十条的规定。")
    assert found == [("date", "二〇二一年七月十五日"), ("body", "公安机关")]
    assert keys_in("自收到申请之日起五个工作日内") == [("time_limit", "五个工作日")]


ROLES = [("anonymous", 302), ("learner", 403), ("villager", 403), ("hr", 403), ("unitadmin", 403),
         ("examiner", 200), ("admin", 200)]
URL = f"/bank/drafts/{PENALTY}/36"


def drafts_in_bank() -> list[Question]:
    return list(db.session.scalars(select(Question).order_by(Question.id)))


@pytest.mark.parametrize("who,status", ROLES)
def test_draft_page_by_role(library, client, org, login, who, status):
    browser = client if who == "anonymous" else login(getattr(org, who))
    assert browser.get(URL).status_code == status
    posted = browser.post(URL, data={"pick": ["0"]})
    assert posted.status_code == (302 if status in (200, 302) else status)
    assert len(drafts_in_bank()) == (1 if status == 200 else 0)
    article = browser.get(f"/study/laws/{PENALTY}/articles/36")
    assert ('data-testid="draft-questions"' in article.get_data(as_text=True)) == (status == 200)


def test_an_examiner_saves_drafts_to_edit(library, org, login, untangled):
    browser = login(org.examiner)
    page = browser.get(URL).get_data(as_text=True)
    assert "违法行为在____内未被发现的" in page and "期限" in page
    response = browser.post(URL, data={"pick": ["0", "2"]})
    assert response.status_code == 302
    saved = drafts_in_bank()
    assert [(q.type, q.status, q.visibility, q.law_slug) for q in saved] == [
        ("blank", "draft", "confidential", PENALTY), ("true_false", "draft", "confidential", PENALTY)]
    assert saved[0].current.answer == [["二年"]] and saved[0].current.chapter.startswith("第四章")
    page = browser.get(URL).get_data(as_text=True)
    assert page.count('data-testid="saved-draft"') == 2 and f"/bank/questions/{saved[0].id}/edit" in page
    assert page.count(" disabled>") == 2  # the saved proposals are marked as already in the bank
    assert browser.post(URL, data={"pick": ["0"]}).status_code == 422
    assert browser.post(URL, data={}).status_code == 422
    assert browser.post(URL, data={"pick": ["99"]}).status_code == 422
    assert len(drafts_in_bank()) == 2
    assert browser.get(f"/bank/drafts/{PENALTY}/999").status_code == 404


@pytest.fixture
def untangled(app):
    yield
    from tests.functional.world import untangle_bank

    untangle_bank()
