"""Integration tests of the evaluation package."""
