"""Pure rules of applications: the standard library and other rules/ modules only."""
