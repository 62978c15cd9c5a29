"""Pure rules of events: the meeting scheduler and the event timetable."""
