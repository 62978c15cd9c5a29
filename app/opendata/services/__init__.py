"""Open-data use cases: read grants and calls, build, validate and publish the files."""
