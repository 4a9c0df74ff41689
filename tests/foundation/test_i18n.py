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
