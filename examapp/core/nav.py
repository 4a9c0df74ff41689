"""The menu: each domain registers its entries with who may see them."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup


@dataclass
class NavEntry:
    endpoint: str
    label: object
    hint: object
    allowed: Callable
    order: int = 50


NAV: list[NavEntry] = []
# The entries of the 学法 tab of the phone's bottom bar: reading, cases, practice and one's own study.
STUDY_PREFIXES = ("study.library", "study.cases", "study.progress", "practice.index")


def register_nav(endpoint: str, label, hint, allowed: Callable, order: int = 50) -> None:
    if all(entry.endpoint != endpoint for entry in NAV):
        NAV.append(NavEntry(endpoint, label, hint, allowed, order))


def nav_items(prefixes: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> list[dict]:
    """Return the menu for the current user; the entry with the longest matching URL is current.

    prefixes keeps only endpoints starting with one of them, exclude drops those starting with one.
    """
    if not current_user.is_authenticated:
        return []
    user = current_user._get_current_object()
    entries = sorted((e for e in NAV if e.allowed(user)
                      and (not prefixes or e.endpoint.startswith(prefixes))
                      and not (exclude and e.endpoint.startswith(exclude))), key=lambda e: e.order)
    locale = str(get_locale())
    items = [dict(link(entry, locale), current=False) for entry in entries]
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return items


_LINKS: dict[tuple, dict] = {}


def link(entry: NavEntry, locale: str) -> dict:
    """An entry's URL, label and hint in this language, found once per process (the menu is on every page)."""
    key = (entry.endpoint, locale, request.script_root)
    found = _LINKS.get(key)
    if found is None:
        # Markup, as the lazy messages were: their translations are trusted text, not escaped.
        found = _LINKS[key] = {"url": url_for(entry.endpoint), "label": Markup(entry.label), "hint": Markup(entry.hint)}
    return found


def bottom_tab() -> str:
    """Which tab of the phone's bottom bar the current page belongs to."""
    endpoint = request.endpoint or ""
    if endpoint == "core.home":
        return "home"
    if endpoint.startswith(("study.", "practice.")) or endpoint == "core.learn":
        return "learn"
    if endpoint.startswith("exams."):
        return "exams"
    return "me"


ROLE_LABELS = {
    "learner": _l("Learner"), "unit_admin": _l("Unit administrator"), "examiner": _l("Examiner"),
    "hr": _l("HR"), "admin": _l("System administrator"),
}
STATUS_LABELS = {
    "active": _l("Active"), "transferred_out": _l("Transferred out"), "retired": _l("Retired"),
    "exempt": _l("Exempt"),
}


def role_label(role: str):
    return ROLE_LABELS.get(role, role)


def status_label(status: str):
    return STATUS_LABELS.get(status, status)
