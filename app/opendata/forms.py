"""Forms of the open-data pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class IdentityForm(FlaskForm):
    grant_prefix = StringField(
        _l("360Giving prefix"), validators=[DataRequired(), Length(max=50)],
        description=_l("The prefix 360Giving registered for this funder, e.g. 360G-CADSES. "
                       "Grant identifiers are this prefix and the agreement number."))
    org_id = StringField(
        _l("Organisation identifier (org-id)"), validators=[Optional(), Length(max=80)],
        description=_l("The funder's identifier from org-id.guide, e.g. XI-PIC-999999999. "
                       "Leave empty if it has none: one is made from the prefix."))
    submit = SubmitField(_l("Save"))


class PublishForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that valid files replace the published ones for everyone."),
        validators=[DataRequired(_l("Tick the box to confirm the publication."))])
    submit = SubmitField(_l("Publish open data now"))
