"""Forms of the grant pages: preparing, confirming, claiming, deciding and paying."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.calls.forms import money_field
from app.calls.labels import COST_CATEGORY_NAMES, ICT_CATEGORY_NAMES
from app.calls.rules.finance import INDIRECT_CATEGORY
from app.core.inputs import sane_date

DIRECT_CATEGORY_CHOICES = [(code, label) for code, label in COST_CATEGORY_NAMES.items()
                           if code != INDIRECT_CATEGORY]
ICT_CHOICES = list(ICT_CATEGORY_NAMES.items())


def _understood(label: str) -> BooleanField:
    return BooleanField(label, validators=[DataRequired(_l("Tick the box to confirm."))])


class PrepareGrantForm(FlaskForm):
    agreement_number = StringField(_l("Agreement number"),
                                   validators=[DataRequired(), Length(max=40)])
    awarded_amount = money_field(_l("Awarded amount"), validators=[InputRequired()],
                                 description=_l("At most what the consortium requested."))
    start_date = DateField(_l("Start date"), validators=[DataRequired(), sane_date()])
    end_date = DateField(_l("End date"), validators=[Optional(), sane_date()],
                         description=_l("Leave empty for the proposal's duration."))
    submit = SubmitField(_l("Prepare grant agreement"))

    beneficiary_field_names: list[str] = []


def prepare_form_class(participants) -> type[PrepareGrantForm]:
    """The preparation form with one optional amount field per beneficiary."""
    fields = {
        f"beneficiary_{p.id}": money_field(
            _("Amount for %(organisation)s", organisation=p.organisation.name),
            validators=[Optional()],
            description=_l("Leave all empty to split the grant in proportion to the requests."))
        for p in participants}
    form_class = type("PrepareGrantFormFor", (PrepareGrantForm,), fields)
    form_class.beneficiary_field_names = list(fields)
    return form_class


class ConfirmForm(FlaskForm):
    understood = _understood(_l("I have read the agreement and confirm."))
    submit = SubmitField(_l("Confirm"))


class OpenClaimForm(FlaskForm):
    period = SelectField(_l("Reporting period"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Start the claim"))


class ClaimLineForm(FlaskForm):
    beneficiary_id = SelectField(_l("Beneficiary"), coerce=int, validators=[InputRequired()])
    category = SelectField(_l("Cost category"), choices=DIRECT_CATEGORY_CHOICES,
                           validators=[DataRequired()])
    ict_category = SelectField(_l("ICT category"), choices=ICT_CHOICES, validators=[DataRequired()])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=300)])
    amount = money_field(_l("Amount"), validators=[InputRequired()])
    submit = SubmitField(_l("Add line"))


class ClaimDocumentForm(FlaskForm):
    document = FileField(_l("Supporting document (PDF)"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload"))


class SubmitClaimForm(FlaskForm):
    understood = _understood(_l("The costs are real, eligible and supported by the documents."))
    submit = SubmitField(_l("Submit the claim"))


DECISIONS = [("approve", _l("Approve the computed amount")),
             ("approve_partly", _l("Approve a lower amount")),
             ("reject", _l("Reject"))]


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=DECISIONS, validators=[DataRequired()])
    amount = money_field(_l("Amount to pay"), validators=[Optional()],
                         description=_l("Only when approving a lower amount."))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)],
                           description=_l("Required to reject or to pay less."))
    submit = SubmitField(_l("Record the decision"))


class PaymentForm(FlaskForm):
    value_date = DateField(_l("Value date"), validators=[DataRequired(), sane_date()],
                           default=date.today)
    bank_reference = StringField(_l("Bank reference"), validators=[DataRequired(), Length(max=60)])
    idempotency_key = HiddenField(validators=[DataRequired()])
    understood = _understood(_l("I have sent this transfer and want to record it."))
    submit = SubmitField(_l("Execute the payment"))


class ReverseForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    value_date = DateField(_l("Value date of the reversal"),
                           validators=[DataRequired(), sane_date()],
                           default=date.today)
    idempotency_key = HiddenField(validators=[DataRequired()])
    understood = _understood(_l("I understand the payment is cancelled and must be paid again."))
    submit = SubmitField(_l("Cancel the payment"))


class BankAccountForm(FlaskForm):
    holder = StringField(_l("Account holder"), validators=[DataRequired(), Length(max=70)],
                         description=_l("The name the bank knows the account by."))
    iban = StringField(_l("IBAN"), validators=[DataRequired(), Length(max=50)],
                       description=_l("For example DE89 3704 0044 0532 0130 00."))
    bic = StringField(_l("BIC"), validators=[Optional(), Length(max=15)],
                      description=_l("Leave empty where the bank can be derived from the IBAN."))
    submit = SubmitField(_l("Send for confirmation"))


class BankDecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[
        ("confirm", _l("Confirm: pay to this account")), ("reject", _l("Reject"))],
                           validators=[DataRequired()])
    understood = _understood(_l("I have checked these bank details with the beneficiary."))
    submit = SubmitField(_l("Record the decision"))


class NewBatchForm(FlaskForm):
    installment_ids = SelectMultipleField(
        _l("Installments to pay"), coerce=int,
        validators=[DataRequired(_l("Choose at least one."))],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    execution_date = DateField(_l("Requested execution date"), validators=[DataRequired(),
                                                                       sane_date()],
                               default=date.today)
    debtor_holder = StringField(_l("Funder's account holder"),
                                validators=[DataRequired(), Length(max=70)])
    debtor_iban = StringField(_l("Funder's IBAN"), validators=[DataRequired(), Length(max=50)])
    debtor_bic = StringField(_l("Funder's BIC"), validators=[Optional(), Length(max=15)],
                             description=_l("Leave empty where it can be derived from the IBAN."))
    submit = SubmitField(_l("Make the payment batch"))


class ExecuteBatchForm(FlaskForm):
    bank_reference = StringField(_l("Bank reference of the executed file"),
                                 validators=[DataRequired(), Length(max=60)])
    value_date = DateField(_l("Value date"), validators=[DataRequired(), sane_date()],
                           default=date.today)
    understood = _understood(_l("The bank has executed this file; record every payment in it."))
    submit = SubmitField(_l("Mark the batch executed"))


class DiscardBatchForm(FlaskForm):
    understood = _understood(_l("Discard this batch; its installments stay payable."))
    submit = SubmitField(_l("Discard the batch"))


class DeMinimisForm(FlaskForm):
    granted_on = DateField(_l("Date the aid was granted"), validators=[DataRequired(), sane_date()])
    grantor = StringField(_l("Granted by"), validators=[DataRequired(), Length(max=200)],
                          description=_l("The authority or body that granted the aid."))
    amount = money_field(_l("Amount in euro"), validators=[InputRequired()],
                         description=_l("The gross grant equivalent, as the grantor stated it."))
    submit = SubmitField(_l("Declare this aid"))


class WithdrawDeclarationForm(FlaskForm):
    submit = SubmitField(_l("Withdraw"))


class AmendmentForm(FlaskForm):
    reason = TextAreaField(_l("Reason"),
                           validators=[DataRequired(_l("Say why the grant is amended.")),
                                       Length(max=4000)],
                           description=_l("The other side reads it before accepting or refusing."))
    submit = SubmitField(_l("Propose the amendment"))

    share_field_names: list[str] = []


def amendment_form_class(kind: str, beneficiaries) -> type[AmendmentForm]:
    """The proposal form of one kind of amendment (rules/amendments.AmendmentKind), with a
    choice or an amount field per current beneficiary where the kind needs them."""
    current = [b for b in beneficiaries if b.left_on is None]
    choices = [(str(b.id), b.organisation.name) for b in current]
    required = [InputRequired()]
    fields: dict = {}
    prefix = ""
    if kind == "beneficiary_transfer":
        fields = {"giver": SelectField(_l("From the share of"), choices=choices),
                  "receiver": SelectField(_l("To the share of"), choices=choices),
                  "amount": money_field(_l("Amount moved"), validators=required)}
    elif kind == "category_transfer":
        fields = {"beneficiary": SelectField(_l("Beneficiary"), choices=choices),
                  "source": SelectField(_l("From cost category"), choices=DIRECT_CATEGORY_CHOICES),
                  "target": SelectField(_l("To cost category"), choices=DIRECT_CATEGORY_CHOICES),
                  "amount": money_field(_l("Planned costs moved"), validators=required)}
    elif kind == "beneficiary_added":
        fields = {"organisation": StringField(
                      _l("Organisation identifier"), validators=[DataRequired(), Length(max=40)],
                      description=_l("The identifier (e.g. PIC) it is registered with in "
                                     "OpenCall.")),
                  "category": SelectField(_l("Its cost category"), choices=DIRECT_CATEGORY_CHOICES),
                  "ict_category": SelectField(_l("Its ICT category"), choices=ICT_CHOICES)}
        prefix = "from_"
    elif kind == "beneficiary_leaving":
        fields = {"leaver": SelectField(_l("Beneficiary leaving"), choices=choices)}
        prefix = "to_"
    elif kind == "end_date":
        fields = {"end_date": DateField(_l("New end date"),
                                        validators=[DataRequired(), sane_date()])}
    shares = {}
    if prefix:
        shares = {f"{prefix}{b.id}": money_field(
            _("Taken from the share of %(organisation)s", organisation=b.organisation.name)
            if prefix == "from_" else
            _("Its unpaid share goes to %(organisation)s", organisation=b.organisation.name),
            validators=[Optional()]) for b in current}
    form_class = type("AmendmentFormFor", (AmendmentForm,), {**fields, **shares})
    form_class.share_field_names = list(shares)
    return form_class


class AmendmentDecisionForm(FlaskForm):
    # Sent by the button clicked (accept, refuse or withdraw), never rendered as a field.
    decision = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=4000)],
                           description=_l("Required to refuse."))
