"""Creator fixtures for directory."""
