"""Every user-facing message has a Chinese translation; Chinese is the default; English works."""

import pytest

from examapp.i18n import DOMAINS, conflicting_translations, untranslated


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated_to_chinese(domain):
    assert untranslated(domain) == []


def test_no_message_is_translated_two_ways():
    """All catalogues are merged at run time, so one English id must mean one Chinese text.

    Where the same English word means different things, use pgettext with a context.
    """
    assert conflicting_translations() == []


def test_the_site_speaks_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert "登录" in html and 'lang="zh-Hans"' in html


def test_english_can_be_chosen(client):
    client.post("/language/en", data={"next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert "Log in" in html and 'lang="en"' in html


def test_no_domain_error_is_raised_with_an_untranslated_message():
    """A DomainError's message reaches the person as is: through gettext, or a literal written in Chinese."""
    import ast
    import inspect
    import re
    from pathlib import Path

    import examapp
    from examapp import errors

    kinds = {name for name, obj in vars(errors).items()
             if inspect.isclass(obj) and issubclass(obj, errors.DomainError)}
    bare = []
    for path in Path(examapp.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name) and node.exc.func.id in kinds
                    and node.exc.args and isinstance(node.exc.args[0], ast.Constant | ast.JoinedStr)
                    and not re.search("[\u4e00-\u9fff]", ast.unparse(node.exc.args[0]))):  # Chinese as written
                bare.append(f"{path.relative_to(Path(examapp.__file__).parent)}:{node.lineno}")
    assert bare == [], bare
