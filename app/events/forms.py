"""Forms of the event pages."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.inputs import sane_date
from app.events.models import EntryKind, EventKind, Outcome
from app.events.rules.timetable import MAX_SLOT_MINUTES, MAX_TABLES, MIN_SLOT_MINUTES

LOCAL = "%Y-%m-%dT%H:%M"


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of labelled checkboxes (easier than Ctrl-click)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _when(label: str, description: str = "") -> DateTimeLocalField:
    return DateTimeLocalField(label, format=LOCAL, validators=[
        InputRequired("Enter a date and time."), sane_date()], description=description)


class EventForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=[(k.value, k.label) for k in EventKind])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 4})
    venue = StringField("Place", validators=[Optional(), Length(max=300)],
                        description="Address of the venue; leave empty for an online event.")
    online_url = StringField("Online link", validators=[Optional(), Length(max=300)],
                             description="https:// link of the online meeting room, if any.")
    time_zone = SelectField("Time zone", validators=[DataRequired()],
                            description="Every time below is in this zone.")
    starts_at = _when("Starts")
    ends_at = _when("Ends")
    registration_opens_at = _when("Registration opens")
    registration_closes_at = _when("Registration closes")
    booking_opens_at = _when("Meeting booking opens")
    booking_closes_at = _when("Meeting booking closes",
                              "The schedule is made when booking closes.")
    slot_minutes = IntegerField("Meeting length (minutes)", default=20, validators=[
        InputRequired(), NumberRange(MIN_SLOT_MINUTES, MAX_SLOT_MINUTES)])
    tables = IntegerField("Tables", default=10, validators=[
        InputRequired(), NumberRange(0, MAX_TABLES)],
        description="Meetings that can run at once.")
    call_ids = CheckboxesField("Linked calls", coerce=int, validators=[Optional()],
                               description="Calls the event prepares consortia for.")
    submit = SubmitField("Save the event")


class SessionForm(FlaskForm):
    name = StringField("Session name", validators=[DataRequired(), Length(max=120)],
                       description="For example Morning meetings.")
    starts_at = _when("Session starts")
    ends_at = _when("Session ends")
    submit = SubmitField("Add the session")


class ConfirmForm(FlaskForm):
    confirm = BooleanField("I understand", validators=[DataRequired("Tick the box to confirm.")])
    submit = SubmitField("Confirm")


class ActionForm(FlaskForm):
    """A button that changes something and needs nothing but the CSRF token."""

    submit = SubmitField("Go")


class InviteForm(FlaskForm):
    organisation_ids = CheckboxesField("Organisations to invite", coerce=int,
                                       validators=[DataRequired("Choose at least one.")])
    submit = SubmitField("Send invitation letters")


class RegistrationForm(FlaskForm):
    session_ids = CheckboxesField("Sessions you attend", coerce=int,
                                  validators=[DataRequired("Choose the sessions you attend.")])
    break_slot_ids = CheckboxesField("Slots you keep free (breaks)", coerce=int,
                                     validators=[Optional()])
    profile = TextAreaField("Your organisation in the catalogue",
                            validators=[Optional(), Length(max=2000)], render_kw={"rows": 4},
                            description="What you do and what kind of partner you look for.")
    submit = SubmitField("Register")


class EntryForm(FlaskForm):
    kind = RadioField("Kind", choices=[(k.value, k.label) for k in EntryKind],
                      default=EntryKind.OFFER.value, validators=[DataRequired()])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)],
                                render_kw={"rows": 3})
    tags = StringField("Tags", validators=[Optional(), Length(max=400)],
                       description="Separate tags with commas, e.g. broadband, tourism.")
    submit = SubmitField("Add to the marketplace")


class MeetingRequestForm(FlaskForm):
    note = TextAreaField("Your note", validators=[Optional(), Length(max=1000)],
                         render_kw={"rows": 3},
                         description="Why you would like to meet.")
    submit = SubmitField("Request a meeting")


class AnswerForm(FlaskForm):
    accept = SubmitField("Accept")
    decline = SubmitField("Decline")


class MoveForm(FlaskForm):
    slot_id = SelectField("Slot", coerce=int, validators=[DataRequired()])
    table = IntegerField("Table", validators=[InputRequired(), NumberRange(1, MAX_TABLES)])
    submit = SubmitField("Move the meeting")


class FeedbackForm(FlaskForm):
    held = RadioField("Did the meeting take place?", choices=[("yes", "Yes"), ("no", "No")],
                      default="yes", validators=[DataRequired()])
    rating = SelectField("Rating", choices=[("", "—")] + [(str(n), "★" * n) for n in
                                                          range(1, 6)],
                         validators=[Optional()])
    outcome = RadioField("What came of it?", choices=[(o.value, o.label) for o in Outcome],
                         default=Outcome.NOTHING.value, validators=[DataRequired()])
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 2})
    submit = SubmitField("Save feedback")


class StartApplicationForm(FlaskForm):
    call_reference = SelectField("Call", validators=[DataRequired()])
    acronym = StringField("Acronym", validators=[DataRequired(), Length(max=30)])
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    submit = SubmitField("Start the application together")
