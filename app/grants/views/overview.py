"""The funder's (or one call's) tracking page: committed vs disbursed, upcoming payments."""

from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.calls.labels import ICT_CATEGORY_NAMES
from app.core.access import requires
from app.core.charts import bar_chart
from app.core.formatting import country_name
from app.grants.services.tracking import Figures, overview
from app.grants.views.grants import OFFICERS, bp

# The countries shown by name in the chart and (unless all are asked for) the table; the
# rest are added up in one "Other" row. Grants reach ever more countries (86 at full
# scale: a 100 KB chart nobody could read), so the page is bounded as the data grow.
COUNTRIES_SHOWN = 12


def country_rows(by_country: dict[str, Figures], names: dict[str, str], *,
                 limit: int | None) -> list[tuple[str, Figures]]:
    """(name, figures) of the `limit` countries with the most committed, in order of their
    code as before, then the others' sum; every country when `limit` is None."""
    codes = sorted(by_country)
    if limit is not None and len(codes) > limit:
        top = sorted(codes, key=lambda code: (-by_country[code].planned, code))[:limit]
        others = Figures()
        for code in set(codes) - set(top):
            others.planned += by_country[code].planned
            others.paid += by_country[code].paid
        return [(_named(c, names), by_country[c]) for c in sorted(top)] + [(_("Other"), others)]
    return [(_named(code, names), by_country[code]) for code in codes]


def _named(code: str, names: dict[str, str]) -> str:
    if code not in names:
        names[code] = country_name(code)
    return names[code]


@bp.get("/overview")
@requires(*OFFICERS)
def overview_page():
    # A call of another funder shows all of this one's rather than an error.
    figures = overview(by=current_user, call_id=request.args.get("call_id", type=int),
                       page=request.args.get("page", 1, type=int))
    every_country = request.args.get("countries") == "all"
    charts: dict[str, dict] = {}
    countries: dict[str, dict] = {}  # per currency: the table's rows; whether some are summed
    country_names: dict[str, str] = {}  # each country named once, for the charts and tables
    for currency, money in figures.currencies.items():
        codes = sorted(money.by_ict)
        charts[currency] = {}
        shown = country_rows(money.by_country, country_names, limit=COUNTRIES_SHOWN)
        countries[currency] = {"rows": country_rows(money.by_country, country_names, limit=None)
                               if every_country else shown,
                               "bounded": len(money.by_country) > COUNTRIES_SHOWN}
        if shown:
            charts[currency]["country"] = bar_chart(
                _("Committed and disbursed by country (%(currency)s)", currency=currency),
                [name for name, _figures in shown],
                {_("Committed"): [row.planned for _name, row in shown],
                 _("Disbursed"): [row.paid for _name, row in shown]},
                currency=currency)
        if codes:
            charts[currency]["ict"] = bar_chart(
                _("Planned costs and payments by ICT category (%(currency)s)",
                  currency=currency),
                [str(ICT_CATEGORY_NAMES.get(c, c)) for c in codes],
                {_("Planned costs"): [money.by_ict[c].planned for c in codes],
                 _("Paid"): [money.by_ict[c].paid for c in codes]}, currency=currency)
    return render_template("grants/overview.html", figures=figures, calls=figures.choices,
                           call_id=figures.call_id, charts=charts, ict_labels=ICT_CATEGORY_NAMES,
                           countries=countries, every_country=every_country,
                           # Translated once a page, not once an overdue row; the template
                           # fills in each date.
                           overdue=Markup(_("%(date)s (overdue)")), today=date.today())
