"""What must hold before an exam goes out: marks within every paper's total, and someone to take it."""

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .audience import audience_size

PAPERS = {"default": _l("the paper for everyone"), "leaders": _l("the leading cadres' paper"),
          "enforcement": _l("the law-enforcement officers' paper"), "grid": _l("the grid workers' paper")}


def shown(value: Decimal) -> str:
    """Exact points without trailing zeros (85, 59.5)."""
    text = format(Decimal(value).normalize(), "f")
    return text


def mark_problems(exam, totals: dict[str, tuple[int, Decimal]]) -> list[str]:
    """Return why the pass or excellence line cannot be reached (or is below the pass line)."""
    problems = []
    pass_mark, excellent = Decimal(exam.pass_mark), Decimal(exam.excellent_mark)
    if excellent < pass_mark:
        problems.append(_("The excellence line (%(excellent)s) is below the pass line (%(pass)s).",
                          excellent=shown(excellent), **{"pass": shown(pass_mark)}))
    for variant, (count, total) in totals.items():
        paper = PAPERS.get(variant, variant)
        for label, line in ((_("pass line"), pass_mark), (_("excellence line"), excellent)):
            if line > total:
                problems.append(_("The %(line)s is %(mark)s points but %(paper)s has %(n)s questions worth "
                                  "%(total)s points in all: nobody could reach it. Lower the line or add "
                                  "questions.", line=label, mark=shown(line), paper=paper, n=count,
                                  total=shown(total)))
    return problems


def audience_problems(exam) -> list[str]:
    if audience_size(exam) == 0:
        return [_("Nobody is in this exam's audience (check its units, roles and categories): "
                  "publishing it would reach no one.")]
    return []
