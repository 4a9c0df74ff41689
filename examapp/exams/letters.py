"""Option letters named in Chinese text ("故选A", "A项", "AB两项", "A、C"), relabelled to a learner's order.

Options are shuffled per learner, but explanations are written with the bank's letters. Everything a
review shows goes through here so that "故选A" names the option the learner saw as A. Pure: no Flask.
"""

import re

LETTERS = "ABCDEFGH"
FULL_WIDTH = "ＡＢＣＤＥＦＧＨ"
_L = f"[{LETTERS}{FULL_WIDTH}]"
# A run of option letters, optionally joined by 、 ("A、C、D"), not glued to other Latin letters or digits
# ("PDF", "3A", "A4").
RUN = re.compile(rf"(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９]){_L}(?:、?{_L})*(?![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])")
# Letters followed by these words are names, not options: A级, B超, A股, 3A景区, ABC公司, A类.
NOT_OPTIONS = ("级", "股", "超", "型", "轮", "档", "栋", "座", "区", "号", "牌", "照", "类", "字", "证", "角", "公司")
# "（2）", "(2)", "第2问", "第（2）问", "第二小题", "问题2": where a case explanation turns to a sub-question.
SUB_MARK = re.compile(r"[（(]([1-9])[）)]|第\s*[（(]?([1-9一二三四五])[）)]?\s*(?:问|小题|题)|问题\s*([1-9])")
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def ascii_letter(char: str) -> str:
    return LETTERS[FULL_WIDTH.index(char)] if char in FULL_WIDTH else char


def shown_letter(original: str, mapping: dict[str, str]) -> str:
    """The display letter for one original letter, in the same width it was written."""
    shown = mapping[ascii_letter(original)]
    return FULL_WIDTH[LETTERS.index(shown)] if original in FULL_WIDTH else shown


def _relabel_run(match: re.Match, mapping: dict[str, str], text: str) -> str:
    run = match.group(0)
    letters = [c for c in run if c != "、"]
    keys = [ascii_letter(c) for c in letters]
    if len(set(keys)) != len(keys) or not set(keys) <= set(mapping):
        return run  # "AA制", or a letter this question has no option for: not an option reference
    if text.startswith(NOT_OPTIONS, match.end()):
        return run
    # A set of options reads in order ("AB两项", "A、C"): sort the new letters into the old slots.
    shown = iter(sorted((shown_letter(c, mapping) for c in letters), key=ascii_letter))
    return "".join(c if c == "、" else next(shown) for c in run)


def relabel_letters(text: str, order: list[str]) -> str:
    """Rewrite option letters in text from the bank's keys to the display letters of `order`.

    `order` is AttemptItem.option_order: the original keys in display order (["C", "A", "B", "D"]
    means the learner saw the bank's C as A).
    """
    if not text or not order or not all(isinstance(k, str) for k in order):
        return text or ""
    mapping = {original: LETTERS[i] for i, original in enumerate(order)}
    return RUN.sub(lambda m: _relabel_run(m, mapping, text), text)


def _sub_number(match: re.Match) -> int:
    raw = next(g for g in match.groups() if g)
    return CHINESE_DIGITS.get(raw) or int(raw)


def relabel_case_text(text: str, orders: list[list[str]]) -> str:
    """Relabel a case explanation: letters after "（2）"/"第2问" follow sub-question 2's order.

    Before any marker, letters follow the only choice sub-question when there is exactly one.
    """
    if not text or not orders:
        return text or ""
    choice = [o for o in orders if o]
    current = choice[0] if len(choice) == 1 else []
    out, last = [], 0
    for match in SUB_MARK.finditer(text):
        out.append(relabel_letters(text[last:match.start()], current))
        n = _sub_number(match)
        current = orders[n - 1] if 0 < n <= len(orders) else []
        out.append(match.group(0))
        last = match.end()
    out.append(relabel_letters(text[last:], current))
    return "".join(out)


def item_explanations(qtype: str, order: list, explanation: str, subquestions: list | None) -> tuple[str, list[str]]:
    """An item's explanation and its sub-question explanations, in the learner's letters."""
    if qtype in ("single", "multiple"):
        return relabel_letters(explanation, order), []
    if qtype == "case":
        orders = [o if isinstance(o, list) else [] for o in (order or [])]
        subs = [relabel_letters(s.get("explanation") or "", orders[n] if n < len(orders) else [])
                for n, s in enumerate(subquestions or [])]
        return relabel_case_text(explanation, orders), subs
    return explanation or "", []
