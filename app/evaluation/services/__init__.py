"""Use cases of evaluation: take the actor, load, authorise, validate, change, audit."""
