"""Forms for signing in, registering, resetting passwords and managing staff."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
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

from app.accounts.models import ROLE_LABELS, Role
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

PASSWORD_HELP = _l("At least %(count)d characters; long passphrases are welcome.",
                   count=MIN_LENGTH)


def _password(label: str = _l("Password")) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(MIN_LENGTH, MAX_LENGTH)],
                         description=PASSWORD_HELP)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Sign in"))


class SmeFiguresFields(FlaskForm):
    """The figures OpenCall derives SME status from (Recommendation 2003/361/EC); no box to
    tick: the size follows from them (accounts/rules/sme.py)."""

    staff_headcount = IntegerField(
        _l("Staff headcount"), validators=[Optional(), NumberRange(min=0)],
        description=_l("Annual work units of the last closed year; micro < 10, small < 50, "
                       "medium < 250."))
    annual_turnover_amount = AmountField(
        _l("Annual turnover (EUR)"), validators=[Optional(), NumberRange(min=0)],
        description=_l("Micro ≤ EUR 2 m, small ≤ 10 m, medium ≤ 50 m."))
    balance_sheet_amount = AmountField(
        _l("Balance-sheet total (EUR)"), validators=[Optional(), NumberRange(min=0)],
        description=_l("Micro ≤ EUR 2 m, small ≤ 10 m, medium ≤ 43 m. Turnover or balance sheet "
                       "is enough."))
    sme_figures_year = IntegerField(_l("Year of the figures"), validators=[Optional()],
                                    description=_l("The last closed financial year."))
    sme_figures_note = TextAreaField(
        _l("Partner and linked enterprises"), validators=[Optional(), Length(max=1000)],
        description=_l("If the figures add up partner or linked enterprises, say which and how "
                       "(e.g. “includes %(share)s of Parent GmbH”). OpenCall records your "
                       "declaration; it does not compute it.", share="30 %"))

    def sme_figures(self) -> SmeFigures:
        return SmeFigures(
            staff_headcount=self.staff_headcount.data,
            annual_turnover_amount=self.annual_turnover_amount.data,
            balance_sheet_amount=self.balance_sheet_amount.data,
            sme_figures_year=self.sme_figures_year.data,
            sme_figures_note=self.sme_figures_note.data or None)


class OrganisationFields(SmeFiguresFields):
    """The organisation profile at registration (SME figures optional)."""

    org_name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=300)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=80)])
    country = SelectField(_l("Country"), validators=[DataRequired()],
                          description=_l("Where the organisation is legally established."))
    org_type = SelectField(_l("Type"), choices=list(ORG_TYPE_LABELS.items()),
                           validators=[DataRequired()])
    nace_code = StringField(_l("NACE code"), validators=[Optional(), Length(max=10)],
                            description=_l("For example J62.01 (section letter and class)."))
    nace_revision = SelectField(_l("NACE revision"), choices=[("", "—")] + [
        (r, _l("Rev. %(revision)s", revision=r)) for r in NACE_REVISIONS], validators=[Optional()])
    fields_of_science = SelectMultipleField(
        _l("Fields of science"), choices=list(FORD_FIELDS.items()), validators=[Optional()],
        description=_l("OECD Frascati fields your organisation works in; hold Ctrl to pick "
                       "several."))
    identifier = StringField(_l("VAT number or PIC"), validators=[Optional(), Length(max=40)])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _("Choose a country"))] + country_choices()

    def validate_nace_code(self, field):
        if field.data and field.data[0].upper() not in NACE_SECTIONS:
            raise ValidationError(_l("Start with a NACE section letter A to U."))


class RegistrationForm(OrganisationFields):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = _password()
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", _l("The passwords differ."))])
    submit = SubmitField(_l("Create account"))


class ResendVerificationForm(FlaskForm):
    submit = SubmitField(_l("Send the link again"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password = _password(_l("New password"))
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", _l("The passwords differ."))])
    submit = SubmitField(_l("Set password"))


class AcceptInvitationForm(ResetPasswordForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Accept invitation"))


# The lazy labels, not Role.label: these lists are made once, at import, in no language.
STAFF_ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in
                      (Role.admin, Role.programme_officer, Role.finance_officer, Role.organiser)]


class StaffUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    roles = SelectMultipleField(_l("Roles"), choices=STAFF_ROLE_CHOICES,
                                validators=[DataRequired()])
    funder_id = SelectField(_l("Funder"), coerce=lambda v: int(v) if v else None,
                            validators=[Optional()],
                            description=_l("Officers see only the calls of their funder."))
    submit = SubmitField(_l("Create staff account"))


class EvaluatorInvitationForm(FlaskForm):
    email = EmailField(_l("Expert's e-mail address"),
                       validators=[DataRequired(), Email(), Length(max=254)])
    funder_id = SelectField(_l("Funder"), coerce=lambda v: int(v) if v else None,
                            validators=[Optional()])
    submit = SubmitField(_l("Send invitation"))


class SecondFactorCodeForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app"),
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                                  "autofocus": True},
                       description=_l("Six digits, or one of your recovery codes if you do not "
                                      "have your device."))
    submit = SubmitField(_l("Confirm"))


class EnrolmentForm(FlaskForm):
    code = StringField(_l("First code shown by the app"),
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
                       description=_l("Six digits: this shows the app is set up right."))
    submit = SubmitField(_l("Turn on two-factor sign-in"))


ALL_ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in Role]


class RolesForm(FlaskForm):
    roles = SelectMultipleField(_l("Roles"), choices=ALL_ROLE_CHOICES,
                                description=_l("Hold Ctrl (or Cmd) to choose several."))
    submit = SubmitField(_l("Save roles"))


class TurnOffSecondFactorForm(FlaskForm):
    confirm = BooleanField(_l("I understand that my password alone will sign me in again"),
                           validators=[DataRequired()])
    submit = SubmitField(_l("Turn off two-factor sign-in"))


class ResetSecondFactorForm(FlaskForm):
    reason = StringField(_l("How you checked who asked"),
                         validators=[DataRequired(), Length(max=300)],
                         description=_l("For example: called back on the number in the staff "
                                        "directory. Kept in the audit trail."))
    confirm = BooleanField(_l("I understand that their authenticator and recovery codes stop "
                              "working now"), validators=[DataRequired()])
    submit = SubmitField(_l("Reset second factor"))


class LanguageForm(FlaskForm):
    """The switcher in every page's header; `next` brings the visitor back to where they were."""

    language = SelectField(_l("Language"), choices=[])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_names()
