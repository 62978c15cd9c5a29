"""Display of money, dates and countries for people (babel, zoneinfo, classifications)."""

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import markdown
import nh3
from babel import Locale
from babel.dates import format_datetime, format_timedelta
from flask import Flask, current_app
from markupsafe import Markup

from app.core.classifications import COUNTRIES, FORD_FIELDS, ORG_TYPE_LABELS
from app.core.money import current_locale, format_money, format_percent


def money(amount: Decimal | int | str | None, currency: str = "EUR") -> str:
    """"€1,234.50" in en, "1.234,50 €" in de (app/core/money.py)."""
    if amount is None:
        return "—"
    return format_money(amount, currency)


def percent(rate: Decimal | int | str | None, decimals: int = 2) -> str:
    """A rate given as a fraction (0.25, "0.800000") as a percentage in the locale: "25%"."""
    if rate is None or rate == "":
        return "—"
    return format_percent(rate, decimals=decimals)


def local_datetime(value: datetime | None, zone: str | None = None, fmt: str = "medium") -> str:
    """A UTC datetime shown in `zone` (the call's or the site's), with the zone named."""
    if value is None:
        return "—"
    return _formatted_datetime(value, zone or current_app.config["DISPLAY_TIMEZONE"], fmt,
                               current_locale())


# Babel parses the locale's pattern and walks it for every date it writes (16 µs, a list page
# writes dozens): a date's text is a pure function of these four, kept here like amounts.
@lru_cache(maxsize=4096)
def _formatted_datetime(value: datetime, zone: str, fmt: str, locale: str) -> str:
    tz = ZoneInfo(zone)
    text = format_datetime(value.astimezone(tz), format=fmt, locale=locale)
    return f"{text} ({tz.key})"


def iso_datetime(value: datetime | None) -> Markup:
    """A <time> element: machine-readable UTC, human-readable in the site zone."""
    if value is None:
        return Markup("—")
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), local_datetime(value))


def markdown_html(text: str | None) -> Markup:
    """Markdown written by officers, rendered and then sanitised (no scripts, no styles)."""
    return Markup(_rendered_markdown(text or ""))


# Keyed by the text itself (its hash): the HTML is a pure function of it, so an edited text is
# a new key and nothing stale is ever served; a call page renders its texts once per process
# instead of on every request (rendering and sanitising cost more than the rest of the page).
@lru_cache(maxsize=1024)
def _rendered_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=["sane_lists"])
    return nh3.clean(html, link_rel="noopener noreferrer nofollow")


def time_remaining(deadline: datetime | None, now: datetime | None = None) -> str:
    """"in 3 days", "2 hours ago": how far the deadline is, in words."""
    if deadline is None:
        return "—"
    delta = deadline - (now or datetime.now(UTC))
    words = format_timedelta(delta, threshold=1.5, add_direction=True,
                             locale=current_locale())
    return words


def country_name(code: str | None) -> str:
    """A country's name in the page's language ("Germany", "Deutschland")."""
    if not code:
        return "—"
    return _country_names(current_locale()).get(code.upper(), code)


def country_choices() -> list[tuple[str, str]]:
    """Every country an organisation may be established in, by name (Kosovo included); built
    once per locale (names may be translated), a fresh list each time for the caller to extend."""
    return list(_country_choices(current_locale()))


@lru_cache(maxsize=64)
def _country_names(locale: str) -> dict[str, str]:
    """English pages keep the ISO names (pycountry); other languages take Babel's (CLDR)
    name of each territory, or the English one where CLDR has none."""
    parsed = Locale.parse(locale)
    if parsed.language == "en":
        return COUNTRIES
    return {code: parsed.territories.get(code, name) for code, name in COUNTRIES.items()}


@lru_cache(maxsize=64)
def _country_choices(locale: str) -> tuple[tuple[str, str], ...]:
    names = _country_names(locale)
    if names is COUNTRIES:
        return tuple(COUNTRIES.items())  # already in the order of their English names
    return tuple(sorted(names.items(), key=lambda item: item[1].casefold()))


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: "1 proposal", "3 proposals", "0 proposals"."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def register_filters(app: Flask) -> None:
    from app.core.forms import form_errors, required_note, token_refused

    app.add_template_global(form_errors)
    app.add_template_global(token_refused)
    app.add_template_global(required_note)
    app.add_template_filter(money)
    app.add_template_filter(counted)
    app.add_template_filter(percent)
    app.add_template_filter(local_datetime)
    app.add_template_filter(iso_datetime)
    app.add_template_filter(country_name)
    app.add_template_filter(markdown_html, "markdown")
    app.add_template_filter(time_remaining)
    app.add_template_filter(lambda code: ORG_TYPE_LABELS.get(code, code), "org_type_label")
    app.add_template_filter(lambda code: FORD_FIELDS.get(code, code), "ford_label")
