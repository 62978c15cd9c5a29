"""Use cases of accounts: take the actor, load, authorise, validate, change, audit."""
