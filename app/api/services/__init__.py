"""API use cases: personal access tokens."""
