"""Open data: grants as 360Giving, tenders as OCDS, validated before they are published."""
