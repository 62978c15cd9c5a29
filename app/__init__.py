"""OpenCall: grant and tender management for consortia."""
