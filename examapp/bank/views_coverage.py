"""The coverage map (题库覆盖): where the bank is thin, law by law and article by article."""

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from ..core.nav import register_nav
from ..permissions import can_manage_bank
from . import library
from .coverage import bank_coverage
from .forms import AUDIENCE_CHOICES, TYPE_CHOICES
from .models import AUDIENCES
from .views import bp, staff

register_nav("bank.coverage", _l("Bank coverage"), _l("Which articles the active questions cite, and which none does"),
             allowed=can_manage_bank, order=31)


def coverage_args() -> tuple[str, str, bool]:
    """Read law, audience and "only uncited" from the query string; unknown values are dropped."""
    law = (request.args.get("law") or "").strip()
    audience = (request.args.get("audience") or "").strip()
    return law, audience if audience in AUDIENCES else "", request.args.get("uncited") == "1"


@bp.route("/coverage")
@staff
def coverage():
    law, audience, only_uncited = coverage_args()
    slugs = library.law_slugs()
    if law and law not in slugs:
        abort(404)
    report = bank_coverage(law or None, audience or None)
    return render_template("bank/coverage.html", report=report, law=law, audience=audience,
                           only_uncited=only_uncited, laws=slugs, audiences=AUDIENCE_CHOICES,
                           types=TYPE_CHOICES, difficulties=range(1, 6))
