"""Creator fixtures for grants."""
