"""The disbursement report form: filters and a file format."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.calls.labels import ICT_CATEGORY_NAMES
from app.core.formatting import country_name
from app.core.forms import SelectField
from app.core.inputs import sane_date
from app.reports.services.jobs import FORMATS


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class ReportForm(FlaskForm):
    call_id = SelectField(_l("Call"), coerce=_optional_int, validators=[Optional()])
    date_from = DateField(_l("Paid from (value date)"), validators=[Optional(), sane_date()])
    date_to = DateField(_l("Paid until (value date)"), validators=[Optional(), sane_date()])
    country = SelectField(_l("Beneficiary country"), validators=[Optional()])
    ict_category = SelectField(_l("ICT category"), validators=[Optional()],
                               choices=[("", _l("All ICT categories")),
                                        *ICT_CATEGORY_NAMES.items()])
    # Typed with suggestions from reports.beneficiaries (static/js/beneficiary-search.js, which
    # also fills organisation_id); without JavaScript the typed "Name (CC)" is resolved.
    beneficiary = StringField(
        _l("Beneficiary"), validators=[Optional(), Length(max=300)],
        description=_l("Leave empty for all beneficiaries, or type part of a name and pick one."),
        render_kw={"autocomplete": "off", "list": "beneficiary-options",
                   "data-beneficiary-search": "1"})
    organisation_id = HiddenField(filters=[_optional_int])
    report_format = SelectField(_l("Format"), choices=list(FORMATS.items()),
                                validators=[DataRequired()],
                                description=_l("PDF has summaries and charts; CSV and XLSX suit "
                                               "large row counts."))
    submit = SubmitField(_l("Produce the report"))

    def set_choices(self, choices: dict) -> None:
        self.call_id.choices = [("", _("All calls"))] + [
            (c.id, f"{c.reference} — {c.title}") for c in choices["calls"]]
        self.country.choices = [("", _("All countries"))] + [
            (code, country_name(code)) for code in choices["countries"]]
