"""Pure rules of calls: the standard library and other rules/ modules only."""
