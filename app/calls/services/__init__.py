"""Use cases of calls: take the actor, load, authorise, validate, change, audit."""
