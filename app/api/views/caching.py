"""ETags on every successful read, and 304 when the client already has the answer."""

from flask import g, request

from app.api.views import bp


@bp.after_request
def conditional(response):
    if request.method in ("GET", "HEAD") and response.status_code == 200 \
            and not response.direct_passthrough:
        response.add_etag()
        response.make_conditional(request)
    # A token's answer is its owner's business; shared caches must not keep it.
    private = getattr(g, "api_token", None) is not None or request.cookies
    response.headers["Cache-Control"] = "private, no-cache" if private else "public, no-cache"
    response.vary.update(("Authorization", "Cookie"))
    return response
