"""Evaluation domain package."""
