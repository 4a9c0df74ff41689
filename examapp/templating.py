"""Template fragments kept per language, for pages that are loaded often (the exam page, the frame of every page).

`{% call once("name") %}…{% endcall %}` keeps the HTML of a block that depends on nothing but the language
(markup, translated constants, links to fixed pages and static files: labels, button texts, the exam page's
messages for its script) and reuses it on every later render in this process; the name must be unique
among the templates. Nothing that varies by request, person or record belongs inside. In tests
(app.testing) the block is rendered every time and compared with what was kept, so a block that does vary
fails loudly; in debug, where templates reload, it is simply rendered every time.
"""

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from markupsafe import Markup

_KEPT: dict[tuple[str, str, str], Markup] = {}


class FragmentVaries(RuntimeError):
    """A `once` block rendered differently for two requests: it uses something besides the locale."""


def once(name: str, caller) -> Markup:
    """The block's HTML for the current language, rendered the first time only."""
    if not has_request_context():
        return Markup(caller())
    key = (name, str(get_locale()), request.script_root)  # links are under the path the site is served at
    kept = _KEPT.get(key)
    if kept is not None and not (current_app.debug or current_app.testing):
        return kept
    html = Markup(caller())
    if kept is not None and current_app.testing and html != kept:
        raise FragmentVaries(f"once({name!r}) rendered differently for two requests; keep only constants in it")
    _KEPT[key] = html
    return html


def install(app: Flask) -> None:
    app.add_template_global(once)
