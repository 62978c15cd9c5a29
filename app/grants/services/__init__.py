"""Use cases of grants: take the actor, load, authorise, validate, change, audit."""
