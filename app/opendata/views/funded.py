"""The public list of funded projects (published grants), with search."""

from flask import render_template, request

from app.core.access import public
from app.core.system import front_door_section
from app.opendata.services.facts import count_published_grants
from app.opendata.services.funded import MAX_QUERY_LENGTH, funded_projects
from app.opendata.views import bp


@bp.get("/funded-projects")
@public
def funded():
    q = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    pagination, projects = funded_projects(q=q, page=request.args.get("page", 1, type=int))
    return render_template("opendata/funded.html", pagination=pagination, projects=projects,
                           q=q)


@front_door_section
def funded_projects_on_the_home_page() -> tuple[str, dict]:
    return "opendata/_front_door.html", {"funded_count": count_published_grants()}
