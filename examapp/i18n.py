"""Locale selection and message catalogues (one catalogue folder per domain)."""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, has_request_context, request

LOCALES = ("zh_Hans_CN", "en")
DOMAINS = ("core", "auth", "org", "study", "bank", "exams", "records", "reports", "practice", "api", "ops")
PACKAGE_ROOT = Path(__file__).resolve().parent


def catalogue_dir(domain: str) -> Path:
    """Return the translations folder of one domain (core lives in examapp/translations)."""
    if domain == "core":
        return PACKAGE_ROOT / "translations"
    return PACKAGE_ROOT / domain / "translations"


def source_paths(domain: str) -> list[Path]:
    """Return the code and templates whose messages belong to a domain."""
    if domain == "core":
        top = [p for p in PACKAGE_ROOT.glob("*.py")]
        templates = [p for p in (PACKAGE_ROOT / "templates").glob("*.html")]
        for sub in ("_macros", "errors", "core"):
            templates += list((PACKAGE_ROOT / "templates" / sub).glob("*.html"))
        return top + list((PACKAGE_ROOT / "core").glob("*.py")) + templates
    code = list((PACKAGE_ROOT / domain).rglob("*.py"))
    return code + list((PACKAGE_ROOT / "templates" / domain).rglob("*.html"))


def translation_directories(root_path: str) -> str:
    """Return the ';'-joined catalogue folders Flask-Babel merges."""
    dirs = [str(catalogue_dir(d)) for d in DOMAINS if catalogue_dir(d).is_dir()]
    return ";".join(dirs)


def select_locale() -> str:
    chosen = request.cookies.get("lang") if has_request_context() else None
    if chosen in LOCALES:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def compile_catalogues() -> int:
    """Compile every .po file whose .mo is missing or older; return how many."""
    count = 0
    for domain in DOMAINS:
        for po_path in catalogue_dir(domain).glob("*/LC_MESSAGES/messages.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with open(po_path, "rb") as fh:
                catalog = read_po(fh)
            tmp = mo_path.with_suffix(".mo.tmp")
            with open(tmp, "wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            os.replace(tmp, mo_path)
            count += 1
    return count


KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2),
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}


def extract_messages(domain: str):
    """Return a babel Catalog of the messages a domain's code and templates use."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    catalog = Catalog(locale="zh_Hans_CN")
    options = {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols"}
    for path in source_paths(domain):
        method = "jinja2" if path.suffix == ".html" else "python"
        for lineno, message, comments, context in extract_from_file(method, str(path), keywords=KEYWORDS,
                                                                 options=options):
            catalog.add(message, None, [(str(path), lineno)], auto_comments=comments, context=context)
    return catalog


def untranslated(domain: str) -> list[str]:
    """Return the msgids a domain uses that its zh_Hans_CN catalogue does not translate."""
    from babel.messages.pofile import read_po

    po_path = catalogue_dir(domain) / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    translated: dict = {}
    if po_path.exists():
        with open(po_path, "rb") as fh:
            translated = {(m.context, m.id): m.string for m in read_po(fh) if m.id and not m.fuzzy}
    missing = []
    for message in extract_messages(domain):
        if not message.id:
            continue
        string = translated.get((message.context, message.id))
        if not string or (isinstance(string, tuple) and not all(string)):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def conflicting_translations() -> list[str]:
    """Return messages that two catalogues translate differently (the catalogues are merged)."""
    from babel.messages.pofile import read_po

    seen: dict = {}
    conflicts = []
    for domain in DOMAINS:
        po_path = catalogue_dir(domain) / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            continue
        with open(po_path, "rb") as fh:
            for m in read_po(fh):
                if not m.id:
                    continue
                key = (m.context, m.id if isinstance(m.id, str) else m.id[0])
                first = seen.setdefault(key, (domain, m.string))
                if first[1] != m.string:
                    conflicts.append(f"{key}: {first[0]}={first[1]!r} vs {domain}={m.string!r}")
    return conflicts
