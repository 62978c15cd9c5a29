"""Grants domain package."""
