"""Funded projects and the open-data packages, public."""

from flask import current_app, request
from spectree import Response

from app.api.rules.cursors import decode
from app.api.views import bp
from app.api.views.paging import page_of
from app.api.views.schemas import Datasets, ListQuery, Problem, ProjectPage
from app.api.views.spec import validate
from app.core.access import public
from app.opendata.rules.threesixtygiving import grant_record
from app.opendata.services.facts import published_grants_page
from app.opendata.services.publication import dataset_states


@bp.get("/projects")
@public
@validate(query=ListQuery, resp=Response(HTTP_200=ProjectPage, HTTP_400=Problem),
               tags=["Open data"])
def list_projects():
    """Funded projects: every signed grant, as a 360Giving grant (who got what)."""
    query = request.context.query
    filters = {"limit": query.limit}
    pagination, facts = published_grants_page(page=decode(query.cursor, filters),
                                              per_page=query.limit)
    return page_of(pagination, filters, lambda grant: grant_record(facts[grant.id]))


@bp.get("/open-data")
@public
@validate(resp=Response(HTTP_200=Datasets), tags=["Open data"])
def open_data():
    """The published open-data packages (360Giving, OCDS) and where to download them."""
    config = current_app.config
    base = config["PUBLIC_BASE_URL"].rstrip("/") + "/open-data"
    downloads = {"360giving": {"json": f"{base}/360giving.json", "xlsx": f"{base}/360giving.xlsx"},
                 "ocds": {"json": f"{base}/ocds.json"}}
    return {"license": config["OPEN_DATA_LICENSE_URL"],
            "publisher": config["OPEN_DATA_PUBLISHER_NAME"],
            "datasets": [{"kind": str(state.kind), "title": state.kind.label,
                          "published_at": state.current.created_at if state.current else None,
                          "items": state.current.item_count if state.current else 0,
                          "downloads": downloads[state.kind] if state.current else {}}
                         for state in dataset_states()]}
