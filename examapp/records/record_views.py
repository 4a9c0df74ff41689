"""Study record, qualification and promotion-check pages (routes on the records blueprint)."""

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ..core.nav import register_nav
from ..db import utcnow
from ..extensions import db
from ..org.models import Unit, User
from ..permissions import restrict_to_scope, scope_unit
from ..uploads import read_table
from . import access, dossier
from . import promotion as promotion_mod
from .dossier_pdf import dossier_pdf
from .downloads import log_download, send_bytes
from .forms import PromotionForm
from .qualifications import qualification_gaps
from .services import local_date
from .views import bp

DAY_CHOICES = (30, 60, 90, 180)


def unit_filter() -> Unit | None:
    """The ?unit_id= filter, refused when outside the viewer's scope."""
    unit_id = request.args.get("unit_id", type=int)
    if not unit_id:
        return None
    unit = db.get_or_404(Unit, unit_id)
    root = scope_unit(current_user)
    if root is not None and not root.contains(unit):
        abort(403)
    return unit


@bp.route("/records/qualifications")
@login_required
def qualifications():
    if not access.can_see_qualifications(current_user):
        abort(403)
    days = min(max(request.args.get("days", 30, type=int), 0), 3650)
    unit = unit_filter()
    gaps = qualification_gaps(current_user, today=local_date(utcnow()), days=days, unit=unit)
    return render_template("records/qualifications.html", gaps=gaps, days=days, unit=unit,
                           day_choices=DAY_CHOICES, units=scoped_units())


def scoped_units() -> list[Unit]:
    """Units the viewer may filter by, in tree order."""
    root = scope_unit(current_user)
    stmt = select(Unit).where(Unit.is_archived.is_(False)).order_by(Unit.path)
    if root is not None:
        stmt = stmt.where(Unit.path.startswith(root.path))
    return list(db.session.scalars(stmt.limit(2000)))


def load_person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or not access.can_view_record(current_user, person):
        abort(404)  # the same answer for an id that does not exist: ids reveal nobody
    return person


def chosen_year() -> int:
    year = request.args.get("year", type=int) or local_date(utcnow()).year
    return min(max(year, 2000), 2100)


@bp.route("/records/")
@login_required
def my_record():
    return person_record(current_user.id)


@bp.route("/records/people/<int:user_id>")
@login_required
def person_record(user_id: int):
    person = load_person(user_id)
    year = chosen_year()
    return render_template("records/record.html", d=dossier.build(person, year), year=year)


@bp.route("/records/people/<int:user_id>/record.pdf")
@login_required
def person_record_pdf(user_id: int):
    person = load_person(user_id)
    year = chosen_year()
    data = dossier_pdf(dossier.build(person, year), local_date(utcnow()).isoformat())
    log_download("record.download", person.username, {"user_id": person.id, "year": year})
    return send_bytes(data, f"study-record-{person.username}-{year}.pdf", "pdf")


@bp.route("/records/people")
@login_required
def people():
    if not access.can_list_certificates(current_user):
        abort(403)
    q = (request.args.get("q") or "").strip()[:80]
    stmt = restrict_to_scope(select(User), current_user).order_by(User.name)
    if q:
        stmt = stmt.where(or_(User.name.contains(q, autoescape=True), User.username.contains(q, autoescape=True)))
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("records/people.html", page=page, q=q)


register_nav("records.my_record", _l("My study record"), _l("Credits, sessions, exams and certificates by year"),
             allowed=lambda u: True, order=61)
register_nav("records.people", _l("Study records"), _l("Anyone's study record in your scope, as a page or PDF"),
             allowed=access.can_list_certificates, order=62)


@bp.route("/records/promotion", methods=["GET", "POST"])
@login_required
def promotion():
    if not access.can_check_promotion(current_user):
        abort(403)
    form = PromotionForm()
    checks, year = None, chosen_year()
    if form.validate_on_submit():
        year = form.year.data or year
        lines = promotion_mod.lines_from_text(form.people.data)
        upload = form.upload.data
        if upload and getattr(upload, "filename", ""):
            lines += promotion_mod.first_column(read_table(upload.read(), upload.filename))
        checks = promotion_mod.run(current_user, lines, year)
        if request.form.get("format") == "xlsx":
            return promotion_xlsx(checks, year)
    elif not form.year.data:
        form.year.data = year
    return render_template("records/promotion.html", form=form, checks=checks, year=year)


def promotion_xlsx(checks, year: int):
    from ..reports.writers import SheetSpec, xlsx_bytes

    log_download("promotion.download", f"{len(checks)} candidates", {"year": year, "count": len(checks)})
    data = xlsx_bytes([SheetSpec(str(year), promotion_mod.header(), promotion_mod.rows(checks),
                                 widths=[14, 14, 10, 30, 8, 24, 40, 20, 20, 40])])
    return send_bytes(data, f"promotion-check-{year}.xlsx", "xlsx")


@bp.route("/records/qualifications.csv")
@login_required
def qualifications_csv():
    if not access.can_see_qualifications(current_user):
        abort(403)
    from flask_babel import gettext as _

    from ..reports.writers import csv_stream
    from .downloads import send_stream

    days = min(max(request.args.get("days", 30, type=int), 0), 3650)
    unit = unit_filter()
    gaps = qualification_gaps(current_user, today=local_date(utcnow()), days=days, unit=unit)
    log_download("qualification.download", unit.full_name if unit else "scope", {"days": days, "count": len(gaps)})
    labels = {"none": _("No certificate"), "expired": _("Expired"), "expiring": _("Expiring")}
    rows = ([g.person.unit.full_name, g.person.username, g.person.name, labels[g.status], g.valid_until]
            for g in gaps)
    header = [_("Unit"), _("Account"), _("Name"), _("Status"), _("Valid until")]
    return send_stream(csv_stream(header, rows), f"qualifications-{days}d.csv", "csv")
