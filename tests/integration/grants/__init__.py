"""Integration tests of grants, claims, payments, tracking and reports."""
