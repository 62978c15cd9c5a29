"""Accounts domain package."""
