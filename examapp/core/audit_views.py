"""The audit log page: administrators read and filter; nobody edits."""

from datetime import UTC, datetime, timedelta

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import permissions as perm
from ..audit import AuditEvent, verify_chain
from ..extensions import db
from ..org.forms import AuditFilterForm
from .nav import register_nav

bp = Blueprint("audit", __name__, url_prefix="/audit")
register_nav("audit.events", _l("Audit log"), _l("Logins, imports, changes and downloads"),
             perm.can_read_audit, order=95)


def parse_day(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text or "", "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def filtered_events(form: AuditFilterForm):
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if form.action.data:
        stmt = stmt.where(AuditEvent.action.like(f"%{form.action.data.strip()}%"))
    if form.actor.data:
        stmt = stmt.where(AuditEvent.actor_name == form.actor.data.strip())
    if start := parse_day(form.date_from.data):
        stmt = stmt.where(AuditEvent.at >= start - timedelta(hours=8))
    if end := parse_day(form.date_to.data):
        stmt = stmt.where(AuditEvent.at < end + timedelta(hours=16))
    return stmt


@bp.route("/")
@perm.roles_required(perm.ADMIN)
def events():
    form = AuditFilterForm(request.args)
    page = db.paginate(filtered_events(form), page=request.args.get("page", 1, type=int), per_page=100,
                       error_out=False)
    broken = verify_chain() if request.args.get("verify") else None
    return render_template("core/audit.html", form=form, page=page, broken=broken,
                           args=request.args.to_dict(flat=True))
