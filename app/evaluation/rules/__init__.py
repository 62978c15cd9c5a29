"""Pure rules of evaluation: the standard library and other rules/ modules only."""
