"""Pure rules of accounts: the standard library and other rules/ modules only."""
