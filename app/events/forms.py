"""Forms of the event pages."""

from flask_babel import lazy_gettext as _l
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
from app.events.models import KIND_LABELS, OUTCOME_LABELS, WORDS, EntryKind, Outcome
from app.events.rules.timetable import MAX_SLOT_MINUTES, MAX_TABLES, MIN_SLOT_MINUTES

LOCAL = "%Y-%m-%dT%H:%M"


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of labelled checkboxes (easier than Ctrl-click)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _when(label: str, description: str = "") -> DateTimeLocalField:
    return DateTimeLocalField(label, format=LOCAL, validators=[
        InputRequired(_l("Enter a date and time.")), sane_date()], description=description)


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 4})
    venue = StringField(_l("Place"), validators=[Optional(), Length(max=300)],
                        description=_l("Address of the venue; leave empty for an online event."))
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=300)],
                             description=_l("https:// link of the online meeting room, if any."))
    time_zone = SelectField(_l("Time zone"), validators=[DataRequired()],
                            description=_l("Every time below is in this zone."))
    starts_at = _when(_l("Starts"))
    ends_at = _when(_l("Ends"))
    registration_opens_at = _when(_l("Registration opens"))
    registration_closes_at = _when(_l("Registration closes"))
    booking_opens_at = _when(_l("Meeting booking opens"))
    booking_closes_at = _when(_l("Meeting booking closes"),
                              _l("The schedule is made when booking closes."))
    slot_minutes = IntegerField(_l("Meeting length (minutes)"), default=20, validators=[
        InputRequired(), NumberRange(MIN_SLOT_MINUTES, MAX_SLOT_MINUTES)])
    tables = IntegerField(_l("Tables"), default=10, validators=[
        InputRequired(), NumberRange(0, MAX_TABLES)],
        description=_l("Meetings that can run at once."))
    call_ids = CheckboxesField(_l("Linked calls"), coerce=int, validators=[Optional()],
                               description=_l("Calls the event prepares consortia for."))
    submit = SubmitField(_l("Save the event"))


class SessionForm(FlaskForm):
    name = StringField(_l("Session name"), validators=[DataRequired(), Length(max=120)],
                       description=_l("For example Morning meetings."))
    starts_at = _when(_l("Session starts"))
    ends_at = _when(_l("Session ends"))
    submit = SubmitField(_l("Add the session"))


class ConfirmForm(FlaskForm):
    confirm = BooleanField(_l("I understand"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Confirm"))


class ActionForm(FlaskForm):
    """A button that changes something and needs nothing but the CSRF token."""

    submit = SubmitField(_l("Go"))


class InviteForm(FlaskForm):
    organisation_ids = CheckboxesField(_l("Organisations to invite"), coerce=int,
                                       validators=[DataRequired(_l("Choose at least one."))])
    submit = SubmitField(_l("Send invitation letters"))


class RegistrationForm(FlaskForm):
    session_ids = CheckboxesField(_l("Sessions you attend"), coerce=int,
                                  validators=[DataRequired(_l("Choose the sessions you attend."))])
    break_slot_ids = CheckboxesField(_l("Slots you keep free (breaks)"), coerce=int,
                                     validators=[Optional()])
    profile = TextAreaField(_l("Your organisation in the catalogue"),
                            validators=[Optional(), Length(max=2000)], render_kw={"rows": 4},
                            description=_l("What you do and what kind of partner you look for."))
    submit = SubmitField(_l("Register"))


class EntryForm(FlaskForm):
    kind = RadioField(_l("Kind"), choices=[(k.value, WORDS[k.value]) for k in EntryKind],
                      default=EntryKind.OFFER.value, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)],
                                render_kw={"rows": 3})
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=400)],
                       description=_l("Separate tags with commas, e.g. broadband, tourism."))
    submit = SubmitField(_l("Add to the marketplace"))


class MeetingRequestForm(FlaskForm):
    note = TextAreaField(_l("Your note"), validators=[Optional(), Length(max=1000)],
                         render_kw={"rows": 3},
                         description=_l("Why you would like to meet."))
    submit = SubmitField(_l("Request a meeting"))


class AnswerForm(FlaskForm):
    accept = SubmitField(_l("Accept"))
    decline = SubmitField(_l("Decline"))


class MoveForm(FlaskForm):
    slot_id = SelectField(_l("Slot"), coerce=int, validators=[DataRequired()])
    table = IntegerField(_l("Table"), validators=[InputRequired(), NumberRange(1, MAX_TABLES)])
    submit = SubmitField(_l("Move the meeting"))


class FeedbackForm(FlaskForm):
    held = RadioField(_l("Did the meeting take place?"),
                      choices=[("yes", _l("Yes")), ("no", _l("No"))],
                      default="yes", validators=[DataRequired()])
    rating = SelectField(_l("Rating"), choices=[("", "—")] + [(str(n), "★" * n) for n in
                                                          range(1, 6)],
                         validators=[Optional()])
    outcome = RadioField(_l("What came of it?"), choices=list(OUTCOME_LABELS.items()),
                         default=Outcome.NOTHING.value, validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 2})
    submit = SubmitField(_l("Save feedback"))


class StartApplicationForm(FlaskForm):
    call_reference = SelectField(_l("Call"), validators=[DataRequired()])
    acronym = StringField(_l("Acronym"), validators=[DataRequired(), Length(max=30)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Start the application together"))
