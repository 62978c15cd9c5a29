"""Pure rules of reports: the standard library and other rules/ modules only."""
