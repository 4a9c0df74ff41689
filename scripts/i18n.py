"""Extract messages per domain and update its zh_Hans_CN catalogue.

Usage: python scripts/i18n.py [DOMAIN ...]    (default: every domain)
Prints the messages that still lack a translation.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from examapp.i18n import DOMAINS, catalogue_dir, extract_messages  # noqa: E402

def update(domain: str) -> list[str]:
    template = extract_messages(domain)
    po_path = catalogue_dir(domain) / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    if po_path.exists():
        with open(po_path, "rb") as fh:
            catalog = read_po(fh, locale="zh_Hans_CN")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
    else:
        catalog = template
    with open(po_path, "wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, no_location=True, sort_output=True)
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog
            if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]


if __name__ == "__main__":
    domains = sys.argv[1:] or list(DOMAINS)
    missing_total = 0
    for name in domains:
        missing = update(name)
        missing_total += len(missing)
        for msgid in missing:
            print(f"{name}: untranslated: {msgid!r}")
    print(f"{missing_total} untranslated")
