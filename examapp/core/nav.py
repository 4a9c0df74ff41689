"""The menu: each domain registers its entries with who may see them."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass
class NavEntry:
    endpoint: str
    label: object
    hint: object
    allowed: Callable
    order: int = 50


NAV: list[NavEntry] = []


def register_nav(endpoint: str, label, hint, allowed: Callable, order: int = 50) -> None:
    if all(entry.endpoint != endpoint for entry in NAV):
        NAV.append(NavEntry(endpoint, label, hint, allowed, order))


def nav_items() -> list[dict]:
    """Return the menu for the current user; the entry with the longest matching URL is current."""
    if not current_user.is_authenticated:
        return []
    entries = sorted((e for e in NAV if e.allowed(current_user)), key=lambda e: e.order)
    items = [{"url": url_for(e.endpoint), "label": e.label, "hint": e.hint, "current": False} for e in entries]
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return items


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
