"""`{% call once(...) %}` blocks (examapp/templating.py): kept per locale, and a block that varies fails in tests."""

import pytest
from flask import g, render_template_string

from examapp import templating

BLOCK = '{% call once("test-block") %}<p>{{ _("Answer sheet") }}</p>{% endcall %}'


@pytest.fixture
def kept():
    templating._KEPT.clear()
    yield templating._KEPT
    templating._KEPT.clear()


def test_a_block_is_rendered_once_per_locale_outside_tests(app, kept):
    app.testing = False
    try:
        with app.test_request_context("/"):
            assert render_template_string(BLOCK) == "<p>答题卡</p>"
        kept[("test-block", "zh_Hans_CN", "")] = templating.Markup("<p>kept</p>")
        with app.test_request_context("/"):
            assert render_template_string(BLOCK) == "<p>kept</p>"  # not rendered again
        g.pop("_flask_babel", None)  # the test's app context outlives the requests: forget the locale
        with app.test_request_context("/", headers={"Cookie": "lang=en"}):
            assert render_template_string(BLOCK) == "<p>Answer sheet</p>"  # its own locale
    finally:
        app.testing = True


def test_in_tests_a_block_that_varies_fails(app, kept):
    varying = '{% call once("test-varies") %}<p>{{ name }}</p>{% endcall %}'
    with app.test_request_context("/"):
        assert render_template_string(varying, name="甲") == "<p>甲</p>"
        with pytest.raises(templating.FragmentVaries):
            render_template_string(varying, name="乙")


def test_the_menu_is_in_each_persons_language_and_marks_the_current_page(org, login):
    """Menu links and labels are kept per language (core/nav.py): a second language gets its own."""
    client = login(org.learner)
    chinese = client.get("/exams/").get_data(as_text=True)
    assert '<a href="/exams/" aria-current="page">我的考试</a>' in chinese
    client.set_cookie("lang", "en")
    english = client.get("/records/").get_data(as_text=True)
    assert '<a href="/exams/">My exams</a>' in english and "我的考试" not in english
