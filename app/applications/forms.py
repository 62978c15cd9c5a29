"""Forms of the application pages; each edit form carries the version it was loaded with."""

import secrets

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.applications.models import PARTICIPANT_ROLE_LABELS, ParticipantRole
from app.calls.forms import money_field
from app.calls.rules.finance import COST_CATEGORY_LABELS, ICT_CATEGORY_LABELS
from app.core.classifications import FORD_FIELDS


class VersionedForm(FlaskForm):
    # The application's version when the page was rendered (optimistic locking).
    version = HiddenField()


class ApplicationForm(VersionedForm):
    acronym = StringField("Acronym", validators=[DataRequired(), Length(max=30)],
                          description="A short name for the project, unique in this call.")
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    abstract = TextAreaField("Abstract", validators=[Optional(), Length(max=5000)],
                             render_kw={"rows": 6})
    duration_months = IntegerField("Duration (months)", default=24,
                                   validators=[InputRequired(), NumberRange(1, 120)])
    strategic_area = SelectField("Strategic area", validators=[Optional()])
    ict_categories = SelectMultipleField(
        "ICT categories", validators=[Optional()],
        description="The ICT solutions the project invests in; hold Ctrl to pick several.")
    bid_price = money_field("Bid price", validators=[Optional()])
    submit = SubmitField("Save")

    def set_choices(self, call) -> None:
        self.strategic_area.choices = [("", "—")] + [(a, a) for a in call.strategic_areas or []]
        self.ict_categories.choices = [(c, ICT_CATEGORY_LABELS.get(c, c))
                                       for c in call.ict_categories or []]
        if call.kind != "tender":
            del self.bid_price


class InviteByEmailForm(VersionedForm):
    email = EmailField("Partner's e-mail address",
                       validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Send invitation")


class InviteOrganisationForm(VersionedForm):
    organisation_id = HiddenField(validators=[DataRequired()])


class ParticipationForm(VersionedForm):
    fields_of_science = SelectMultipleField(
        "Fields of science in this project", choices=list(FORD_FIELDS.items()),
        validators=[Optional()],
        description="OECD Frascati fields your organisation brings to this project.")
    key_personnel_women = IntegerField("Key personnel: women", validators=[
        Optional(), NumberRange(0, 1000)], description="Optional; used for gender balance.")
    key_personnel_men = IntegerField("Key personnel: men", validators=[
        Optional(), NumberRange(0, 1000)])
    submit = SubmitField("Save our participation")


class BudgetLineForm(VersionedForm):
    category = SelectField("Cost category", choices=[
        (code, label) for code, label in COST_CATEGORY_LABELS.items() if code != "E"],
        validators=[DataRequired()],
        description="Indirect costs (E) are computed: 25 % of direct costs except "
                    "subcontracting.")
    ict_category = SelectField("ICT category", validators=[DataRequired()])
    amount = money_field("Amount", validators=[InputRequired()])
    description = StringField("Description", validators=[Optional(), Length(max=300)])
    open_source = BooleanField("Open-source solution")
    submit = SubmitField("Save line")

    def set_choices(self, ict_codes: list[str]) -> None:
        self.ict_category.choices = [(c, ICT_CATEGORY_LABELS.get(c, c)) for c in ict_codes]


class ConfirmForm(VersionedForm):
    confirm = BooleanField("I understand", validators=[DataRequired(
        "Tick the box to confirm.")])
    submit = SubmitField("Confirm")


class DeleteLineForm(VersionedForm):
    pass


class RoleForm(VersionedForm):
    """The coordinator says what a participant is: only beneficiaries count and are funded."""

    role = SelectField(
        "Role in the consortium",
        choices=[(role.value, PARTICIPANT_ROLE_LABELS[role]) for role in ParticipantRole
                 if role != ParticipantRole.COORDINATOR],
        validators=[DataRequired()],
        description="Associated partners and subcontractors named in the application take part "
                    "but count toward no minimum of the call and request no grant.")
    submit = SubmitField("Save role")


class AttachmentForm(VersionedForm):
    kind = SelectField("Document", validators=[DataRequired()])
    file = FileField("PDF file", validators=[FileRequired("Choose a PDF file.")],
                     description="PDF only, up to the size limit shown.")
    submit = SubmitField("Upload")


class SubmitForm(VersionedForm):
    # Generated when the page renders; a second POST with it returns the same submission.
    idempotency_key = HiddenField()
    submit = SubmitField("Submit the application")

    def new_key(self) -> None:
        self.idempotency_key.data = secrets.token_urlsafe(24)


class AcceptInvitationForm(FlaskForm):
    submit = SubmitField("Join the consortium")


class EligibilityDecisionForm(VersionedForm):
    decision = RadioField("Decision", choices=[("eligible", "Eligible"),
                                               ("ineligible", "Ineligible")],
                          validators=[DataRequired("Choose eligible or ineligible.")])
    reason = TextAreaField("Reason", validators=[DataRequired("Give the reason."),
                                                 Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField("Record the decision")
