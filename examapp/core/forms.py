"""Forms of the core pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional


class AuditFilterForm(FlaskForm):
    """Filter the audit log by what happened, who did it and when (days in the site's zone)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Event"), validators=[Optional()])
    actor = StringField(_l("Person (account or name)"), validators=[Optional(), Length(max=80)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To (inclusive)"), validators=[Optional()])
