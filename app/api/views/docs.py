"""The OpenAPI document (generated from the views) and the browsable docs page, served from
the project's own files: the page loads nothing from elsewhere."""

from flask import jsonify, render_template

from app.api.views import bp
from app.api.views.spec import spec
from app.core.access import public


def openapi_document() -> dict:
    document = dict(spec.spec)
    document["servers"] = [{"url": "/", "description": "This OpenCall site"}]
    return document


@bp.get("/openapi.json")
@public
def openapi():
    response = jsonify(openapi_document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/docs")
@public
def docs():
    return render_template("api/docs.html")
