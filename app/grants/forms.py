"""Forms of the grant pages: preparing, confirming, claiming, deciding and paying."""

from datetime import date

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
from app.calls.rules.finance import COST_CATEGORY_LABELS, ICT_CATEGORY_LABELS, INDIRECT_CATEGORY
from app.core.inputs import sane_date

DIRECT_CATEGORY_CHOICES = [(code, label) for code, label in COST_CATEGORY_LABELS.items()
                           if code != INDIRECT_CATEGORY]
ICT_CHOICES = list(ICT_CATEGORY_LABELS.items())


def _understood(label: str) -> BooleanField:
    return BooleanField(label, validators=[DataRequired("Tick the box to confirm.")])


class PrepareGrantForm(FlaskForm):
    agreement_number = StringField("Agreement number", validators=[DataRequired(), Length(max=40)])
    awarded_amount = money_field("Awarded amount", validators=[InputRequired()],
                                 description="At most what the consortium requested.")
    start_date = DateField("Start date", validators=[DataRequired(), sane_date()])
    end_date = DateField("End date", validators=[Optional(), sane_date()],
                         description="Leave empty for the proposal's duration.")
    submit = SubmitField("Prepare grant agreement")

    beneficiary_field_names: list[str] = []


def prepare_form_class(participants) -> type[PrepareGrantForm]:
    """The preparation form with one optional amount field per beneficiary."""
    fields = {
        f"beneficiary_{p.id}": money_field(
            f"Amount for {p.organisation.name}", validators=[Optional()],
            description="Leave all empty to split the grant in proportion to the requests.")
        for p in participants}
    form_class = type("PrepareGrantFormFor", (PrepareGrantForm,), fields)
    form_class.beneficiary_field_names = list(fields)
    return form_class


class ConfirmForm(FlaskForm):
    understood = _understood("I have read the agreement and confirm.")
    submit = SubmitField("Confirm")


class OpenClaimForm(FlaskForm):
    period = SelectField("Reporting period", coerce=int, validators=[InputRequired()])
    submit = SubmitField("Start the claim")


class ClaimLineForm(FlaskForm):
    beneficiary_id = SelectField("Beneficiary", coerce=int, validators=[InputRequired()])
    category = SelectField("Cost category", choices=DIRECT_CATEGORY_CHOICES,
                           validators=[DataRequired()])
    ict_category = SelectField("ICT category", choices=ICT_CHOICES, validators=[DataRequired()])
    description = StringField("Description", validators=[Optional(), Length(max=300)])
    amount = money_field("Amount", validators=[InputRequired()])
    submit = SubmitField("Add line")


class ClaimDocumentForm(FlaskForm):
    document = FileField("Supporting document (PDF)", validators=[FileRequired()])
    submit = SubmitField("Upload")


class SubmitClaimForm(FlaskForm):
    understood = _understood("The costs are real, eligible and supported by the documents.")
    submit = SubmitField("Submit the claim")


DECISIONS = [("approve", "Approve the computed amount"),
             ("approve_partly", "Approve a lower amount"),
             ("reject", "Reject")]


class DecisionForm(FlaskForm):
    decision = SelectField("Decision", choices=DECISIONS, validators=[DataRequired()])
    amount = money_field("Amount to pay", validators=[Optional()],
                         description="Only when approving a lower amount.")
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=2000)],
                           description="Required to reject or to pay less.")
    submit = SubmitField("Record the decision")


class PaymentForm(FlaskForm):
    value_date = DateField("Value date", validators=[DataRequired(), sane_date()],
                           default=date.today)
    bank_reference = StringField("Bank reference", validators=[DataRequired(), Length(max=60)])
    idempotency_key = HiddenField(validators=[DataRequired()])
    understood = _understood("I have sent this transfer and want to record it.")
    submit = SubmitField("Execute the payment")


class ReverseForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=2000)])
    value_date = DateField("Value date of the reversal",
                           validators=[DataRequired(), sane_date()],
                           default=date.today)
    idempotency_key = HiddenField(validators=[DataRequired()])
    understood = _understood("I understand the payment is cancelled and must be paid again.")
    submit = SubmitField("Cancel the payment")


class BankAccountForm(FlaskForm):
    holder = StringField("Account holder", validators=[DataRequired(), Length(max=70)],
                         description="The name the bank knows the account by.")
    iban = StringField("IBAN", validators=[DataRequired(), Length(max=50)],
                       description="For example DE89 3704 0044 0532 0130 00.")
    bic = StringField("BIC", validators=[Optional(), Length(max=15)],
                      description="Leave empty where the bank can be derived from the IBAN.")
    submit = SubmitField("Send for confirmation")


class BankDecisionForm(FlaskForm):
    decision = SelectField("Decision", choices=[("confirm", "Confirm: pay to this account"),
                                                ("reject", "Reject")],
                           validators=[DataRequired()])
    understood = _understood("I have checked these bank details with the beneficiary.")
    submit = SubmitField("Record the decision")


class NewBatchForm(FlaskForm):
    installment_ids = SelectMultipleField(
        "Installments to pay", coerce=int, validators=[DataRequired("Choose at least one.")],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    execution_date = DateField("Requested execution date", validators=[DataRequired(),
                                                                       sane_date()],
                               default=date.today)
    debtor_holder = StringField("Funder's account holder",
                                validators=[DataRequired(), Length(max=70)])
    debtor_iban = StringField("Funder's IBAN", validators=[DataRequired(), Length(max=50)])
    debtor_bic = StringField("Funder's BIC", validators=[Optional(), Length(max=15)],
                             description="Leave empty where it can be derived from the IBAN.")
    submit = SubmitField("Make the payment batch")


class ExecuteBatchForm(FlaskForm):
    bank_reference = StringField("Bank reference of the executed file",
                                 validators=[DataRequired(), Length(max=60)])
    value_date = DateField("Value date", validators=[DataRequired(), sane_date()],
                           default=date.today)
    understood = _understood("The bank has executed this file; record every payment in it.")
    submit = SubmitField("Mark the batch executed")


class DiscardBatchForm(FlaskForm):
    understood = _understood("Discard this batch; its installments stay payable.")
    submit = SubmitField("Discard the batch")


class DeMinimisForm(FlaskForm):
    granted_on = DateField("Date the aid was granted", validators=[DataRequired(), sane_date()])
    grantor = StringField("Granted by", validators=[DataRequired(), Length(max=200)],
                          description="The authority or body that granted the aid.")
    amount = money_field("Amount in euro", validators=[InputRequired()],
                         description="The gross grant equivalent, as the grantor stated it.")
    submit = SubmitField("Declare this aid")


class WithdrawDeclarationForm(FlaskForm):
    submit = SubmitField("Withdraw")


class AmendmentForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired("Say why the grant is amended."),
                                                 Length(max=4000)],
                           description="The other side reads it before accepting or refusing.")
    submit = SubmitField("Propose the amendment")

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
        fields = {"giver": SelectField("From the share of", choices=choices),
                  "receiver": SelectField("To the share of", choices=choices),
                  "amount": money_field("Amount moved", validators=required)}
    elif kind == "category_transfer":
        fields = {"beneficiary": SelectField("Beneficiary", choices=choices),
                  "source": SelectField("From cost category", choices=DIRECT_CATEGORY_CHOICES),
                  "target": SelectField("To cost category", choices=DIRECT_CATEGORY_CHOICES),
                  "amount": money_field("Planned costs moved", validators=required)}
    elif kind == "beneficiary_added":
        fields = {"organisation": StringField(
                      "Organisation identifier", validators=[DataRequired(), Length(max=40)],
                      description="The identifier (e.g. PIC) it is registered with in OpenCall."),
                  "category": SelectField("Its cost category", choices=DIRECT_CATEGORY_CHOICES),
                  "ict_category": SelectField("Its ICT category", choices=ICT_CHOICES)}
        prefix = "from_"
    elif kind == "beneficiary_leaving":
        fields = {"leaver": SelectField("Beneficiary leaving", choices=choices)}
        prefix = "to_"
    elif kind == "end_date":
        fields = {"end_date": DateField("New end date", validators=[DataRequired(), sane_date()])}
    shares = {}
    if prefix:
        label = "Taken from the share of" if prefix == "from_" else "Its unpaid share goes to"
        shares = {f"{prefix}{b.id}": money_field(f"{label} {b.organisation.name}",
                                                 validators=[Optional()]) for b in current}
    form_class = type("AmendmentFormFor", (AmendmentForm,), {**fields, **shares})
    form_class.share_field_names = list(shares)
    return form_class


class AmendmentDecisionForm(FlaskForm):
    # Sent by the button clicked (accept, refuse or withdraw), never rendered as a field.
    decision = HiddenField(validators=[DataRequired()])
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=4000)],
                           description="Required to refuse.")
