"""Assistance centres and their advisers, who help small firms apply."""
