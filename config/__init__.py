"""Configuration classes, read from environment variables."""
