"""Pure rules of assistance: none yet (who may do what is decided in applications services)."""
