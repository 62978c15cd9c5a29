"""Registration windows, meeting requests accepted or declined, the schedule, hand moves refused
on conflict, agendas, feedback and applications started from a meeting."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.applications.models import Application
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.events.models import Meeting, MeetingSeat, MeetingStatus, Registration
from app.events.services import followup, meetings, registration, scheduling
from tests.factories.events import post_form


def test_registration_follows_its_window_on_the_server_clock(app, client_for, make_event,
                                                             make_user, make_organisation):
    from app.accounts.models import Role

    closed = make_event(registration_open=False)
    firm = make_user(Role.applicant, organisation=make_organisation())
    client = client_for(firm)
    url = f"/events/{closed.id}/register"
    response = post_form(client, url, {"session_ids": [str(closed.sessions[0].id)]})
    assert "Registration for this event is closed." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0

    open_event = make_event()
    url = f"/events/{open_event.id}/register"
    morning = open_event.sessions[0]
    response = post_form(client, url, {"session_ids": [str(morning.id)],
                                       "break_slot_ids": [str(morning.slots[0].id)],
                                       "profile": "Broadband for valleys."})
    assert response.status_code == 302
    mine = db.session.scalar(select(Registration))
    assert [s.id for s in mine.sessions] == [morning.id]
    assert mine.break_slot_ids == [morning.slots[0].id]


def test_a_break_outside_the_sessions_attended_is_refused(app, make_event, register_org):
    event = make_event()
    mine = register_org(event)
    afternoon_slot = event.sessions[1].slots[0].id
    data = registration.RegistrationData(session_ids=(event.sessions[0].id,),
                                         break_slot_ids=(afternoon_slot,))
    with pytest.raises(DomainError, match="Breaks must be slots of the sessions you attend"):
        registration.update_registration(event.id, by=mine.user, data=data)


def test_an_organisation_registers_once(app, make_event, register_org):
    event = make_event()
    mine = register_org(event)
    data = registration.RegistrationData(session_ids=(event.sessions[0].id,))
    with pytest.raises(Conflict, match="already registered"):
        registration.register(event.id, by=mine.user, data=data)


def test_request_accept_and_decline(app, client_for, make_event, register_org):
    event = make_event()
    alpine, graz, trieste = (register_org(event, country=c) for c in ("AT", "DE", "IT"))
    client = client_for(alpine.user)
    url = f"/events/{event.id}/participants/{graz.id}/request"
    response = post_form(client, url, {"note": "Let us talk broadband."}, token_from="/")
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.status, meeting.note) == (MeetingStatus.REQUESTED, "Let us talk broadband.")
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == graz.user.email))
    assert "would like to meet you" in mail.body

    # Asking again, either way round, is refused by the pair's unique key.
    with pytest.raises(Conflict, match="already a meeting request"):
        meetings.request_meeting(event.id, by=graz.user, with_registration_id=alpine.id)

    # Only the invited side answers.
    with pytest.raises(Forbidden, match="Only the invited side"):
        meetings.answer_meeting(event.id, meeting.id, by=alpine.user, accept=True)
    graz_client = client_for(graz.user)
    answer = f"/events/{event.id}/meetings/{meeting.id}/answer"
    response = post_form(graz_client, answer, {"accept": "Accept"}, token_from="/")
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.ACCEPTED
    # A second click changes nothing.
    with pytest.raises(Conflict, match="already been answered"):
        meetings.answer_meeting(event.id, meeting.id, by=graz.user, accept=False)

    declined = meetings.request_meeting(event.id, by=trieste.user,
                                        with_registration_id=alpine.id)
    meetings.answer_meeting(event.id, declined.id, by=alpine.user, accept=False)
    db.session.commit()
    assert declined.status == MeetingStatus.DECLINED


def test_requests_outside_the_booking_window_are_refused(app, make_event, register_org):
    event = make_event(booking_open=False)
    alpine, graz = register_org(event), register_org(event)
    with pytest.raises(DomainError, match="Booking meetings is closed"):
        meetings.request_meeting(event.id, by=alpine.user, with_registration_id=graz.id)


def test_participants_suggested_for_a_linked_call_come_first(app, client_for, make_call,
                                                             make_event, register_org):
    call = make_call(rules="ict_aggregation")  # needs a research partner from another country
    event = make_event(calls=[call])
    firm = register_org(event, country="DE", org_type="PRC", is_sme=True,
                        fields_of_science=["2.2"])
    register_org(event, country="DE", org_type="PRC", name="Another German Firm")
    register_org(event, country="AT", org_type="REC", name="Graz Research",
                 fields_of_science=["1.2"])
    page = client_for(firm.user).get(f"/events/{event.id}/participants").get_data(as_text=True)
    assert page.index("Graz Research") < page.index("Another German Firm")
    assert f"Would make a consortium eligible for {call.reference}" in page


def _accepted(event, first, second):
    meeting = meetings.request_meeting(event.id, by=first.user, with_registration_id=second.id)
    meetings.answer_meeting(event.id, meeting.id, by=second.user, accept=True)
    db.session.commit()
    return meeting


def test_the_schedule_places_every_meeting_without_double_booking(app, make_event,
                                                                  register_org):
    event = make_event(tables=1)
    alpine, graz, trieste = (register_org(event) for _ in range(3))
    first, second = _accepted(event, alpine, graz), _accepted(event, alpine, trieste)
    result = scheduling.make_schedule(event.id, by=event.organiser)
    db.session.commit()
    assert result.placed_count == 2
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.slot_id != second.slot_id  # alpine meets both, so never at once
    assert db.session.scalar(select(func.count()).select_from(MeetingSeat)) == 4
    # Booking closed when the schedule was made.
    assert event.booking_closes_at <= utcnow()


def test_a_hand_move_is_refused_on_conflict_and_allowed_otherwise(app, client_for, make_event,
                                                                   register_org):
    event = make_event(tables=2)
    alpine, graz, trieste = (register_org(event) for _ in range(3))
    first, second = _accepted(event, alpine, graz), _accepted(event, alpine, trieste)
    scheduling.make_schedule(event.id, by=event.organiser)
    db.session.commit()
    db.session.refresh(first)
    client = client_for(event.organiser)
    url = f"/events/{event.id}/meetings/{second.id}/move"
    # Into the slot where alpine already meets graz: alpine would be in two places.
    response = post_form(client, url, {"slot_id": str(first.slot_id), "table": "2"})
    assert response.status_code == 409
    assert "already has a meeting in this slot" in response.get_data(as_text=True)
    db.session.refresh(second)
    assert second.slot_id != first.slot_id

    free_slot = next(s for s in event.sessions[1].slots)
    response = post_form(client, url, {"slot_id": str(free_slot.id), "table": "2"})
    assert response.status_code == 302
    db.session.refresh(second)
    assert (second.slot_id, second.table_number, second.placed_by_hand) == \
        (free_slot.id, 2, True)
    # Running the scheduler again keeps the meeting where the organiser put it.
    scheduling.make_schedule(event.id, by=event.organiser)
    db.session.commit()
    db.session.refresh(second)
    assert (second.slot_id, second.table_number) == (free_slot.id, 2)


def test_a_move_into_a_break_or_onto_a_taken_table_is_refused(app, make_event, register_org):
    event = make_event(tables=2)
    morning = event.sessions[0].slots
    alpine, graz = register_org(event), register_org(event, breaks=[morning[2].id])
    trieste, udine = register_org(event), register_org(event)
    first, other = _accepted(event, alpine, graz), _accepted(event, trieste, udine)
    scheduling.make_schedule(event.id, by=event.organiser)
    db.session.commit()
    with pytest.raises(Conflict, match="keeps this slot as a break"):
        scheduling.move_meeting(event.id, first.id, by=event.organiser, slot_id=morning[2].id,
                                table=1)
    db.session.rollback()
    db.session.refresh(other)
    with pytest.raises(Conflict, match=f"Table {other.table_number} is taken"):
        scheduling.move_meeting(event.id, first.id, by=event.organiser,
                                slot_id=other.slot_id, table=other.table_number)


def test_agendas_catalogue_and_table_plan_are_pdfs(app, client_for, make_event, register_org):
    event = make_event()
    alpine, graz = register_org(event), register_org(event)
    _accepted(event, alpine, graz)
    scheduling.make_schedule(event.id, by=event.organiser)
    db.session.commit()
    firm = client_for(alpine.user)
    for url in (f"/events/{event.id}/agenda.pdf", f"/events/{event.id}/catalogue.pdf"):
        response = firm.get(url)
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF")
    assert client_for(event.organiser).get(f"/events/{event.id}/tables.pdf").data.startswith(
        b"%PDF")


def test_feedback_and_an_application_started_from_a_meeting(app, client_for, make_call,
                                                            make_event, register_org):
    call = make_call()
    event = make_event(calls=[call], starts_in=timedelta(days=-1))  # began yesterday 08:00
    alpine, graz = register_org(event, country="AT"), register_org(event, country="DE")
    meeting = Meeting(event_id=event.id, requester_id=alpine.id, invitee_id=graz.id,
                      pair_key=meetings.pair_key(alpine.id, graz.id),
                      status=MeetingStatus.ACCEPTED, answered_at=utcnow())
    db.session.add(meeting)
    db.session.commit()

    client = client_for(alpine.user)
    url = f"/events/{event.id}/meetings/{meeting.id}/feedback"
    response = post_form(client, url, {"held": "yes", "rating": "5",
                                       "outcome": "joint_application", "comment": "Great"})
    assert response.status_code == 302
    response = post_form(client, url, {"held": "no", "rating": "4", "outcome": "nothing"})
    assert "A meeting that did not take place has no rating" in response.get_data(as_text=True)

    url = f"/events/{event.id}/meetings/{meeting.id}/application"
    response = post_form(client, url, {"call_reference": call.reference, "acronym": "alpnet",
                                       "title": "Alpine broadband"})
    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.acronym == "ALPNET"
    assert {(p.organisation_id, p.is_accepted) for p in application.participants} == {
        (alpine.organisation_id, True), (graz.organisation_id, True)}
    with pytest.raises(Conflict, match="already started"):
        followup.start_application_from_meeting(event.id, meeting.id, by=graz.user,
                                                call_reference=call.reference,
                                                acronym="OTHER", title="Other")
    db.session.rollback()

    report = followup.report(event.id, by=event.organiser)
    assert (report.registered, report.accepted, report.held) == (2, 1, 1)
    assert report.average_rating == 5
    assert report.outcomes["Joint application"] == 1
    assert [a.acronym for a in report.applications] == ["ALPNET"]


def test_feedback_waits_for_the_event(app, make_event, register_org):
    event = make_event()
    alpine, graz = register_org(event), register_org(event)
    meeting = _accepted(event, alpine, graz)
    with pytest.raises(DomainError, match="Feedback opens when the event begins"):
        followup.give_feedback(event.id, meeting.id, by=alpine.user, data=followup.FeedbackData(
            held=True, rating=4, outcome="nothing"))


def test_reminders_go_to_those_without_meetings(app, make_event, register_org):
    event = make_event()
    alpine, graz, lonely = register_org(event), register_org(event), register_org(event)
    _accepted(event, alpine, graz)
    assert meetings.send_reminders(event.id, by=event.organiser) == 1
    db.session.commit()
    reminded = db.session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.subject.like("Book your meetings%"))).all()
    assert reminded == [lonely.user.email]


def test_the_participants_page_keeps_its_query_count(app, client_for, make_event, register_org,
                                                     count_queries):
    event = make_event()
    me = register_org(event)
    for _ in range(2):
        register_org(event)
    client = client_for(me.user)
    with count_queries() as few:
        assert client.get(f"/events/{event.id}/participants").status_code == 200
    for _ in range(15):
        register_org(event)
    with count_queries() as many:
        page = client.get(f"/events/{event.id}/participants").get_data(as_text=True)
    assert page.count('class="card mb-3 participant"') == 17
    assert len(many) == len(few)
