"""What a preview checked, kept beside its staged upload so that the confirmation need not check it again.

An import's preview reads and checks the whole file; its confirmation used to do it all again before writing
(for 10,000 questions or 50,000 people, most of the import's time). The preview's result is written as JSON
next to the upload (the same instance/ folder, so README's rule for several app servers holds for both: shared
storage across machines) under a stamp: the upload's digest and whatever else the checks read (the options,
the bank's generation, the units, the importer's role). The confirmation uses it only under an equal stamp; a
missing, unreadable or stale result just means checking again.
"""

import hashlib
import json
import secrets
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep(path: Path, stamp: dict | None, state: dict) -> None:
    """Write the checked state under its stamp; a state JSON would not give back unchanged is not kept."""
    if stamp is None:
        return
    try:
        text = json.dumps({"stamp": stamp, "state": state}, ensure_ascii=False)
    except (TypeError, ValueError):
        return
    if json.loads(text) != {"stamp": stamp, "state": state}:  # tuples, non-text keys: checking again is safer
        return
    spare = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    spare.write_text(text, encoding="utf-8")
    spare.replace(path)  # atomic: a confirmation never reads half a result


def recall(path: Path, stamp: dict | None) -> dict | None:
    """The state kept under an equal stamp, or None (then the caller checks again)."""
    if stamp is None:
        return None
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept.get("state") if isinstance(kept, dict) and kept.get("stamp") == stamp else None
