"""What lists and the ranking read of a submission, copied from its snapshot into columns when
it is stored: a list of thousands then never decodes a snapshot (JSON) per row."""

from decimal import Decimal


def _people(participants: list[dict], key: str) -> int | None:
    counts = [p.get(key) for p in participants if p.get(key) is not None]
    return sum(counts) if counts else None


def submitted_fields(snapshot: dict) -> dict:
    """The columns of Submission derived from `snapshot` (format: services/snapshot.py)."""
    application = snapshot.get("application") or {}
    participants = snapshot.get("participants") or []
    countries = {(p.get("organisation") or {}).get("country") for p in participants} - {None}
    price = application.get("bid_price")
    checks = (snapshot.get("eligibility") or {}).get("checks") or []
    return {
        "strategic_area": application.get("strategic_area") or None,
        "countries": ",".join(sorted(countries)),
        "key_personnel_women": _people(participants, "key_personnel_women"),
        "key_personnel_men": _people(participants, "key_personnel_men"),
        "bid_price": Decimal(str(price)) if price not in (None, "") else None,
        "participant_count": len(participants),
        "failed_checks": sum(1 for check in checks if not check.get("passed")),
    }


def country_codes(stored: str) -> tuple[str, ...]:
    """The `countries` column back as sorted ISO codes."""
    return tuple(stored.split(",")) if stored else ()
