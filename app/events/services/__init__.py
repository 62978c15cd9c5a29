"""Use cases of events: organising, inviting, registering, meeting, scheduling, following up."""
