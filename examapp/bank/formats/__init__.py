"""One parser per import format; each returns question dicts with their line or row numbers."""

from dataclasses import dataclass, field


@dataclass
class Parsed:
    """One question read from a file, with the line (or spreadsheet row) it starts on."""

    line: int
    data: dict
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParseResult:
    kind: str
    items: list[Parsed] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    # (line, type name) of questions whose type this system does not have.
    unsupported: list[tuple[int, str]] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))
