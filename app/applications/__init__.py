"""Applications domain package."""
