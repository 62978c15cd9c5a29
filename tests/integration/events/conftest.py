"""Event tests use `client_for` and `post_form` from tests/factories/events.py."""
