"""A form posted with a security (CSRF) token that is no longer valid: say so, lose nothing.

Flask-WTF refuses such a POST in a before-request hook, before any view runs; a bare 400
would throw away what the user typed. A view marked `reshows_form` checks every POST through
a FlaskForm before it changes anything, so it may safely run again: the form's own token
check fails as well, and the page comes back with the posted values, a fresh token and the
reason in plain words (errors_summary in _macros/forms.html). Any other POST, or one whose
user is no longer signed in, gets a page that explains and shows the text that was typed.
Nothing is ever saved on a refused token.
"""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, current_app, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.core.extensions import db

# Never shown back: secrets typed into a form.
_SECRET_NAMES = re.compile(r"password|token|secret|otp|totp|recovery", re.IGNORECASE)


def reshows_form(view: Callable) -> Callable:
    """Mark a view whose every POST is validated by a FlaskForm before anything changes."""
    view.reshows_form_on_refused_token = True
    return view


def register_refused_token_answer(app: Flask) -> None:
    app.register_error_handler(CSRFError, answer_refused_token)


def _from_our_pages() -> bool:
    source = request.headers.get("Origin") or request.referrer or ""
    return urlsplit(source).netloc == request.host


def _rest_of_before_request():
    """The before-request hooks the refusal skipped (bad input, idle session, access)."""
    hooks = [hook for name in (None, *reversed(request.blueprints))
             for hook in current_app.before_request_funcs.get(name, ())]
    names = [hook.__name__ for hook in hooks]
    start = names.index("csrf_protect") + 1 if "csrf_protect" in names else 0
    for hook in hooks[start:]:
        answer = current_app.ensure_sync(hook)()
        if answer is not None:
            return answer
    return None


def _typed_values() -> list[tuple[str, str]]:
    return [(name, value) for name, value in request.form.items(multi=True)
            if value.strip() and not _SECRET_NAMES.search(name)]


def answer_refused_token(error: CSRFError):
    view = current_app.view_functions.get(request.endpoint or "")
    if (request.method == "POST" and _from_our_pages()
            and getattr(view, "reshows_form_on_refused_token", False)):
        try:
            answer = _rest_of_before_request()
            if answer is None:
                response = make_response(
                    current_app.ensure_sync(view)(**(request.view_args or {})))
                db.session.rollback()  # the form refused the token: nothing may be kept
                if response.status_code == 200:
                    return response
        except HTTPException:
            db.session.rollback()
    ours = _from_our_pages()
    page = urlsplit(request.referrer or "")
    again = (page.path + (f"?{page.query}" if page.query else "")) \
        if ours and page.netloc == request.host else None
    return render_template("errors/refused_token.html", typed=_typed_values() if ours else [],
                           again=again, detail=error.description), 400
