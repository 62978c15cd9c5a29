"""Partner search: the organisation directory and partner suggestions."""
