"""Pure rules of directory: the standard library and other rules/ modules only."""
