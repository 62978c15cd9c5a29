"""Reports domain package."""
