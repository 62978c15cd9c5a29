"""Creator fixtures, one module per domain package (loaded as pytest plugins)."""
