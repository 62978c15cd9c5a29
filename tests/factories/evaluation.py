"""Creator fixtures for evaluation."""
