"""Use cases of applications: take the actor, load, authorise, validate, change, audit."""
