"""Use cases of reports: take the actor, load, authorise, validate, change, audit."""
