"""Forms of the application pages; each edit form carries the version it was loaded with."""

import secrets

from flask_babel import lazy_gettext as _l
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
from app.calls.labels import COST_CATEGORY_NAMES, ICT_CATEGORY_NAMES
from app.core.classifications import FORD_FIELDS


class VersionedForm(FlaskForm):
    # The application's version when the page was rendered (optimistic locking).
    version = HiddenField()


class ApplicationForm(VersionedForm):
    acronym = StringField(_l("Acronym"), validators=[DataRequired(), Length(max=30)],
                          description=_l("A short name for the project, unique in this call."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    abstract = TextAreaField(_l("Abstract"), validators=[Optional(), Length(max=5000)],
                             render_kw={"rows": 6})
    duration_months = IntegerField(_l("Duration (months)"), default=24,
                                   validators=[InputRequired(), NumberRange(1, 120)])
    strategic_area = SelectField(_l("Strategic area"), validators=[Optional()])
    ict_categories = SelectMultipleField(
        _l("ICT categories"), validators=[Optional()],
        description=_l("The ICT solutions the project invests in; hold Ctrl to pick several."))
    bid_price = money_field(_l("Bid price"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def set_choices(self, call) -> None:
        self.strategic_area.choices = [("", "—")] + [(a, a) for a in call.strategic_areas or []]
        self.ict_categories.choices = [(c, ICT_CATEGORY_NAMES.get(c, c))
                                       for c in call.ict_categories or []]
        if call.kind != "tender":
            del self.bid_price


class InviteByEmailForm(VersionedForm):
    email = EmailField(_l("Partner's e-mail address"),
                       validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send invitation"))


class InviteOrganisationForm(VersionedForm):
    organisation_id = HiddenField(validators=[DataRequired()])


class ParticipationForm(VersionedForm):
    fields_of_science = SelectMultipleField(
        _l("Fields of science in this project"), choices=list(FORD_FIELDS.items()),
        validators=[Optional()],
        description=_l("OECD Frascati fields your organisation brings to this project."))
    key_personnel_women = IntegerField(_l("Key personnel: women"), validators=[
        Optional(), NumberRange(0, 1000)], description=_l("Optional; used for gender balance."))
    key_personnel_men = IntegerField(_l("Key personnel: men"), validators=[
        Optional(), NumberRange(0, 1000)])
    submit = SubmitField(_l("Save our participation"))


class BudgetLineForm(VersionedForm):
    category = SelectField(_l("Cost category"), choices=[
        (code, label) for code, label in COST_CATEGORY_NAMES.items() if code != "E"],
        validators=[DataRequired()],
        # The rate as a value: a bare "25 % of" would read as a placeholder to translators.
        description=_l("Indirect costs (E) are computed: %(rate)s of direct costs except "
                       "subcontracting.", rate="25 %"))
    ict_category = SelectField(_l("ICT category"), validators=[DataRequired()])
    amount = money_field(_l("Amount"), validators=[InputRequired()])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=300)])
    open_source = BooleanField(_l("Open-source solution"))
    submit = SubmitField(_l("Save line"))

    def set_choices(self, ict_codes: list[str]) -> None:
        self.ict_category.choices = [(c, ICT_CATEGORY_NAMES.get(c, c)) for c in ict_codes]


class ConfirmForm(VersionedForm):
    confirm = BooleanField(_l("I understand"), validators=[DataRequired(
        _l("Tick the box to confirm."))])
    submit = SubmitField(_l("Confirm"))


class DeleteLineForm(VersionedForm):
    pass


class RoleForm(VersionedForm):
    """The coordinator says what a participant is: only beneficiaries count and are funded."""

    role = SelectField(
        _l("Role in the consortium"),
        choices=[(role.value, PARTICIPANT_ROLE_LABELS[role]) for role in ParticipantRole
                 if role != ParticipantRole.COORDINATOR],
        validators=[DataRequired()],
        description=_l("Associated partners and subcontractors named in the application take "
                       "part but count toward no minimum of the call and request no grant."))
    submit = SubmitField(_l("Save role"))


class AttachmentForm(VersionedForm):
    kind = SelectField(_l("Document"), validators=[DataRequired()])
    file = FileField(_l("PDF file"), validators=[FileRequired(_l("Choose a PDF file."))],
                     description=_l("PDF only, up to the size limit shown."))
    submit = SubmitField(_l("Upload"))


class SubmitForm(VersionedForm):
    # Generated when the page renders; a second POST with it returns the same submission.
    idempotency_key = HiddenField()
    submit = SubmitField(_l("Submit the application"))

    def new_key(self) -> None:
        self.idempotency_key.data = secrets.token_urlsafe(24)


class AcceptInvitationForm(FlaskForm):
    submit = SubmitField(_l("Join the consortium"))


class EligibilityDecisionForm(VersionedForm):
    decision = RadioField(_l("Decision"), choices=[("eligible", _l("Eligible")),
                                                   ("ineligible", _l("Ineligible"))],
                          validators=[DataRequired(_l("Choose eligible or ineligible."))])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")),
                                                     Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Record the decision"))
