"""Pure rules of the API: cursors and scopes."""
