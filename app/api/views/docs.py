"""The OpenAPI document (generated from the views) and the browsable docs page, served from
the project's own files: the page loads nothing from elsewhere."""

import copy

from flask import jsonify, render_template

from app.api.views import bp
from app.api.views.spec import spec
from app.core.access import public


def _problem_media_type(document: dict) -> dict:
    """spectree writes every body as application/json; problems are sent (and so documented)
    as application/problem+json."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                body = content.get("application/json")
                if body and body.get("schema", {}).get("$ref", "").split("/")[-1].startswith(
                        "Problem"):
                    response["content"] = {"application/problem+json": content.pop(
                        "application/json")}
    return document


def openapi_document() -> dict:
    document = copy.deepcopy(spec.spec)
    document["servers"] = [{"url": "/", "description": "This OpenCall site"}]
    return _problem_media_type(document)


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
