"""Use cases of directory: take the actor, load, authorise, validate, change, audit."""
