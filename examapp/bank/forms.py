"""Examiner forms: a question, an import upload, and bare confirmations."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..choices import options

TYPE_CHOICES = [("single", _l("Single choice")), ("multiple", _l("Multiple choice")),
                ("true_false", _l("True/false")), ("blank", _l("Fill in the blank")), ("case", _l("Case analysis"))]
STATUS_CHOICES = [("active", lazy_pgettext("question status", "Active")), ("draft", _l("Draft")),
                  ("retired", lazy_pgettext("question status", "Retired"))]
VISIBILITY_CHOICES = [("confidential", _l("Confidential (exams only)")), ("public", _l("Public (study and practice)"))]
AUDIENCE_CHOICES = [("all", _l("Everyone")), ("leaders", _l("Leading cadres")),
                    ("enforcement", _l("Law-enforcement officers")), ("grid", _l("Grid workers"))]


class QuestionForm(FlaskForm):
    type = SelectField(_l("Type"), choices=options(TYPE_CHOICES))
    stem = TextAreaField(_l("Stem (for a case: the scenario)"), validators=[DataRequired(), Length(max=5000)])
    option_a = StringField(_l("Option A"), validators=[Optional(), Length(max=1000)])
    option_b = StringField(_l("Option B"), validators=[Optional(), Length(max=1000)])
    option_c = StringField(_l("Option C"), validators=[Optional(), Length(max=1000)])
    option_d = StringField(_l("Option D"), validators=[Optional(), Length(max=1000)])
    option_e = StringField(_l("Option E"), validators=[Optional(), Length(max=1000)])
    option_f = StringField(_l("Option F"), validators=[Optional(), Length(max=1000)])
    option_g = StringField(_l("Option G"), validators=[Optional(), Length(max=1000)])
    option_h = StringField(_l("Option H"), validators=[Optional(), Length(max=1000)])
    answer = StringField(_l("Answer"), validators=[Optional(), Length(max=1000)])
    explanation = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=5000)])
    basis = StringField(_l("Legal basis"), validators=[Optional(), Length(max=1000)])
    difficulty = IntegerField(_l("Difficulty (1–5)"), default=3, validators=[NumberRange(1, 5)])
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)])
    audience = SelectField(_l("Audience"), choices=options(AUDIENCE_CHOICES))
    status = SelectField(_l("Status"), choices=options(STATUS_CHOICES))
    subquestions = TextAreaField(_l("Sub-questions (case only, YAML)"), validators=[Optional(), Length(max=20000)])


class ImportForm(FlaskForm):
    file = FileField(_l("File (.xlsx, .csv, .gift, Aiken .txt, .yaml or .json)"), validators=[FileRequired()])
    skip_unsupported = BooleanField(_l("Skip question types this system does not have"))
    skip_duplicates = BooleanField(_l("Skip questions that duplicate another in the file or the bank"))


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    visibility = RadioField(_l("New questions are"), choices=options(VISIBILITY_CHOICES), default="confidential")
    skip_unsupported = HiddenField()
    skip_duplicates = HiddenField()


class VisibilityForm(FlaskForm):
    visibility = SelectField(_l("Visibility"), choices=options(VISIBILITY_CHOICES))


class ConfirmForm(FlaskForm):
    """A bare form: only the CSRF token."""


class ReportForm(FlaskForm):
    """A learner's error report (纠错); where the question was shown travels in the query string."""

    reason = SelectField(_l("What is wrong?"), choices=[])
    detail = TextAreaField(_l("Details (optional, up to 500 characters)"), validators=[Optional(), Length(max=500)])


class ResolveForm(FlaskForm):
    """An examiner's answer to the open reports of one question."""

    reply = TextAreaField(_l("Reply to the learners"), validators=[Optional(), Length(max=1000)])
    action = HiddenField()
