"""Forms: expert profile, declaration, review and consensus (built from the criteria), officer."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.core.classifications import FORD_FIELDS
from app.core.formatting import country_choices
from app.core.inputs import sane_date
from app.evaluation.rules.scoring import Criterion, plain


def _optional_id(value):
    return int(value) if value not in (None, "", "None") else None


class ExpertProfileForm(FlaskForm):
    fields_of_science = SelectMultipleField(
        _l("Fields of science"), choices=list(FORD_FIELDS.items()), validators=[Optional()],
        description=_l("OECD Frascati fields you can evaluate; proposals in the same field are "
                       "assigned to you first. Hold Ctrl to pick several."))
    keywords = StringField(_l("Keywords"), validators=[Optional(), Length(max=500)],
                           description=_l("Topics you know well, separated by commas."))
    country = SelectField(_l("Country"), validators=[Optional()],
                          description=_l("Where you work; some calls exclude experts from the "
                                         "participants' countries."))
    organisation_id = SelectField(_l("Your organisation"), coerce=_optional_id,
                                  validators=[Optional()],
                                  description=_l("You are never assigned proposals of your own "
                                                 "organisation or its group."))
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", "—")] + country_choices()
        self.organisation_id.choices = [("", _("None / independent"))] + list(organisations)


class AffiliationForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=_optional_id,
                                  validators=[DataRequired(_l("Choose an organisation."))])
    until = DateField(_l("Until"), validators=[Optional(), sane_date()],
                      description=_l("Leave empty if the tie continues. Ties that ended within "
                                     "the last 3 years are conflicts too."))
    submit = SubmitField(_l("Declare affiliation"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", _("Choose an organisation"))] + list(organisations)


class DeclarationForm(FlaskForm):
    answer = RadioField(_l("Declaration"), choices=[
        ("none", _l("I have no conflict of interest with this proposal.")),
        ("conflict", _l("I have a conflict of interest with this proposal."))],
        validators=[DataRequired(_l("Choose one of the two declarations."))])
    reason = TextAreaField(_l("If you have a conflict, say what it is"),
                           validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Sign the declaration"))


class ActionForm(FlaskForm):
    """A button with a CSRF token: start evaluation, run assignment, approve."""


class SettingsForm(FlaskForm):
    same_country_is_conflict = BooleanField(
        _l("Experts may not evaluate proposals with a participant from their own country"))
    submit = SubmitField(_l("Save settings"))


class RapporteurForm(FlaskForm):
    assignment_id = SelectField(_l("Rapporteur"), coerce=_optional_id)
    submit = SubmitField(_l("Set rapporteur"))


class PublishForm(FlaskForm):
    confirm = BooleanField(_l("I understand that published results are final: outcomes are "
                              "e-mailed to coordinators and the ranking is frozen."))
    submit = SubmitField(_l("Freeze and publish the results"))


def scale(criterion: Criterion) -> list[str]:
    """Every score the criterion's scale allows, lowest first."""
    values, value = [], criterion.minimum
    while value <= criterion.maximum:
        values.append(plain(value))
        value += criterion.step
    return values


def _score_field(criterion: Criterion) -> SelectField:
    # validate_choice is off so that an off-scale value reaches the scoring rules and their
    # message ("Scores go in steps of 0.5…") appears next to the field.
    bounds = {"minimum": plain(criterion.minimum), "maximum": plain(criterion.maximum),
              "step": plain(criterion.step)}
    if criterion.threshold is None:
        hint = _("From %(minimum)s to %(maximum)s in steps of %(step)s.", **bounds)
    else:
        hint = _("From %(minimum)s to %(maximum)s in steps of %(step)s; threshold "
                 "%(threshold)s.", threshold=plain(criterion.threshold), **bounds)
    return SelectField(
        _("%(criterion)s: score", criterion=criterion.label),
        choices=[("", "—")] + [(v, v) for v in scale(criterion)],
        validate_choice=False, description=hint)


def _comment_field(criterion: Criterion, min_comment: int) -> TextAreaField:
    hint = (_("At least %(minimum)s characters to submit.", minimum=min_comment)
            if min_comment else None)
    return TextAreaField(_("%(criterion)s: comment", criterion=criterion.label), description=hint,
                         validators=[Optional(), Length(max=10000)])


class ScoreForm(FlaskForm):
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit"))

    criteria: tuple[Criterion, ...] = ()

    def scores(self) -> dict[str, str]:
        return {c.code: self[f"score_{c.code}"].data for c in self.criteria}

    def comments(self) -> dict[str, str]:
        return {c.code: self[f"comment_{c.code}"].data or "" for c in self.criteria}

    def criterion_fields(self):
        return [(c, self[f"score_{c.code}"], self[f"comment_{c.code}"]) for c in self.criteria]


def score_form(criteria: tuple[Criterion, ...], min_comment: int, *, consensus: bool = False,
               data: dict | None = None) -> ScoreForm:
    """A review (or consensus) form with a score select and a comment per expert criterion."""
    attributes: dict = {"criteria": tuple(criteria)}
    for criterion in criteria:
        attributes[f"score_{criterion.code}"] = _score_field(criterion)
        attributes[f"comment_{criterion.code}"] = _comment_field(criterion, min_comment)
    if consensus:
        attributes["minority_views"] = TextAreaField(
            _("Minority views"), validators=[Optional(), Length(max=10000)],
            description=_("Where experts disagree (see the flags), record the minority view."))
        attributes["submit"] = SubmitField(_("Submit for approval"))
    form_class = type("ConsensusForm" if consensus else "ReviewForm", (ScoreForm,), attributes)
    return form_class(data=data)


def stored_form_data(scores: dict, comments: dict, extra: dict | None = None) -> dict:
    data = {f"score_{code}": value for code, value in scores.items()}
    data.update({f"comment_{code}": value for code, value in comments.items()})
    return {**data, **(extra or {})}


def panel_form(application_ids: list[int], data: dict | None = None) -> FlaskForm:
    """Places 1..n for the proposals of one tied group, and the panel's reason."""
    places = [("", "—")] + [(str(n), str(n)) for n in range(1, len(application_ids) + 1)]
    attributes = {f"place_{application_id}": SelectField(_("Place"), choices=places,
                                                          validators=[Optional()])
                  for application_id in application_ids}
    attributes["reason"] = TextAreaField(_("The panel's reason"), validators=[Optional()])
    attributes["submit"] = SubmitField(_("Record the panel decision"))
    return type("PanelForm", (FlaskForm,), attributes)(data=data)
