"""Forms of the directory: an organisation's profile, asking to join, answering a request."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, Length, Optional

from app.accounts.forms import SmeFiguresFields
from app.accounts.models import CONTROL_STATUS_LABELS, ControlStatus
from app.calls.labels import ICT_CATEGORY_NAMES
from app.directory.services.contact import MAX_NOTE
from app.directory.services.profiles import MAX_COMPETENCIES, MAX_OFFER


class ProfileForm(FlaskForm):
    looking_for_partners = BooleanField(
        _l("We are looking for partners"),
        description=_l("Your organisation is listed first for coordinators who filter on it."))
    offer = TextAreaField(
        _l("What we bring, what we seek"), validators=[Length(max=MAX_OFFER)],
        description=_l("Two or three sentences: your strengths and the partners you look for."))
    competencies = TextAreaField(
        _l("Competencies"), validators=[Length(max=MAX_COMPETENCIES)],
        description=_l("What your organisation does and knows; the directory searches it."))
    tags = StringField(_l("Tags"), validators=[Length(max=900)],
                       description=_l("Keywords separated by commas, e.g. robotics, GIS, "
                                      "e-learning."))
    ict_interests = SelectMultipleField(
        _l("ICT interests"), choices=list(ICT_CATEGORY_NAMES.items()), validators=[Optional()],
        description=_l("ICT solutions you work on or want to invest in; hold Ctrl to pick "
                       "several."))
    contact_user_id = SelectField(
        _l("Who receives partner requests"), coerce=lambda v: int(v) if v else None,
        validators=[Optional()],
        description=_l("Requests arrive by e-mail; the address is never shown to the sender."))
    is_contact_name_public = BooleanField(_l("Show this person's name on the profile"))
    contact_email = EmailField(_l("Contact e-mail address"),
                               validators=[Optional(), Email(), Length(max=254)],
                               description=_l("For example a general address of your office."))
    is_email_public = BooleanField(_l("Show this e-mail address on the profile"))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    is_phone_public = BooleanField(_l("Show the phone number on the profile"))
    is_website_public = BooleanField(_l("Show the organisation's website on the profile"))
    submit = SubmitField(_l("Save profile"))


class AskToJoinForm(FlaskForm):
    note = TextAreaField(
        _l("Your note"), validators=[Length(max=MAX_NOTE)],
        description=_l("Why this organisation, and what role you have in mind for it."))
    submit = SubmitField(_l("Send request"))


class AnswerForm(FlaskForm):
    accept = SubmitField(_l("Yes, send us the invitation"))
    decline = SubmitField(_l("No, thank you"))


class StatusForm(SmeFiguresFields):
    """Independence (who controls the organisation) and the figures its SME status follows."""

    control_status = RadioField(
        _l("Who controls your organisation?"),
        choices=[(status.value, CONTROL_STATUS_LABELS[status]) for status in ControlStatus
                 if status != ControlStatus.UNDECLARED],
        validators=[Optional()],
        # The share as a value: a bare "50 % of" would read as a placeholder to translators.
        description=_l("Control: more than %(share)s of the capital or votes, or the power to "
                       "decide. "
                       "Organisations under common control may all take part and count as one "
                       "partner. Ownership by the same public body or public investor is not "
                       "control.", share="50 %"))
    controller_identifier = StringField(
        _l("Controlling organisation or public owner: VAT number or PIC"),
        validators=[Optional(), Length(max=40)],
        description=_l("As registered on OpenCall; needed when another organisation controls "
                       "yours."))
    submit = SubmitField(_l("Save status"))
