"""The exam page's questions are filled into shapes rendered once (exams/paper_html.py): the HTML must be the
one a plain Jinja rendering of the question macro gives, byte for byte, for every question type and answer
state. templates/reference_question.html is the macro as it was before the shapes (answer state computed in
the template), kept here as the reference; the loop below is take.html's, as it was."""

from pathlib import Path

import jinja2
import pytest
from sqlalchemy import select

from examapp.exams import attempts, paper_html
from examapp.exams.models import AttemptItem
from examapp.exams.queries import paper_rows
from examapp.extensions import db

from .conftest import SMALL_BLUEPRINT, make_bank, make_exam, make_question

HERE = Path(__file__).parent
LOOP = """    {% set ns = namespace(section=None) %}
    {% for item in items %}
      {% if item.section and item.section != ns.section %}<h2 class="section">{{ item.section }}</h2>{% set ns.section = item.section %}{% endif %}
      {{ question(item, labels, words) }}
    {% endfor %}"""  # noqa: E501  (take.html's lines as they were)
BLUEPRINT = SMALL_BLUEPRINT + [{"variant": "default", "section": "案例", "type": "case", "count": 2, "points": "7.5"}]
NASTY = "<script>alert(\"x\")</script> & 'q' {{ 1 }} %(n)s {n}"
# Answer states, in order of the items of each type on the paper.
ANSWERS = {"single": [("B", True), ("A", False), (None, True), ("Z", False), (["A"], False)],
           "multiple": [(["A", "C"], True), ("AD", False), ([], False), (None, False)],
           "true_false": [(False, True), (True, False), (None, False), ("true", False)],
           "blank": [([NASTY], True), ([], False), (["七日", "十五日"], False), (None, False), ([7], False)],
           "case": [({"1": "B"}, True), ({"1": "A", "2": False}, False), (None, False), ({}, False)]}


def reference(app, items) -> str:
    """take.html's question loop with the reference macro and the page's labels and words."""
    env = app.jinja_env.overlay(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(HERE / "templates"),
                                                             app.jinja_env.loader]))
    source = '{% from "reference_question.html" import question %}' + LOOP + "\n{{ '' }}"  # keep the newline
    return env.from_string(source).render(items=items, labels=paper_html.translated(paper_html.LABELS),
                                          words=paper_html.translated(paper_html.WORDS))


def page_paper(html: str) -> str:
    """What the page shows between the form's CSRF field (the line after the form's tag) and the pager."""
    start = html.index("\n", html.index("\n", html.index('<form id="exam-form"')) + 1) + 1
    return html[start:html.index('    <div class="pager"')]


@pytest.fixture
def paper(org, untangle):
    make_bank(singles=6, multiples=4, tfs=4, blanks=3, cases=3)
    make_question("three", options=[{"key": k, "text": f"三项{k}"} for k in "ABC"])
    make_question("five", "multiple", options=[{"key": k, "text": f"五项{k}"} for k in "ABCDE"],
                  answer=["A", "E"])
    drawn = {"single": 7, "multiple": 5, "true_false": 4, "blank": 3, "case": 3}  # the whole bank
    blueprint = [dict(rule, count=drawn[rule["type"]]) for rule in BLUEPRINT]
    exam = make_exam(org, blueprint=blueprint)
    attempt = attempts.start_attempt(exam, org.learner, org.now)
    items = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)
                               .order_by(AttemptItem.position)).all()
    seen: dict[str, int] = {}
    for item in items:
        n = seen[item.type] = seen.get(item.type, -1) + 1
        answer, flagged = ANSWERS[item.type][n % len(ANSWERS[item.type])]
        item.answer, item.is_flagged, item.answer_seq = answer, flagged, 1_700_000_000_000 + n
        if n == 0:  # texts that need escaping, in the stem, an option and a subquestion
            content = dict(item.content, stem=NASTY + item.content["stem"])
            if content.get("options"):
                content["options"] = [dict(content["options"][0], text=NASTY)] + content["options"][1:]
            if content.get("subquestions"):
                content["subquestions"] = [dict(content["subquestions"][0], stem=NASTY)] + content["subquestions"][1:]
            item.content = content
    db.session.commit()
    return attempt, items


def test_the_page_shows_the_questions_as_the_plain_macro_renders_them(app, org, login, paper):
    attempt, items = paper
    assert {i.type for i in items} == {"single", "multiple", "true_false", "blank", "case"}
    assert len({len(i.content.get("options") or ()) for i in items if i.type == "single"}) > 1  # two shapes
    client = login(org.learner)
    for _ in range(2):  # the second page from the shapes the first one built
        response = client.get(f"/exams/attempts/{attempt.id}")
        assert response.status_code == 200
        with app.test_request_context():
            expected = reference(app, paper_rows(attempt.id))
        shown = page_paper(response.get_data(as_text=True))
        assert shown == expected
    assert "&lt;script&gt;" in shown and "<script>alert" not in shown
    assert shown.count(" checked>") + shown.count("checked>") > 5


def test_a_changed_answer_shows_on_the_next_page(org, login, paper):
    attempt, items = paper
    client = login(org.learner)
    first = client.get(f"/exams/attempts/{attempt.id}").get_data(as_text=True)
    single = next(i for i in items if i.type == "single" and i.answer is None)
    assert f'data-testid="answer-{single.question_id}-A"\n           >' in first
    single.answer, single.answer_seq = "A", 5
    db.session.commit()
    second = client.get(f"/exams/attempts/{attempt.id}").get_data(as_text=True)
    assert f'data-testid="answer-{single.question_id}-A"\n           checked>' in second


NAVIGATOR_LOOP = """{% for item in items %}
      <a href="#q-{{ item.question_id }}" class="nav-item{% if item.answer is not none %} answered{% endif %}{% if item.is_flagged %} flagged{% endif %}"
         data-nav="{{ item.question_id }}" data-position="{{ item.position }}" data-testid="nav-{{ item.position }}">{{ item.position }}<span class="visually-hidden" data-nav-state></span></a>
      {% endfor %}"""  # noqa: E501  (take.html's loop as it was)


def test_the_answer_sheet_is_the_plain_loop(app, org, login, paper):
    attempt, items = paper
    states = {(item.answer is not None, item.is_flagged) for item in items}
    assert states == {(True, True), (True, False), (False, True), (False, False)}
    html = login(org.learner).get(f"/exams/attempts/{attempt.id}").get_data(as_text=True)
    with app.test_request_context():
        expected = app.jinja_env.from_string(NAVIGATOR_LOOP).render(items=paper_rows(attempt.id))
    start = html.index("\n", html.index('<nav class="navigator"')) + len("\n      ")  # the loop's own indent
    assert html[start:html.index("\n    </nav>", start)] == expected
