"""Forms of the assistance pages."""

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
    organisation_id = SelectField("Organisation", coerce=int, validators=[DataRequired()])
    services = TextAreaField("What the centre offers firms", render_kw={"rows": 3},
                             validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Register the assistance centre")


class AdviserForm(FlaskForm):
    centre_id = SelectField("Assistance centre", coerce=int, validators=[DataRequired()])
    email = EmailField("Adviser's e-mail address", validators=[DataRequired(), Email(),
                                                                Length(max=254)],
                       description="The adviser's OpenCall account (they register first).")
    submit = SubmitField("Appoint the adviser")


class ProfileForm(FlaskForm):
    languages = CheckboxesField("Languages you advise in", validators=[
        DataRequired("Choose at least one language.")])
    topics = StringField("Topics", validators=[Optional(), Length(max=800)],
                         description="Separate with commas, e.g. broadband, e-commerce.")
    call_ids = CheckboxesField("Calls you support", coerce=int, validators=[Optional()])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    submit = SubmitField("Save my profile")


class GrantForm(FlaskForm):
    adviser_id = SelectField("Adviser", coerce=int, validators=[DataRequired()])
    level = RadioField("Access", choices=[(level.value, level.label) for level in AdviserLevel],
                       default=AdviserLevel.READ.value, validators=[DataRequired()],
                       description="Advisers never submit, sign, accept a grant or see bank "
                                   "details, whatever the access.")
    submit = SubmitField("Give access")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke access")
