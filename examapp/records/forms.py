"""Forms of the records pages (CSRF on every form)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class PromotionForm(FlaskForm):
    people = TextAreaField(_l("Accounts or names, one per line"), validators=[Optional(), Length(max=20000)])
    upload = FileField(_l("Or upload a list (.xlsx or .csv, first column: account or name)"))
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a public GET look-up changes nothing

    serial = StringField(_l("Serial number"), validators=[DataRequired(), Length(max=40)])
