"""Forms of the assistance pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.applications.models import AdviserLevel


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CentreForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[DataRequired()])
    services = TextAreaField(_l("What the centre offers firms"), render_kw={"rows": 3},
                             validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Register the assistance centre"))


class AdviserForm(FlaskForm):
    centre_id = SelectField(_l("Assistance centre"), coerce=int, validators=[DataRequired()])
    email = EmailField(_l("Adviser's e-mail address"), validators=[DataRequired(), Email(),
                                                                Length(max=254)],
                       description=_l("The adviser's OpenCall account (they register first)."))
    submit = SubmitField(_l("Appoint the adviser"))


class ProfileForm(FlaskForm):
    languages = CheckboxesField(_l("Languages you advise in"), validators=[
        DataRequired(_l("Choose at least one language."))])
    topics = StringField(_l("Topics"), validators=[Optional(), Length(max=800)],
                         description=_l("Separate with commas, e.g. broadband, e-commerce."))
    call_ids = CheckboxesField(_l("Calls you support"), coerce=int, validators=[Optional()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Save my profile"))


class GrantForm(FlaskForm):
    adviser_id = SelectField(_l("Adviser"), coerce=int, validators=[DataRequired()])
    level = RadioField(_l("Access"), choices=[(level.value, level.label) for level in AdviserLevel],
                       default=AdviserLevel.READ.value, validators=[DataRequired()],
                       description=_l("Advisers never submit, sign, accept a grant or see bank "
                                   "details, whatever the access."))
    submit = SubmitField(_l("Give access"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke access"))
