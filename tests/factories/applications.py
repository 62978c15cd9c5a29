"""Creator fixtures for applications (make_consortium, …)."""
