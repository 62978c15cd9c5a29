"""Forms of the call editor: the call itself, its eligibility rules and its award criteria."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.calls.labels import (
    CALL_KIND_NAMES,
    COUNTRY_GROUP_NAMES,
    ICT_CATEGORY_NAMES,
    OUTSIDE_MEMBERS_NAMES,
    PROGRAMME_PART_NAMES,
    TIE_BREAK_TEXTS,
)
from app.calls.rules.criteria import TIE_BREAKS, ConsensusMethod, CriterionKind
from app.calls.rules.deadlines import DEFAULT_NOTICE_DAYS, MAX_NOTICE_DAYS
from app.calls.rules.finance import ICTCategory, validate_amount
from app.calls.services.calls import CURRENCIES, TIMEZONES
from app.core.forms import AmountField, FiniteDecimalField
from app.core.i18n import translate
from app.core.inputs import sane_date

MAX_TIE_BREAKS = len(TIE_BREAKS)


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as checkboxes (keyboard- and screen-reader-friendly)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def within_amount_bounds(form, field) -> None:
    """The bounds of a call's money (finance.validate_amount) on an AmountField's Decimal."""
    if field.data is not None:
        try:
            validate_amount(field.data)
        except ValueError as problem:
            raise ValidationError(translate(problem.args[0])) from None


def money_field(label: str, validators=(), **kwargs) -> AmountField:
    """An amount in the user's locale, within the bounds of a call's money."""
    return AmountField(label, validators=[*validators, within_amount_bounds], **kwargs)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CallForm(FlaskForm):
    version = HiddenField()
    reference = StringField(_l("Reference"), validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[A-Z0-9][A-Z0-9-]*$", message=_l("Use capital letters, digits and dashes."))],
        description=_l("Unique, for example ICT-2027-01."))
    kind = SelectField(_l("Kind"), choices=list(CALL_KIND_NAMES.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=2000)],
                            description=_l("Two or three sentences shown in the list of "
                                           "calls."))
    body = TextAreaField(_l("Call text"), validators=[Optional(), Length(max=50000)],
                         description=_l("Markdown: headings, lists, links and emphasis."),
                         render_kw={"rows": 10})
    strategic_areas = TextAreaField(_l("Strategic areas"), validators=[Optional()],
                                    description=_l("One per line."))
    ict_categories = CheckboxListField(
        _l("ICT solution categories"),
        choices=[(c.value, ICT_CATEGORY_NAMES[c]) for c in ICTCategory])
    open_source_preference = BooleanField(_l("Prefer open-source solutions"))
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES])
    # InputRequired, not DataRequired: a typed 0 must reach the range check and its message.
    budget_amount = money_field(_l("Total budget"), validators=[
        InputRequired(), NumberRange(min=1, message=_l("Enter a budget above zero."))])
    max_per_proposal_amount = money_field(_l("Maximum grant per proposal"), validators=[
        InputRequired(), NumberRange(min=1, message=_l("Enter an amount above zero."))])
    default_funding_rate = FiniteDecimalField(
        _l("Funding rate (%)"), places=2, default=100,
        validators=[DataRequired(), NumberRange(min=1, max=100)],
        description=_l("Share of eligible costs that the grant pays."))
    profit_funding_rate = FiniteDecimalField(
        _l("Funding rate for profit-making firms (%)"), places=2,
        validators=[Optional(), NumberRange(min=1, max=100)],
        description=_l("Leave empty to use the same rate (Innovation Actions use 70 %)."))
    indirect_rate = FiniteDecimalField(
        _l("Indirect cost rate (%)"), places=2, default=25,
        validators=[DataRequired(), NumberRange(min=0, max=100)],
        description=_l("Flat rate on direct costs except subcontracting."))
    de_minimis = BooleanField(
        _l("Granted under de minimis aid (Regulation (EU) 2023/2831)"),
        description=_l("Each grant of the call is then checked against every beneficiary's de "
                       "minimis ceiling: EUR 300,000 per undertaking over three rolling years. "
                       "Only for calls in euro."))
    timezone = SelectField(_l("Time zone of the call"), choices=[(z, z) for z in TIMEZONES],
                           default="Europe/Brussels",
                           description=_l("Dates below are in this time zone."))
    # Year 1 cannot be moved between time zones: bounded years, refused next to the field.
    opens_at = DateTimeLocalField(_l("Opens"), format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired(), sane_date()])
    closes_at = DateTimeLocalField(_l("Deadline"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(), sane_date()])
    deadline_notice_days = IntegerField(
        _l("Minimum notice for an earlier deadline (days)"), default=DEFAULT_NOTICE_DAYS,
        validators=[Optional(), NumberRange(min=0, max=MAX_NOTICE_DAYS)],
        description=_l("Once the call is open, the deadline can move later at any time, but "
                    "earlier only this many days ahead, with a reason, and every coordinator "
                    "who has started is told by e-mail. Empty means 14 days."))
    deadline_change_reason = TextAreaField(
        _l("Reason for moving the deadline"), validators=[Optional(), Length(max=1000)],
        description=_l("Shown to applicants on the call page with the date of the change; "
                    "required to bring the deadline of an open call forward."))
    required_attachments = TextAreaField(
        _l("Required attachments"), validators=[Optional()],
        description=_l("One per line; add “(optional)” after a document that is not "
                       "mandatory."))
    submit = SubmitField(_l("Save call"))

    def strategic_area_list(self) -> list[str]:
        return _lines(self.strategic_areas.data)

    def attachment_list(self) -> list[dict]:
        documents = []
        for line in _lines(self.required_attachments.data):
            optional = line.lower().endswith("(optional)")
            name = line[: -len("(optional)")].strip() if optional else line
            code = "_".join(name.lower().split())[:40]
            documents.append({"code": code, "name": name, "mandatory": not optional})
        return documents


class RulesForm(FlaskForm):
    version = HiddenField()
    min_partners = IntegerField(
        _l("Minimum partners"), validators=[Optional()],
        description=_l("Independent beneficiaries, coordinator included."))
    min_countries = IntegerField(_l("Minimum different countries"), validators=[Optional()])
    min_member_state_partners = IntegerField(_l("Minimum partners in EU Member States"),
                                             validators=[Optional()])
    eligible_countries = CheckboxListField(
        _l("Eligible countries"), choices=list(COUNTRY_GROUP_NAMES.items()),
        description=_l("Leave all unticked to accept partners from any country."))
    outside_members = SelectField(
        _l("Organisations from other countries"),
        choices=[("", "—")] + [(code.value, label) for code, label in
                               OUTSIDE_MEMBERS_NAMES.items()],
        validators=[Optional()],
        description=_l("With eligible countries ticked: Horizon Europe lets anyone take part, "
                    "counting only the eligible countries toward the minimums (Regulation "
                    "(EU) 2021/695 Art. 22(1)); a regional call may refuse others "
                    "(Art. 22(5))."))
    programme_part = SelectField(
        _l("Programme part"), choices=[("", "—")] + list(PROGRAMME_PART_NAMES.items()),
        validators=[Optional()],
        description=_l("Decides which Associated Countries take part (some only in "
                       "Pillar II)."))
    min_research_partners = IntegerField(_l("Minimum research organisations"),
                                         validators=[Optional()],
                                         description=_l("Research centres or universities."))
    min_sme_partners = IntegerField(_l("Minimum SMEs"), validators=[Optional()])
    min_firm_partners = IntegerField(_l("Minimum firms"), validators=[Optional()],
                                     description=_l("Private for-profit companies, SME or not."))
    min_fields_of_science = IntegerField(
        _l("Minimum fields of science"), validators=[Optional()],
        description=_l("Interdisciplinarity, OECD Frascati fields."))
    field_level = SelectField(_l("Counted at"), choices=[
        ("1", _l("Field level (6 fields)")), ("2", _l("Subfield level (42 subfields)"))],
        default="1")
    max_requested_per_proposal = money_field(_l("Maximum requested grant"),
                                             validators=[Optional()])
    max_partner_share = StringField(_l("Maximum share of one partner"), validators=[Optional()],
                                    description=_l("A fraction, for example 0.60 for 60 %."))
    require_independent_partners = BooleanField(
        _l("Entities under common control count as one partner"))
    submit = SubmitField(_l("Save rules"))

    RULE_FIELDS = ("min_partners", "min_countries", "min_member_state_partners",
                   "eligible_countries", "outside_members", "programme_part",
                   "min_research_partners",
                   "min_sme_partners", "min_firm_partners", "min_fields_of_science",
                   "field_level", "max_requested_per_proposal", "max_partner_share",
                   "require_independent_partners")

    def document(self) -> dict:
        doc = {name: getattr(self, name).data for name in self.RULE_FIELDS}
        if doc["max_requested_per_proposal"] is not None:  # a Decimal: stored as "500000.00"
            doc["max_requested_per_proposal"] = str(doc["max_requested_per_proposal"])
        doc["eligible_countries"] = "+".join(doc["eligible_countries"] or []) or None
        if doc["eligible_countries"] is None:  # any country counts: nothing is outside
            doc["outside_members"] = None
        if not doc["min_fields_of_science"]:
            doc["field_level"] = None
        doc["require_independent_partners"] = doc["require_independent_partners"] or None
        return {key: value for key, value in doc.items() if value not in (None, "")}

    def fill(self, doc: dict) -> None:
        for name in self.RULE_FIELDS:
            value = doc.get(name)
            if name == "eligible_countries":
                value = value.split("+") if value else []
            elif name == "field_level" and value is not None:
                value = str(value)
            getattr(self, name).data = value


class CriterionForm(Form):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=40)])
    label = StringField(_l("Label"), validators=[Optional(), Length(max=120)])
    kind = SelectField(_l("Scored by"), choices=[(CriterionKind.EXPERT, _l("Experts")),
                                                 (CriterionKind.PRICE, _l("Price formula"))])
    weight = StringField(_l("Weight"), default="1")
    min = StringField(_l("Lowest score"), default="0")
    max = StringField(_l("Highest score"), default="5")
    step = StringField(_l("Step"), default="0.5")
    threshold = StringField(_l("Threshold"))


class CriteriaForm(FlaskForm):
    version = HiddenField()
    criteria = FieldList(FormField(CriterionForm), _l("Criterion"), min_entries=1)
    overall_threshold = StringField(_l("Overall threshold"), validators=[Optional()],
                                    description=_l("On the unweighted sum of expert scores."))
    experts_per_proposal = IntegerField(_l("Experts per proposal"), default=3,
                                        validators=[DataRequired()])
    dispersion_limit = StringField(_l("Flag scores that differ by more than"),
                                   validators=[Optional()])
    consensus_method = SelectField(_l("Consensus proposal"), choices=[
        (ConsensusMethod.MEDIAN, _l("Median of the experts")),
        (ConsensusMethod.MEAN, _l("Mean of the experts"))])
    min_comment_length = IntegerField(_l("Minimum comment length (characters)"), default=0,
                                      validators=[Optional()])
    tie_breaks = FieldList(SelectField(choices=[("", "—")] + [
        (code, TIE_BREAK_TEXTS[code][0]) for code in TIE_BREAKS]), _l("Tie-break place"),
        min_entries=MAX_TIE_BREAKS)
    submit = SubmitField(_l("Save criteria"))

    def document(self) -> dict:
        criteria = []
        for entry in self.criteria:
            data = {key: value for key, value in entry.data.items() if key != "csrf_token"}
            if not (data["code"] or data["label"]):
                continue  # the blank row offered for adding a criterion
            data["threshold"] = data["threshold"] or None
            criteria.append(data)
        return {
            "criteria": criteria,
            "overall_threshold": self.overall_threshold.data or None,
            "experts_per_proposal": self.experts_per_proposal.data,
            "dispersion_limit": self.dispersion_limit.data or None,
            "consensus_method": self.consensus_method.data,
            "min_comment_length": self.min_comment_length.data or 0,
            "tie_breaks": [entry.data for entry in self.tie_breaks if entry.data],
        }


class ImportForm(FlaskForm):
    definition = FileField(_l("Call definition (JSON)"), validators=[FileRequired()])
    submit = SubmitField(_l("Import as a new draft"))


class ConfirmForm(FlaskForm):
    """A POST with only a CSRF token: publish, duplicate and other one-click actions."""


class TranslationForm(FlaskForm):
    """The call's texts in one more language (services/translations.py)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)],
                            description=_l("Two or three sentences shown in the list of "
                                           "calls."))
    body = TextAreaField(_l("Call text"), validators=[Optional(), Length(max=50000)],
                         description=_l("Markdown: headings, lists, links and emphasis."),
                         render_kw={"rows": 10})
    submit = SubmitField(_l("Save translation"))


class MainLanguageForm(FlaskForm):
    """Which language the call's own title, summary and text are written in."""

    main_language = SelectField(_l("The call's own texts are written in"),
                                validators=[DataRequired()])
    submit = SubmitField(_l("Save language"))
