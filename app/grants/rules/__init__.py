"""Pure rules of grants: the standard library and other rules/ modules only."""
