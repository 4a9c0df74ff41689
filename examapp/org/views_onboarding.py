"""After an import: the people it created, and their one-time passwords for the whole batch."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..db import utcnow
from ..extensions import db
from ..records.downloads import send_bytes
from .forms import IssuePasswordsForm
from .onboarding import batch_people, issue_batch_passwords, load_batch, may_issue_password
from .slips import slips_pdf, slips_xlsx
from .views import MANAGER_ROLES, bp


@bp.route("/import/batches/<int:batch_id>")
@perm.roles_required(*MANAGER_ROLES)
def import_batch(batch_id: int):
    batch = load_batch(current_user, batch_id)
    people = batch_people(batch)
    served = {p.id for p in people if may_issue_password(current_user, p)}
    return render_template("org/import_batch.html", batch=batch, people=people, served=served,
                           form=IssuePasswordsForm())


@bp.route("/import/batches/<int:batch_id>/passwords", methods=["POST"])
@perm.roles_required(*MANAGER_ROLES)
def issue_passwords(batch_id: int):
    batch = load_batch(current_user, batch_id)
    form = IssuePasswordsForm()
    if not form.validate_on_submit():
        return redirect(url_for("org.import_batch", batch_id=batch.id))
    slips, _skipped = issue_batch_passwords(current_user, batch, utcnow())
    db.session.commit()  # the passwords change (and are audited) before the only copy is sent
    name = _("One-time passwords, import %(n)s", n=batch.id)
    if form.format.data == "xlsx":
        return send_bytes(slips_xlsx(slips), f"{name}.xlsx", "xlsx", f"passwords-import-{batch.id}.xlsx")
    return send_bytes(slips_pdf(slips, name), f"{name}.pdf", "pdf", f"passwords-import-{batch.id}.pdf")
