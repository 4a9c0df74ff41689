"""Draft questions from an article's own sentences (从条文生成草稿): fixed rules over the text, no model.

Fill-in drafts blank out one phrase the article states exactly: a date, a time limit, an amount, a fraction, the
body that acts (由……机关) or one item of a list. True/false drafts state a sentence as written (true) or with
one word changed (false): 应当/可以/不得 swapped, or a time limit or amount altered. Every draft cites the article
and quotes it in the explanation; a person edits and approves it in the editor.
"""

import re
from dataclasses import dataclass

from ..study.numerals import cn_to_int, int_to_cn

CN = "零〇一二两三四五六七八九十百千万"
BLANK = "____"
MAX_BLANKS, MAX_FALSE, MAX_TRUE = 4, 3, 1
MIN_SENTENCE, MAX_SENTENCE = 8, 160
LABEL_RE = re.compile(rf"^第[{CN}]+条(?:之[{CN}]+)?\s*")
ITEM_RE = re.compile(rf"^（[{CN}]+）\s*(.+?)[；;。，]?$")
# (rule, pattern): the first group, when there is one, is the key; otherwise the whole match.
BLANK_RULES = (
    ("date", re.compile(rf"\d{{4}}年\d{{1,2}}月\d{{1,2}}日|[{CN}]{{4}}年[{CN}]{{1,2}}月[{CN}]{{1,3}}日")),
    ("time_limit", re.compile(rf"(?<![第{CN}])[{CN}]+个?(?:工作日|小时|日|月|年)(?!度)")),
    ("amount", re.compile(rf"(?<![第{CN}])[{CN}]+(?:万元|元|倍)")),
    ("fraction", re.compile(rf"[{CN}]+分之[{CN}]+|过半数")),
    ("body", re.compile(r"(?<![自理缘])由((?:(?!由)[\u4e00-\u9fff]){0,16}?"
                        r"(?:人民代表大会常务委员会|人民代表大会|人民政府|人民法院|人民检察院|委员会|机关|部门|机构))")),
)
MODAL_SWAPS = (("不得", "可以"), ("应当", "可以"), ("可以", "应当"))
LADDER = (1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 180)
NUMBER_RE = re.compile(rf"[{CN}]+")


@dataclass(frozen=True)
class Draft:
    """One proposed question: its rule (time_limit, amount, list, modal, number, statement…) and content."""

    rule: str
    data: dict
    source: str = ""  # the article's sentence (or list) it was built from, verbatim
    change: tuple = ()  # for a false statement: (the article's word, the word the statement puts instead)


def article_sentences(text: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Split an article into plain sentences and lists (a lead ending in ： and its （一）（二） items)."""
    sentences: list[str] = []
    lists: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for paragraph in [p.strip() for p in text.split("\n") if p.strip()]:
        paragraph = LABEL_RE.sub("", paragraph)
        item = ITEM_RE.match(paragraph)
        if item:
            if current is not None:
                current.append(item.group(1))
            continue
        current = None
        body, lead = (paragraph.rsplit("。", 1) + [""])[:2] if paragraph.endswith("：") else (paragraph, "")
        if paragraph.endswith("：") and "。" not in paragraph:
            body, lead = "", paragraph
        sentences += [s + "。" for s in body.split("。") if s.strip()]
        if lead:
            current = []
            lists.append((lead, current))
    return sentences, lists


def clause_with(sentence: str, key: str) -> str | None:
    """The sentence, or the clause of a long sentence, that holds key exactly once (None when unusable)."""
    if len(sentence) > MAX_SENTENCE:
        sentence = next((c + "；" for c in sentence.split("；") if key in c), sentence)
        if not sentence.endswith(("。", "；")):
            sentence += "。"
    if sentence.count(key) != 1 or not MIN_SENTENCE <= len(sentence) <= MAX_SENTENCE or BLANK in sentence:
        return None
    return sentence


def keys_in(sentence: str) -> list[tuple[str, str]]:
    """(rule, key) pairs in a sentence, in rule order."""
    found, taken = [], set()
    for rule, pattern in BLANK_RULES:
        for match in pattern.finditer(sentence):
            group = 1 if pattern.groups else 0
            span = set(range(*match.span(group)))
            if len(span) >= 2 and not span & taken:  # a date's 年 is not also a time limit
                taken |= span
                found.append((rule, match.group(group)))
    return found


def altered_number(key: str) -> str | None:
    """The key with its Chinese numeral changed to a near, different value (六十日 → 九十日)."""
    match = NUMBER_RE.match(key)
    if not match or "万" in match.group(0):
        return None
    try:
        value = cn_to_int(match.group(0))
    except ValueError:
        return None
    bigger = [n for n in LADDER if n > value]
    other = bigger[0] if bigger else value * 2
    if other >= 10000:
        return None
    return int_to_cn(other) + key[match.end():]


def propose(text: str, slug: str, number: int, short_title: str, label: str) -> list[Draft]:
    """Every draft the rules give for one article, blanks first (deterministic for the same text)."""
    sentences, lists = article_sentences(text)
    quote = QuoteMaker(slug, number, short_title, label)
    blanks = blank_drafts(sentences, lists, quote)[:MAX_BLANKS]
    falses = false_drafts(sentences, text, quote)[:MAX_FALSE]
    trues = [quote.judge("statement", s, True, "") for s in sentences
             if MIN_SENTENCE <= len(s) <= MAX_SENTENCE and any(m in s for m, _o in MODAL_SWAPS)][:MAX_TRUE]
    return blanks + falses + trues


def blank_drafts(sentences: list[str], lists: list[tuple[str, list[str]]], quote: "QuoteMaker") -> list[Draft]:
    drafts, seen = [], set()
    for sentence in sentences:
        for rule, key in keys_in(sentence):
            clause = clause_with(sentence, key)
            if clause and key not in seen:
                seen.add(key)
                drafts.append(quote.blank(rule, clause, key))
    for lead, items in lists:
        usable = [i for i in items if 2 <= len(i) <= 20 and "其他" not in i and i not in seen]
        for item in usable[:2]:
            seen.add(item)
            shown = "；".join(BLANK if i == item else i for i in items)
            drafts.append(quote.blank("list", f"{lead}{shown}。", item, source=f"{lead}{'；'.join(items)}。"))
    return drafts


def false_drafts(sentences: list[str], text: str, quote: "QuoteMaker") -> list[Draft]:
    drafts = []
    for sentence in sentences:
        if not MIN_SENTENCE <= len(sentence) <= MAX_SENTENCE:
            continue
        swap = next(((old, new) for old, new in MODAL_SWAPS if sentence.count(old) == 1 and new not in sentence), None)
        changes = [("modal", *swap)] if swap else []
        for rule, key in keys_in(sentence):
            other = altered_number(key) if rule in ("time_limit", "amount") else None
            if other and sentence.count(key) == 1 and other not in sentence:
                changes.append(("number", key, other))
        for rule, old, new in changes[:1] or []:
            changed = sentence.replace(old, new, 1)
            if changed not in text:
                drafts.append(quote.judge(rule, changed, False, sentence, old=old, new=new))
    return drafts


class QuoteMaker:
    """Build the question dicts of one article: basis, prefix, explanation quoting the article."""

    def __init__(self, slug: str, number: int, short_title: str, label: str):
        self.basis = [{"law": slug, "article": number}]
        self.short, self.label, self.slug = short_title, label, slug

    def base(self, kind: str, stem: str, answer, explanation: str, difficulty: int) -> dict:
        return {"type": kind, "stem": f"依照《{self.short}》，{stem}", "options": [], "answer": answer,
                "explanation": explanation, "basis": self.basis, "difficulty": difficulty, "tags": ["条文草稿"],
                "audience": "all", "status": "draft", "visibility": "confidential", "subquestions": None,
                "law": self.slug}

    def blank(self, rule: str, sentence: str, key: str, source: str | None = None) -> Draft:
        said = f"《{self.short}》{self.label}规定：“{source or sentence}”故应填“{key}”。"
        return Draft(rule, self.base("blank", sentence.replace(key, BLANK, 1), [[key]], said, 3), source or sentence)

    def judge(self, rule: str, sentence: str, truth: bool, original: str, old: str = "", new: str = "") -> Draft:
        if truth:
            said = f"《{self.short}》{self.label}原文即为：“{sentence}”"
        else:
            said = f"《{self.short}》{self.label}规定：“{original}”题干把“{old}”改成了“{new}”，与条文不符。"
        return Draft(rule, self.base("true_false", sentence, truth, said, 2), original or sentence,
                     () if truth else (old, new))
