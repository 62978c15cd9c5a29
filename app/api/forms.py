"""Forms of the token pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.api.models import SCOPE_LABELS, TokenScope


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)],
                       description=_l("What will use it, e.g. \"Reporting script\"."))
    scope = RadioField(_l("Access"), choices=[(s.value, SCOPE_LABELS[s]) for s in TokenScope],
                       default=TokenScope.READ.value, validators=[DataRequired()],
                       description=_l("Read only is enough to read; read and write can also "
                                      "change your applications."))
    expires_in_days = IntegerField(
        _l("Expires after (days)"), default=90,
        validators=[Optional(), NumberRange(min=1, max=366)],
        description=_l("From 1 to 366 days; leave empty for no expiry."))
    submit = SubmitField(_l("Create token"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke token"))
