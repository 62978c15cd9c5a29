"""Forms of the token pages."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.api.models import TokenScope


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)],
                       description="What will use it, e.g. \"Reporting script\".")
    scope = RadioField("Access", choices=[(s.value, s.label) for s in TokenScope],
                       default=TokenScope.READ.value, validators=[DataRequired()],
                       description="Read only is enough to read; read and write can also "
                                   "change your applications.")
    expires_in_days = IntegerField("Expires after (days)", default=90,
                                   validators=[Optional(), NumberRange(min=1, max=366)],
                                   description="From 1 to 366 days; leave empty for no expiry.")
    submit = SubmitField("Create token")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke token")
