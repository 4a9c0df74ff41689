"""Mask what differs between two answers to the same request without meaning anything: CSRF tokens (signed
with the time), CSP nonces, a PDF's creation time and the file identifier ReportLab derives from it, and the
database's own clock that /healthz reports."""

import re

MASKS = [(re.compile(rb'(name="csrf_token"[^>]*value=")[^"]+'), rb"\1-"),
         (re.compile(rb'(name="csrf-token"[^>]*content=")[^"]+'), rb"\1-"),
         (re.compile(rb'(value=")[^"]+("[^>]*name="csrf_token")'), rb"\1-\2"),
         (re.compile(rb'nonce="[^"]+"'), rb'nonce="-"'),
         (re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)"), rb"/\1 (-)"),
         (re.compile(rb"\[<[0-9a-f]{32}><[0-9a-f]{32}>\]"), rb"[-]"),
         (re.compile(rb'"(database_time|clock_skew_seconds)": ?("[^"]*"|-?[0-9.]+)'), rb'"\1":"-"')]


def masked(body: bytes) -> bytes:
    for pattern, replacement in MASKS:
        body = pattern.sub(replacement, body)
    return body
