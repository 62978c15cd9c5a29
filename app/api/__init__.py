"""The REST API: another face over the same services and access rules as the pages."""
