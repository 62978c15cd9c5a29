"""Creator fixtures for reports."""
