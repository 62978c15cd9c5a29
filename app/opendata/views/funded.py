"""The public list of funded projects (published grants), with search."""

from flask import render_template, request
from flask_babel import format_date, gettext
from markupsafe import Markup

from app.calls.rules.finance import ICT_CATEGORY_LABELS
from app.core.access import public
from app.core.formatting import country_name, money
from app.core.system import front_door_section
from app.opendata.services.facts import count_published_grants
from app.opendata.services.funded import MAX_QUERY_LENGTH, FundedProject, funded_projects
from app.opendata.views import bp


def page_texts(projects: list[FundedProject]) -> dict:
    """Each country, ICT category, start date and amount on the page written once, not once a
    member or a project (a page names about sixty members in a dozen countries)."""
    countries = {member.country for project in projects for member in project.members}
    categories = {code for project in projects for code in project.ict_categories}
    names = {code: country_name(code) for code in countries}
    comma, member = Markup(", "), Markup("{} ({})")
    return {
        # Each project's members and countries as one escaped text: the template's loops
        # escaped and joined them item by item (about a hundred items a page).
        "members_texts": {p.grant_id: comma.join(member.format(m.name, names[m.country])
                                                 for m in p.members) for p in projects},
        "countries_texts": {p.grant_id: comma.join(names[code] for code in p.countries)
                            for p in projects},
        # Markup, as the template's _() returned it: the catalogues' own text.
        "ict_names": {code: Markup(gettext(ICT_CATEGORY_LABELS.get(code, code)))
                      for code in categories},
        "start_dates": {day: format_date(day) for day in {p.start_date for p in projects}},
        "amount_texts": {(p.amount, p.currency): money(p.amount, p.currency) for p in projects},
    }


@bp.get("/funded-projects")
@public
def funded():
    q = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    pagination, projects = funded_projects(q=q, page=request.args.get("page", 1, type=int))
    return render_template("opendata/funded.html", pagination=pagination, projects=projects,
                           q=q, **page_texts(projects))


@front_door_section
def funded_projects_on_the_home_page() -> tuple[str, dict]:
    return "opendata/_front_door.html", {"funded_count": count_published_grants()}
