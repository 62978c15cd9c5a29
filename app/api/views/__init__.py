"""The REST API at /api/v1 (JSON, OpenAPI 3.1) and the pages where users manage their tokens."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")
BLUEPRINTS = (bp, tokens_bp)

# No menu entry: "API tokens" sits beside the user's name (base.html), on every page.

# The modules register their hooks and routes on the blueprints when imported.
from app.api.views import (  # noqa: E402, F401
    applications,
    authentication,
    caching,
    calls,
    docs,
    evaluation,
    grants,
    problems,
    public,
    tokens,
)
