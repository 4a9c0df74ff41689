"""Exam forms (Flask-WTF: CSRF on every form)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..choices import options


class ConfirmForm(FlaskForm):
    """A button-only form (start, submit, publish, run regrade): just the CSRF token."""


class ExamForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    opens_at = DateTimeLocalField(_l("Opens (Beijing time)"), validators=[InputRequired()])
    closes_at = DateTimeLocalField(_l("Closes (Beijing time)"), validators=[InputRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=90, validators=[InputRequired(),
                                                                                      NumberRange(1, 600)])
    pass_mark = DecimalField(_l("Pass mark"), default=60, places=2, validators=[InputRequired(), NumberRange(0)])
    excellent_mark = DecimalField(_l("Excellent mark"), default=90, places=2,
                                  validators=[InputRequired(), NumberRange(0)])
    max_attempts = IntegerField(_l("Attempts allowed"), default=3, validators=[InputRequired(), NumberRange(1, 20)])
    counted_rule = SelectField(_l("Which attempt counts"), choices=options([
        ("highest", _l("Highest score")), ("latest", _l("Latest attempt"))]))
    multiple_rule = SelectField(_l("Multiple choice"), choices=options([
        ("all_or_nothing", _l("All or nothing")),
        ("partial", _l("Partial credit for a correct subset, none for a wrong option"))]))
    partial_share = DecimalField(_l("Share for a correct subset"), default=0.5, places=2,
                                 validators=[InputRequired(), NumberRange(0, 1)])
    makeup_opens_at = DateTimeLocalField(_l("Make-up opens (optional)"), validators=[Optional()])
    makeup_closes_at = DateTimeLocalField(_l("Make-up closes (optional)"), validators=[Optional()])
    review_policy = SelectField(_l("Review policy"), choices=options([
        ("after_submit", _l("After submitting")), ("after_close", _l("After the window closes")),
        ("never", _l("Never"))]))
    review_shows_key = BooleanField(_l("Review shows the key and explanation"), default=True)
    counts_toward_record = BooleanField(_l("Counts toward the yearly record"), default=True)
    is_kept_out_of_practice = BooleanField(_l("Keep its questions out of practice while it is open"))
    allows_public_questions = BooleanField(_l("Also draw public questions (published for study, keys included)"))
    is_qualification = BooleanField(_l("Law-enforcement qualification exam"))
    certificate_valid_months = IntegerField(_l("Certificate valid for (months)"),
                                            validators=[Optional(), NumberRange(1, 240)])
    leave_policy = SelectField(_l("When a learner leaves the exam page"), default="record", choices=options([
        ("record", _l("Record it for the examiner (default)")),
        ("warn", _l("Record it and warn the learner on every return")),
        ("submit", _l("Record it, warn, and submit the paper after too many leaves"))]))
    leave_limit = IntegerField(_l("Leaves allowed before the paper is submitted"),
                               validators=[Optional(), NumberRange(1, 100)])
    audience_units = SelectMultipleField(_l("Units (with their subtrees; none = everyone)"), coerce=int)
    audience_roles = SelectMultipleField(_l("Roles"), choices=options([
        ("learner", _l("Learner")), ("unit_admin", _l("Unit administrator")), ("examiner", _l("Examiner")),
        ("hr", _l("HR")), ("admin", _l("System administrator"))]))
    audience_leaders = BooleanField(_l("Leading cadres"))
    audience_grid = BooleanField(_l("Grid workers"))
    audience_enforcement = BooleanField(_l("Law-enforcement officers"))
    eligibility_credits = BooleanField(_l("Only those who reached this year's study credits"))


class RuleForm(FlaskForm):
    variant = SelectField(_l("Paper"), default="default", choices=options([
        ("default", _l("Everyone")), ("leaders", _l("Leading cadres")),
        ("enforcement", _l("Law-enforcement officers")), ("grid", _l("Grid workers"))]))
    section = StringField(_l("Section title"), validators=[Optional(), Length(max=120)])
    type = SelectField(_l("Question type"), default="", choices=options([
        ("", _l("Any")), ("single", _l("Single choice")), ("multiple", _l("Multiple choice")),
        ("true_false", _l("True or false")), ("blank", _l("Fill in the blank")), ("case", _l("Case analysis"))]))
    law = SelectField(_l("Law"), choices=[], validate_choice=False)
    chapter = StringField(_l("Chapter (optional)"), validators=[Optional(), Length(max=200)])
    tag = StringField(_l("Tag (optional)"), validators=[Optional(), Length(max=60)])
    difficulty = SelectField(_l("Difficulty"), default="",
                             choices=options([("", _l("Any"))] + [(str(n), str(n)) for n in range(1, 6)]))
    audience = SelectField(_l("Audience hint"), default="", choices=options([
        ("", _l("Any")), ("leaders", _l("Leading cadres")), ("enforcement", _l("Law-enforcement officers")),
        ("grid", _l("Grid workers"))]))
    count = IntegerField(_l("How many"), validators=[InputRequired(), NumberRange(1, 200)])
    points = DecimalField(_l("Points each"), places=2, validators=[InputRequired(), NumberRange(0.01, 100)])


class OverrideForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    kind = SelectField(_l("Kind"), choices=options([
        ("extra_time", _l("Extra time")), ("extra_attempt", _l("Extra attempt")),
        ("reopen", _l("Reopen the window"))]))
    minutes = IntegerField(_l("Extra minutes"), validators=[Optional(), NumberRange(1, 600)])
    until_at = DateTimeLocalField(_l("Reopen until (Beijing time)"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
