"""Pure helpers every domain's rules/ may use (standard library only)."""
