"""Demo data for `make run`: real organisations from CORDIS and one user per role."""
