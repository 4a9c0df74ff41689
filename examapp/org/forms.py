from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..choices import options

ACCOUNT_PATTERN = r"^[A-Za-z0-9_.\-]{2,64}$"


class PersonForm(FlaskForm):
    username = StringField(_l("Account"), validators=[DataRequired(), Regexp(ACCOUNT_PATTERN, message=_l(
        "2–64 letters, digits, '_', '.' or '-'."))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    unit_id = SelectField(_l("Unit"), coerce=int)
    role = SelectField(_l("Role"))
    scope_unit_id = SelectField(_l("What an HR account sees"), coerce=int, default=0)
    position = StringField(_l("Position"), validators=[Optional(), Length(max=80)])
    rank = StringField(_l("Rank"), validators=[Optional(), Length(max=80)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Regexp(r"^1\d{10}$", message=_l(
        "An 11-digit mobile number."))])
    is_leader = BooleanField(_l("Leading cadre"))
    is_grid_worker = BooleanField(_l("Grid worker"))
    is_enforcement = BooleanField(_l("Law-enforcement officer"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])
    approver = StringField(_l("Approved by"), validators=[Optional(), Length(max=80)])


class ConfirmForm(FlaskForm):
    """A bare form: only the CSRF token."""


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[FileRequired()])


class IssuePasswordsForm(FlaskForm):
    """Issue one-time passwords for an import, as a slip sheet to print or a spreadsheet."""

    format = SelectField(_l("Give me"), default="pdf", choices=options([
        ("pdf", _l("Slips to print and cut (PDF, eight per A4 page)")), ("xlsx", _l("A spreadsheet (.xlsx)"))]))
