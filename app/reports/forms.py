"""The disbursement report form: filters and a file format."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.calls.rules.finance import ICT_CATEGORY_LABELS
from app.core.formatting import country_name
from app.core.inputs import sane_date
from app.reports.services.jobs import FORMATS


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class ReportForm(FlaskForm):
    call_id = SelectField("Call", coerce=_optional_int, validators=[Optional()])
    date_from = DateField("Paid from (value date)", validators=[Optional(), sane_date()])
    date_to = DateField("Paid until (value date)", validators=[Optional(), sane_date()])
    country = SelectField("Beneficiary country", validators=[Optional()])
    ict_category = SelectField("ICT category", validators=[Optional()],
                               choices=[("", "All ICT categories"),
                                        *ICT_CATEGORY_LABELS.items()])
    # Typed with suggestions from reports.beneficiaries (static/js/beneficiary-search.js, which
    # also fills organisation_id); without JavaScript the typed "Name (CC)" is resolved.
    beneficiary = StringField(
        "Beneficiary", validators=[Optional(), Length(max=300)],
        description="Leave empty for all beneficiaries, or type part of a name and pick one.",
        render_kw={"autocomplete": "off", "list": "beneficiary-options",
                   "data-beneficiary-search": "1"})
    organisation_id = HiddenField(filters=[_optional_int])
    report_format = SelectField("Format", choices=list(FORMATS.items()),
                                validators=[DataRequired()],
                                description="PDF has summaries and charts; CSV and XLSX suit "
                                            "large row counts.")
    submit = SubmitField("Produce the report")

    def set_choices(self, choices: dict) -> None:
        self.call_id.choices = [("", "All calls")] + [
            (c.id, f"{c.reference} — {c.title}") for c in choices["calls"]]
        self.country.choices = [("", "All countries")] + [
            (code, country_name(code)) for code in choices["countries"]]
