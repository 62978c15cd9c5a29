"""Forms for signing in, registering, resetting passwords and managing staff."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.accounts.models import Role
from app.accounts.rules.passwords import MAX_LENGTH, MIN_LENGTH
from app.accounts.services.organisations import SmeFigures
from app.core.classifications import (
    FORD_FIELDS,
    NACE_REVISIONS,
    NACE_SECTIONS,
    ORG_TYPE_LABELS,
)
from app.core.formatting import country_choices
from app.core.forms import AmountField
from app.core.i18n import language_names

PASSWORD_HELP = f"At least {MIN_LENGTH} characters; long passphrases are welcome."


def _password(label: str = "Password") -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(MIN_LENGTH, MAX_LENGTH)],
                         description=PASSWORD_HELP)


class LoginForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Sign in")


class SmeFiguresFields(FlaskForm):
    """The figures OpenCall derives SME status from (Recommendation 2003/361/EC); no box to
    tick: the size follows from them (accounts/rules/sme.py)."""

    staff_headcount = IntegerField(
        "Staff headcount", validators=[Optional(), NumberRange(min=0)],
        description="Annual work units of the last closed year; micro < 10, small < 50, "
                    "medium < 250.")
    annual_turnover_amount = AmountField(
        "Annual turnover (EUR)", validators=[Optional(), NumberRange(min=0)],
        description="Micro ≤ EUR 2 m, small ≤ 10 m, medium ≤ 50 m.")
    balance_sheet_amount = AmountField(
        "Balance-sheet total (EUR)", validators=[Optional(), NumberRange(min=0)],
        description="Micro ≤ EUR 2 m, small ≤ 10 m, medium ≤ 43 m. Turnover or balance sheet "
                    "is enough.")
    sme_figures_year = IntegerField("Year of the figures", validators=[Optional()],
                                    description="The last closed financial year.")
    sme_figures_note = TextAreaField(
        "Partner and linked enterprises", validators=[Optional(), Length(max=1000)],
        description="If the figures add up partner or linked enterprises, say which and how "
                    "(e.g. “includes 30 % of Parent GmbH”). OpenCall records your "
                    "declaration; it does not compute it.")

    def sme_figures(self) -> SmeFigures:
        return SmeFigures(
            staff_headcount=self.staff_headcount.data,
            annual_turnover_amount=self.annual_turnover_amount.data,
            balance_sheet_amount=self.balance_sheet_amount.data,
            sme_figures_year=self.sme_figures_year.data,
            sme_figures_note=self.sme_figures_note.data or None)


class OrganisationFields(SmeFiguresFields):
    """The organisation profile at registration (SME figures optional)."""

    org_name = StringField("Organisation name", validators=[DataRequired(), Length(max=300)])
    short_name = StringField("Short name", validators=[Optional(), Length(max=80)])
    country = SelectField("Country", validators=[DataRequired()],
                          description="Where the organisation is legally established.")
    org_type = SelectField("Type", choices=list(ORG_TYPE_LABELS.items()),
                           validators=[DataRequired()])
    nace_code = StringField("NACE code", validators=[Optional(), Length(max=10)],
                            description="For example J62.01 (section letter and class).")
    nace_revision = SelectField("NACE revision", choices=[("", "—")] + [
        (r, f"Rev. {r}") for r in NACE_REVISIONS], validators=[Optional()])
    fields_of_science = SelectMultipleField(
        "Fields of science", choices=list(FORD_FIELDS.items()), validators=[Optional()],
        description="OECD Frascati fields your organisation works in; hold Ctrl to pick several.")
    identifier = StringField("VAT number or PIC", validators=[Optional(), Length(max=40)])
    website = StringField("Website", validators=[Optional(), URL(), Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", "Choose a country")] + country_choices()

    def validate_nace_code(self, field):
        if field.data and field.data[0].upper() not in NACE_SECTIONS:
            raise ValidationError("Start with a NACE section letter A to U.")


class RegistrationForm(OrganisationFields):
    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail address", validators=[DataRequired(), Email(), Length(max=254)])
    password = _password()
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired(), EqualTo("password", "The passwords differ.")])
    submit = SubmitField("Create account")


class ResendVerificationForm(FlaskForm):
    submit = SubmitField("Send the link again")


class ResetRequestForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired(), Email()])
    submit = SubmitField("Send me a reset link")


class ResetPasswordForm(FlaskForm):
    password = _password("New password")
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired(), EqualTo("password", "The passwords differ.")])
    submit = SubmitField("Set password")


class AcceptInvitationForm(ResetPasswordForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Accept invitation")


STAFF_ROLE_CHOICES = [(r.value, r.label) for r in
                      (Role.admin, Role.programme_officer, Role.finance_officer, Role.organiser)]


class StaffUserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail address", validators=[DataRequired(), Email(), Length(max=254)])
    roles = SelectMultipleField("Roles", choices=STAFF_ROLE_CHOICES, validators=[DataRequired()])
    funder_id = SelectField("Funder", coerce=lambda v: int(v) if v else None,
                            validators=[Optional()],
                            description="Officers see only the calls of their funder.")
    submit = SubmitField("Create staff account")


class EvaluatorInvitationForm(FlaskForm):
    email = EmailField("Expert's e-mail address",
                       validators=[DataRequired(), Email(), Length(max=254)])
    funder_id = SelectField("Funder", coerce=lambda v: int(v) if v else None,
                            validators=[Optional()])
    submit = SubmitField("Send invitation")


class SecondFactorCodeForm(FlaskForm):
    code = StringField("Code from your authenticator app",
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                                  "autofocus": True},
                       description="Six digits, or one of your recovery codes if you do not "
                                   "have your device.")
    submit = SubmitField("Confirm")


class EnrolmentForm(FlaskForm):
    code = StringField("First code shown by the app",
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
                       description="Six digits: this shows the app is set up right.")
    submit = SubmitField("Turn on two-factor sign-in")


ALL_ROLE_CHOICES = [(r.value, r.label) for r in Role]


class RolesForm(FlaskForm):
    roles = SelectMultipleField("Roles", choices=ALL_ROLE_CHOICES,
                                description="Hold Ctrl (or Cmd) to choose several.")
    submit = SubmitField("Save roles")


class TurnOffSecondFactorForm(FlaskForm):
    confirm = BooleanField("I understand that my password alone will sign me in again",
                           validators=[DataRequired()])
    submit = SubmitField("Turn off two-factor sign-in")


class ResetSecondFactorForm(FlaskForm):
    reason = StringField("How you checked who asked",
                         validators=[DataRequired(), Length(max=300)],
                         description="For example: called back on the number in the staff "
                                     "directory. Kept in the audit trail.")
    confirm = BooleanField("I understand that their authenticator and recovery codes stop "
                           "working now", validators=[DataRequired()])
    submit = SubmitField("Reset second factor")


class LanguageForm(FlaskForm):
    """The switcher in every page's header; `next` brings the visitor back to where they were."""

    language = SelectField("Language", choices=[])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_names()
