"""Infrastructure every domain package uses and that knows no domain."""
