"""A consensus whose experts disagreed must say how (pure).

The dispersion flag (criteria.dispersion_limit) marks criteria where the experts' scores lie
further apart than the call accepts; the consensus report records the minority view on them
before it goes to the officer.
"""

MIN_MINORITY_VIEWS = 20


def minority_views_refusal(dispersed_labels: list[str], minority_views: str) -> str | None:
    """Why a consensus cannot be submitted without minority views, or None."""
    if not dispersed_labels or len(minority_views.strip()) >= MIN_MINORITY_VIEWS:
        return None
    criteria = ", ".join(dispersed_labels)
    noun = "criterion" if len(dispersed_labels) == 1 else "criteria"
    return (f"The experts disagreed on the {noun} {criteria}: record the minority views "
            f"(at least {MIN_MINORITY_VIEWS} characters) before submitting.")
