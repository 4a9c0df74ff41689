"""Import pages: upload → preview (nothing written) → confirm; the error file to fix and re-upload."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import utcnow
from ..errors import DomainError
from ..extensions import db
from ..progress import web_progress
from ..uploads import annotate
from . import staging
from .formats.xlsx_csv import ERROR_COLUMN
from .forms import ConfirmImportForm, ImportForm
from .importer import ImportReport, import_questions
from .models import CONFIDENTIAL
from .views import XLSX, bp, staff


def run(token: str, skip: bool, dry_run: bool, dupes: bool = False, visibility: str = CONFIDENTIAL):
    """Check (a preview) or import a staged upload; a confirmation writes its preview's result when still valid."""
    data, filename = staging.fetch(current_user.id, token)
    mark = staging.stamp(data, skip, dupes)  # before checking: a change to the bank meanwhile makes it stale
    kept = None if dry_run else staging.recall(current_user.id, token, mark)
    with web_progress(current_user.id, request.form.get("job")) as step:
        report = import_questions(data, filename, current_user, utcnow(), dry_run=dry_run, skip_unsupported=skip,
                                  skip_duplicates=dupes, visibility=visibility, step=step,
                                  checked=ImportReport.from_checked(kept) if kept else None)
    if dry_run and report.ok:
        staging.remember(current_user.id, token, mark, report.checked_state())
    return report


def preview_page(report, token: str, skip: bool, dupes: bool, form=None):
    """The preview of a staged upload under the chosen skip options (nothing written)."""
    confirm = form or ConfirmImportForm(token=token, skip_unsupported="1" if skip else "",
                                        skip_duplicates="1" if dupes else "")
    return render_template("bank/import_preview.html", report=report, confirm=confirm, token=token,
                           tabular=report.kind in ("xlsx", "csv")), 200 if report.ok else 422


@bp.route("/import", methods=["GET", "POST"])
@staff
def import_upload():
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("bank/import.html", form=form, fatal=None), 422 if form.is_submitted() else 200
    upload = form.file.data
    data = upload.read(staging_limit() + 1)
    token = None
    try:
        if len(data) > staging_limit():
            raise DomainError(_("The file is larger than %(mb)s MB.", mb=staging_limit() // 1024 // 1024))
        token = staging.keep(current_user.id, data, upload.filename or "upload")
        report = run(token, form.skip_unsupported.data, dry_run=True, dupes=form.skip_duplicates.data)
    except DomainError as exc:
        db.session.rollback()
        if token:  # unreadable: nothing to fix and confirm, so nothing to keep
            staging.drop(current_user.id, token)
        return render_template("bank/import.html", form=form, fatal=exc.message), 422
    db.session.rollback()
    return preview_page(report, token, form.skip_unsupported.data, form.skip_duplicates.data)


@bp.route("/import/<token>/preview")
@staff
def import_preview(token: str):
    """Check the staged upload again with other skip options (the preview page's checkboxes)."""
    skip, dupes = request.args.get("skip") == "1", request.args.get("dupes") == "1"
    report = run(token, skip, dry_run=True, dupes=dupes)
    db.session.rollback()
    return preview_page(report, token, skip, dupes)


def staging_limit() -> int:
    from ..uploads import MAX_UPLOAD_BYTES

    return MAX_UPLOAD_BYTES


@bp.route("/import/confirm", methods=["POST"])
@staff
def import_confirm():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        if form.token.data and set(form.errors) == {"visibility"}:
            flash(_("Choose public or confidential."), "error")
            return redirect(url_for("bank.import_preview", token=form.token.data, skip=form.skip_unsupported.data,
                                    dupes=form.skip_duplicates.data))
        flash(_("The form expired; upload the file again."), "error")
        return redirect(url_for("bank.import_upload"))
    token = form.token.data
    skip, dupes = form.skip_unsupported.data == "1", form.skip_duplicates.data == "1"
    report = run(token, skip, dry_run=False, dupes=dupes, visibility=form.visibility.data)
    if not report.ok:
        db.session.rollback()
        return preview_page(report, token, skip, dupes, form)
    db.session.commit()
    staging.drop(current_user.id, token)
    flash(report.summary(), "success")
    if report.skipped_duplicates:
        flash(_("Skipped as duplicates: %(list)s", list="；".join(
            _("%(word)s %(line)s", word=report.line_word, line=line) + f"（{message}）"
            for line, message in report.skipped_duplicates)), "info")
    return redirect(url_for("bank.index"))


@bp.route("/import/<token>/errors")
@staff
def import_errors(token: str):
    """The uploaded file back with an error column (spreadsheets) or a list of problems (text files)."""
    skip = request.args.get("skip") == "1"
    report = run(token, skip, dry_run=True, dupes=request.args.get("dupes") == "1")
    db.session.rollback()
    data, filename = staging.fetch(current_user.id, token)
    if report.kind in ("xlsx", "csv"):
        messages = {line: "；".join(ms) for line, ms in report.errors.items()}
        body, kind = annotate(data, filename, messages, ERROR_COLUMN)
        stem = filename.rsplit(".", 1)[0]
        mimetype = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
        return Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(stem)}-errors.{kind}"})
    text = "\n".join(report.messages()) + "\n"
    return Response(text.encode("utf-8"), mimetype="text/plain; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=import-errors.txt"})


def quote(text: str) -> str:
    from urllib.parse import quote as url_quote

    return url_quote(text)
