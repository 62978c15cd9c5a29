"""Integration tests of the partner directory."""
