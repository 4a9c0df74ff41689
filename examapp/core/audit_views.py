"""The audit log page: administrators read and filter; nobody edits."""

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from .. import permissions as perm
from ..audit import AuditEvent, verify_chain
from ..choices import options
from ..extensions import db
from ..localtime import from_local
from ..org.models import User
from .describe import ACTIONS, action_label, describe_events, target_text
from .forms import AuditFilterForm
from .nav import register_nav

bp = Blueprint("audit", __name__, url_prefix="/audit")
register_nav("audit.events", _l("Audit log"), _l("Logins, imports, changes and downloads"),
             perm.can_read_audit, order=95)
PER_PAGE = 50


def action_choices() -> list[tuple[str, str]]:
    """Every event kind by its name: the known ones and any other the log holds."""
    codes = set(ACTIONS) | set(db.session.scalars(select(AuditEvent.action).distinct()))
    labelled = sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1])
    return [("", str(_l("All events")))] + labelled


def filtered_events(form: AuditFilterForm):
    """Return the events matching the filter, newest first; days are read in the site's zone."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if form.action.data:
        stmt = stmt.where(AuditEvent.action == form.action.data)
    if who := (form.actor.data or "").strip():
        named = select(User.id).where(User.name == who)
        stmt = stmt.where(or_(AuditEvent.actor_name == who, AuditEvent.actor_id.in_(named),
                              AuditEvent.target == who))
    if form.date_from.data:
        stmt = stmt.where(AuditEvent.at >= from_local(datetime.combine(form.date_from.data, time())))
    if form.date_to.data:
        end = datetime.combine(form.date_to.data + timedelta(days=1), time())
        stmt = stmt.where(AuditEvent.at < from_local(end))
    return stmt


@bp.route("/")
@perm.roles_required(perm.ADMIN)
def events():
    form = AuditFilterForm(request.args)
    form.action.choices = options(action_choices())
    if not form.validate():
        form = AuditFilterForm(formdata=None)
        form.action.choices = options(action_choices())
    page = db.paginate(filtered_events(form), page=request.args.get("page", 1, type=int), per_page=PER_PAGE,
                       error_out=False)
    broken = verify_chain() if request.args.get("verify") else None
    return render_template("core/audit.html", form=form, page=page, broken=broken,
                           details=describe_events(page.items), action_label=action_label,
                           target_text=target_text, args=request.args.to_dict(flat=True))
