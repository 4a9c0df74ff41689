"""Serial numbers and signatures for certificates (HMAC-SHA256 with the app's key).

A serial carries its own check code, so an invented serial is refused without a
database look-up; the stored signature covers the certificate's canonical content,
so a row edited behind the app's back (score, name, dates) no longer verifies.
"""

import hashlib
import hmac
import json
import re
import secrets

from flask import current_app

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
SERIAL_RE = re.compile(r"^XF(\d{4})-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})$")


def _key(purpose: str) -> bytes:
    """Derive a per-purpose key so a serial check code is never a content signature."""
    secret = current_app.config.get("CERTIFICATE_SIGNING_KEY") or current_app.config["SECRET_KEY"]
    return hmac.new(secret.encode(), f"examapp.records.{purpose}".encode(), hashlib.sha256).digest()


def _b32(data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, 32)
        chars.append(ALPHABET[index])
    return "".join(chars)


def check_code(body: str) -> str:
    """Return the 4-character check code of a serial body like 'XF2026-7K3M-9Q2D'."""
    digest = hmac.new(_key("serial"), body.encode(), hashlib.sha256).digest()
    return _b32(digest[:5], 4)


def new_serial(year: int) -> str:
    """Return a fresh random serial such as 'XF2026-7K3M-9Q2D-X4TP'."""
    random_part = _b32(secrets.token_bytes(5), 8)
    body = f"XF{year:04d}-{random_part[:4]}-{random_part[4:]}"
    return f"{body}-{check_code(body)}"


def normalise_serial(serial: str) -> str:
    """Upper-case and trim what a person typed or a QR scanner read."""
    return (serial or "").strip().upper()


def serial_is_genuine(serial: str) -> bool:
    """True when the serial is well formed and its check code was made with our key."""
    if not SERIAL_RE.match(serial):
        return False
    body, _, code = serial.rpartition("-")
    return hmac.compare_digest(check_code(body), code)


def canonical(content: dict) -> bytes:
    """Serialise certificate content the same way every time."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str).encode()


def sign(content: dict) -> str:
    """Return the hex HMAC of the canonical content."""
    return hmac.new(_key("content"), canonical(content), hashlib.sha256).hexdigest()


def signature_matches(content: dict, signature: str) -> bool:
    return hmac.compare_digest(sign(content), signature or "")
