"""GIFT escapes: find and split on special characters that are not backslash-escaped."""

ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
SPECIAL = "~=#{}:"


def find_unescaped(text: str, token: str, start: int = 0) -> list[int]:
    """Return the positions of token in text that no backslash escapes."""
    found, index = [], start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(token, index):
            found.append(index)
            index += len(token)
            continue
        index += 1
    return found


def split_unescaped(text: str, token: str) -> list[str]:
    parts, last = [], 0
    for position in find_unescaped(text, token):
        parts.append(text[last:position])
        last = position + len(token)
    parts.append(text[last:])
    return parts


def after_marker(block: str, markers: str) -> list[tuple[str, str]]:
    """Split an answer block into (marker, text) at each unescaped = or ~."""
    positions = sorted(p for m in markers for p in find_unescaped(block, m))
    # "->" in matching answers and "=" inside a %weight% are not markers.
    positions = [p for p in positions if not block.startswith("->", p - 1)]
    out = []
    for index, position in enumerate(positions):
        end = positions[index + 1] if index + 1 < len(positions) else len(block)
        out.append((block[position], block[position + 1: end]))
    return out


def unescape(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in ESCAPES:
            out.append(ESCAPES[text[index + 1]])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def escape(text: str) -> str:
    """Escape text for writing into GIFT."""
    text = text.replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")
