"""Certificates pages, the public /verify page, and the other records pages' registration.

The blueprint has no URL prefix because /verify/<serial> must be public and short;
every other route starts with /records itself.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..core.nav import register_nav
from ..db import utcnow
from ..extensions import db, limiter
from ..org.models import Unit, User
from ..permissions import restrict_to_scope, scope_unit
from . import access, services
from .bundle import zip_chunks
from .certificate_pdf import certificate_pdf
from .downloads import log_download, send_bytes, send_stream
from .forms import RevokeForm, VerifyForm
from .models import Certificate

bp = Blueprint("records", __name__)
ZIP_BATCH = 200  # certificates read from the database at a time while the ZIP streams


def load_certificate(serial: str) -> Certificate:
    """The certificate, if this person may see it; someone else's answers as a missing one (no existence oracle)."""
    cert = services.find(serial)
    if cert is None or not access.can_view_certificate(current_user, cert):
        abort(404)
    return cert


@bp.route("/records/certificates")
@login_required
def certificates():
    year = request.args.get("year", type=int)
    stmt = select(Certificate).join(User, Certificate.user_id == User.id)
    if access.can_list_certificates(current_user):
        stmt = restrict_to_scope(stmt, current_user)
    else:
        stmt = stmt.where(Certificate.user_id == current_user.id)
    if year:
        stmt = stmt.where(Certificate.exam_year == year)
    stmt = stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("records/certificates.html", page=page, year=year,
                           zip_unit=scope_unit(current_user) or current_user.unit)


@bp.route("/records/certificates/<serial>")
@login_required
def certificate(serial: str):
    cert = load_certificate(serial)
    status = services.verify(cert.serial, today=services.local_date(utcnow())).status
    return render_template("records/certificate.html", cert=cert, status=status, form=RevokeForm(),
                           can_revoke=access.can_revoke_certificates(current_user))


@bp.route("/records/certificates/<serial>.pdf")
@login_required
def certificate_download(serial: str):
    cert = load_certificate(serial)
    log_download("certificate.download", cert.serial, {"holder_id": cert.user_id})
    return send_bytes(certificate_pdf(cert), f"{cert.serial}.pdf", "pdf")


@bp.route("/records/certificates/<serial>/revoke", methods=["POST"])
@login_required
def revoke(serial: str):
    if not access.can_revoke_certificates(current_user):  # the role first: 403 says nothing about the serial
        abort(403)
    cert = load_certificate(serial)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the revocation."), "error")
        return redirect(url_for("records.certificate", serial=cert.serial))
    services.revoke(cert, actor=current_user, reason=form.reason.data, now=utcnow())
    db.session.commit()
    flash(_("The certificate was revoked."), "success")
    return redirect(url_for("records.certificate", serial=cert.serial))


@bp.route("/records/units/<int:unit_id>/certificates.zip")
@login_required
def unit_zip(unit_id: int):
    if not access.can_list_certificates(current_user):  # the role first: 403 says nothing about the unit
        abort(403)
    unit = db.session.get(Unit, unit_id)
    root = scope_unit(current_user)
    if unit is None or (root is not None and not root.contains(unit)):
        abort(404)  # out of scope answers as missing (no existence oracle)
    year = request.args.get("year", type=int)
    stmt = services.unit_certificates(unit, current_user, year=year)
    count = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    log_download("certificate.zip", unit.full_name, {"unit_id": unit.id, "year": year, "count": count})
    return send_stream(zip_chunks(batched(stmt)), f"certificates-{unit.id}{'-' + str(year) if year else ''}.zip",
                       "zip")


def batched(stmt):
    """Read the certificates a batch at a time, only once the body is being sent (inside the streaming context)."""
    yield from db.session.scalars(stmt.execution_options(yield_per=ZIP_BATCH))


@bp.route("/verify", strict_slashes=False)
def verify_lookup():
    form = VerifyForm(request.args)
    if request.args.get("serial") and form.validate():
        return redirect(url_for("records.verify", serial=services.signing.normalise_serial(form.serial.data)))
    return render_template("records/verify.html", form=form, result=None, serial=None)


@bp.route("/verify/<serial>")
@limiter.limit("60 per minute")
def verify(serial: str):
    result = services.verify(serial, today=services.local_date(utcnow()))
    status = 404 if result.status == "unknown" else 200
    return render_template("records/verify.html", form=VerifyForm(data={"serial": serial}), result=result,
                           serial=serial, masked=services.mask_name(result.certificate.holder_name)
                           if result.certificate else ""), status


register_nav("records.certificates", _l("Certificates"), _l("Certificates of passed exams"),
             allowed=lambda u: True, order=60)

from . import record_views  # noqa: E402,F401  (routes on the same blueprint)
