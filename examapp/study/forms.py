"""Forms: the yearly requirement, an organised session, a case study."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..choices import options


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequirementForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    credits_required = FloatField(_l("Study credits required before the exam"),
                                  validators=[InputRequired(), NumberRange(0, 1000)])
    hours_required = FloatField(_l("Study hours required per year"), validators=[InputRequired(), NumberRange(0, 2000)])
    leader_sessions_required = IntegerField(_l("Organised study sessions required of leading cadres"),
                                            validators=[InputRequired(), NumberRange(0, 100)])
    daily_cap_minutes = IntegerField(_l("Reading minutes credited per day at most"),
                                     validators=[InputRequired(), NumberRange(1, 1440)])
    minutes_per_credit = IntegerField(_l("Reading minutes per credit"),
                                      validators=[InputRequired(), NumberRange(1, 600)])
    case_credits = FloatField(_l("Credits per finished case study"), validators=[InputRequired(), NumberRange(0, 100)])
    session_hours = FloatField(_l("Default hours of an organised session"),
                               validators=[InputRequired(), NumberRange(0, 24)])
    practice_answers_per_credit = IntegerField(_l("Correct practice answers per credit (0: practice earns none)"),
                                               validators=[InputRequired(), NumberRange(0, 1000)])
    practice_daily_cap = FloatField(_l("Practice credits per day at most"),
                                    validators=[InputRequired(), NumberRange(0, 100)])


class SessionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=options([
        ("organised", _l("Organised study (集中学法)")), ("lecture", _l("Lecture"))]))
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    topic = StringField(_l("Topic"), validators=[DataRequired(), Length(max=200)])
    speaker = StringField(_l("Speaker"), validators=[Optional(), Length(max=80)])
    hours = FloatField(_l("Hours"), validators=[InputRequired(), NumberRange(0, 24)])
    unit_id = SelectField(_l("Organising unit"), coerce=int)
    laws = MultiCheckboxField(_l("Laws covered"), coerce=int)
    attendees = MultiCheckboxField(_l("Attendees"), coerce=int)
    sheet = FileField(_l("Or import attendees from a sheet (.xlsx or .csv with a 账号 or 姓名 column)"),
                      validators=[FileAllowed(["xlsx", "csv"])])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class CaseForm(FlaskForm):
    code = StringField(_l("Case code"), validators=[DataRequired(), Length(min=3, max=60)])
    title = StringField(_l("Case title"), validators=[DataRequired(), Length(max=200)])
    scenario = TextAreaField(_l("Scenario"), validators=[DataRequired(), Length(max=10000)])
    analysis = TextAreaField(_l("Analysis"), validators=[DataRequired(), Length(max=20000)])
    articles = TextAreaField(_l("Articles it turns on"), validators=[DataRequired(), Length(max=4000)])
    tags = StringField(_l("Tags (separated by spaces)"), validators=[Optional(), Length(max=200)])
    published = BooleanField(_l("Published"), default=True)
