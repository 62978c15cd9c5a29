"""The funder's (or one call's) tracking page: committed vs disbursed, upcoming payments."""

from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.calls.labels import ICT_CATEGORY_NAMES
from app.core.access import requires
from app.core.charts import bar_chart
from app.core.formatting import country_name
from app.grants.services.tracking import overview
from app.grants.views.grants import OFFICERS, bp


@bp.get("/overview")
@requires(*OFFICERS)
def overview_page():
    # A call of another funder shows all of this one's rather than an error.
    figures = overview(by=current_user, call_id=request.args.get("call_id", type=int),
                       page=request.args.get("page", 1, type=int))
    charts: dict[str, dict] = {}
    country_names: dict[str, str] = {}  # each country named once, for the charts and tables
    for currency, money in figures.currencies.items():
        countries, codes = sorted(money.by_country), sorted(money.by_ict)
        charts[currency] = {}
        for code in countries:
            if code not in country_names:
                country_names[code] = country_name(code)
        if countries:
            charts[currency]["country"] = bar_chart(
                _("Committed and disbursed by country (%(currency)s)", currency=currency),
                [country_names[c] for c in countries],
                {_("Committed"): [money.by_country[c].planned for c in countries],
                 _("Disbursed"): [money.by_country[c].paid for c in countries]},
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
                           country_names=country_names,
                           today=date.today())
