"""Aiken, as Moodle documents it: a question, lettered options, then ANSWER: X."""

import re

from flask_babel import gettext as _

from . import Parsed, ParseResult

OPTION_RE = re.compile(r"^([A-Z])[.)]\s+(.*)$")
ANSWER_RE = re.compile(r"^ANSWER:\s*([A-Z])\s*$")


def looks_like_aiken(text: str) -> bool:
    return any(ANSWER_RE.match(line.strip()) for line in text.splitlines())


def parse(text: str) -> ParseResult:
    """Parse Aiken single-choice questions (blank lines between questions are optional)."""
    result = ParseResult(kind="aiken")
    stem: list[str] = []
    options: list[dict] = []
    start, skipping = 0, False
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if skipping:  # after an error, resume at the next question
            skipping = bool(line) and ANSWER_RE.match(line) is None
            continue
        if not line:
            continue
        if (answer := ANSWER_RE.match(line)) is not None:
            finish(result, start, stem, options, answer.group(1), number)
            stem, options, start = [], [], 0
        elif (option := OPTION_RE.match(line)) is not None and stem:
            options.append({"key": option.group(1), "text": option.group(2).strip()})
        elif options:
            result.error(number, _("Expected an option (A. …) or ANSWER: here: %(text)s", text=line[:40]))
            stem, options, start, skipping = [], [], 0, True
        else:
            start = start or number
            stem.append(line)
    if stem or options:
        result.error(start, _("The question has no ANSWER: line."))
    return result


def finish(result: ParseResult, start: int, stem: list, options: list, letter: str, number: int) -> None:
    if not stem or not options:
        result.error(start or number, _("ANSWER: without a question and options."))
        return
    data = {"type": "single", "stem": "\n".join(stem), "options": options, "answer": letter,
            "explanation": "", "basis": [], "difficulty": 3, "tags": [], "audience": "all", "status": "active",
            "subquestions": None, "code": "", "law": ""}
    result.items.append(Parsed(start, data))
