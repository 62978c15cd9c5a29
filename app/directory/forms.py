"""Forms of the directory: an organisation's profile, asking to join, answering a request."""

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
from app.calls.rules.finance import ICT_CATEGORY_LABELS
from app.directory.services.contact import MAX_NOTE
from app.directory.services.profiles import MAX_COMPETENCIES, MAX_OFFER


class ProfileForm(FlaskForm):
    looking_for_partners = BooleanField(
        "We are looking for partners",
        description="Your organisation is listed first for coordinators who filter on it.")
    offer = TextAreaField(
        "What we bring, what we seek", validators=[Length(max=MAX_OFFER)],
        description="Two or three sentences: your strengths and the partners you look for.")
    competencies = TextAreaField(
        "Competencies", validators=[Length(max=MAX_COMPETENCIES)],
        description="What your organisation does and knows; the directory searches it.")
    tags = StringField("Tags", validators=[Length(max=900)],
                       description="Keywords separated by commas, e.g. robotics, GIS, e-learning.")
    ict_interests = SelectMultipleField(
        "ICT interests", choices=list(ICT_CATEGORY_LABELS.items()), validators=[Optional()],
        description="ICT solutions you work on or want to invest in; hold Ctrl to pick several.")
    contact_user_id = SelectField(
        "Who receives partner requests", coerce=lambda v: int(v) if v else None,
        validators=[Optional()],
        description="Requests arrive by e-mail; the address is never shown to the sender.")
    is_contact_name_public = BooleanField("Show this person's name on the profile")
    contact_email = EmailField("Contact e-mail address",
                               validators=[Optional(), Email(), Length(max=254)],
                               description="For example a general address of your office.")
    is_email_public = BooleanField("Show this e-mail address on the profile")
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    is_phone_public = BooleanField("Show the phone number on the profile")
    is_website_public = BooleanField("Show the organisation's website on the profile")
    submit = SubmitField("Save profile")


class AskToJoinForm(FlaskForm):
    note = TextAreaField(
        "Your note", validators=[Length(max=MAX_NOTE)],
        description="Why this organisation, and what role you have in mind for it.")
    submit = SubmitField("Send request")


class AnswerForm(FlaskForm):
    accept = SubmitField("Yes, send us the invitation")
    decline = SubmitField("No, thank you")


class StatusForm(SmeFiguresFields):
    """Independence (who controls the organisation) and the figures its SME status follows."""

    control_status = RadioField(
        "Who controls your organisation?",
        choices=[(status.value, CONTROL_STATUS_LABELS[status]) for status in ControlStatus
                 if status != ControlStatus.UNDECLARED],
        validators=[Optional()],
        description="Control: more than 50 % of the capital or votes, or the power to decide. "
                    "Organisations under common control may all take part and count as one "
                    "partner. Ownership by the same public body or public investor is not "
                    "control.")
    controller_identifier = StringField(
        "Controlling organisation or public owner: VAT number or PIC",
        validators=[Optional(), Length(max=40)],
        description="As registered on OpenCall; needed when another organisation controls yours.")
    submit = SubmitField("Save status")
