"""Reports keep no tables of their own: a requested report is a Job (app.core.jobs)."""
