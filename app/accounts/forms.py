"""Forms for signing in, registering, resetting passwords and managing staff."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from app.accounts.models import Role
from app.accounts.rules.passwords import MAX_LENGTH, MIN_LENGTH
from app.core.classifications import (
    FORD_FIELDS,
    NACE_REVISIONS,
    NACE_SECTIONS,
    ORG_TYPE_LABELS,
    SmeSize,
)
from app.core.formatting import country_choices

PASSWORD_HELP = f"At least {MIN_LENGTH} characters; long passphrases are welcome."


def _password(label: str = "Password") -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(MIN_LENGTH, MAX_LENGTH)],
                         description=PASSWORD_HELP)


class LoginForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Sign in")


class OrganisationFields(FlaskForm):
    """The organisation profile, shared by registration and profile editing."""

    org_name = StringField("Organisation name", validators=[DataRequired(), Length(max=300)])
    short_name = StringField("Short name", validators=[Optional(), Length(max=80)])
    country = SelectField("Country", validators=[DataRequired()],
                          description="Where the organisation is legally established.")
    org_type = SelectField("Type", choices=list(ORG_TYPE_LABELS.items()),
                           validators=[DataRequired()])
    is_sme = BooleanField("It is an SME (Recommendation 2003/361/EC)")
    sme_size = SelectField("SME size", choices=[("", "—")] + [(s, s.capitalize()) for s in SmeSize],
                           validators=[Optional()],
                           description="Micro < 10 staff, small < 50, medium < 250.")
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
                      (Role.admin, Role.programme_officer, Role.finance_officer)]


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
