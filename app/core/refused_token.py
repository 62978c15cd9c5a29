"""A form posted with a security (CSRF) token that is no longer valid: say so, lose nothing.

Flask-WTF refuses such a POST in a before-request hook, before any view runs; a bare 400
would throw away what the user typed. So every POST from one of our own pages runs its view
again with every database write refused (`_refuse_writes`): the form's own token check fails
as well, so the view shows the same form again with the posted values and a fresh token, and
the page says why in plain words (errors_summary in _macros/forms.html, or the same message
at the top of a page that shows its form without it). Password fields never show what was
typed, and a page that would show a typed secret (a code) is not used. A view that would
write anyway, or answers with anything but a page (a redirect, an error), is stopped and
rolled back, and the user gets a page that explains and shows the text that was typed
(secrets left out); so does a POST whose user is no longer signed in. Nothing is ever saved
on a refused token.
"""

import logging
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    make_response,
    render_template,
    request,
    session,
)
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from app.core.extensions import db
from app.core.links import same_site_path

log = logging.getLogger(__name__)

# Never shown back: secrets typed into a form (passwords, second-factor codes).
_SECRET_NAMES = re.compile(r"password|token|secret|otp|totp|recovery|^code$|^confirm$",
                           re.IGNORECASE)
_NOTICE_ID = 'id="token-refused"'
_MAIN = re.compile(r"<main\b[^>]*>")
# A view answering with one of these showed the form again; anything else was no form.
_FORM_SHOWN_AGAIN = frozenset({200, 400, 409, 422})


class _WriteRefused(RuntimeError):
    """A view tried to write while it was run again for a refused token."""


def reshows_form(view: Callable) -> Callable:
    """Kept for the views first marked: every view now shows its form again (see above)."""
    return view


def register_refused_token_answer(app: Flask) -> None:
    app.register_error_handler(CSRFError, answer_refused_token)
    for name in ("before_flush", "before_commit"):
        if not event.contains(Session, name, _refuse_writes):
            event.listen(Session, name, _refuse_writes)
    if not event.contains(Session, "do_orm_execute", _refuse_write_statements):
        event.listen(Session, "do_orm_execute", _refuse_write_statements)


def _rerunning() -> bool:
    return has_app_context() and g.get("refused_token_rerun", False)


def _refuse_writes(session, *args) -> None:
    if _rerunning():
        raise _WriteRefused("a write while showing a form again for a refused token")


def _refuse_write_statements(state) -> None:
    if _rerunning() and (state.is_insert or state.is_update or state.is_delete):
        raise _WriteRefused("a write while showing a form again for a refused token")


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


def _form_shown_again():
    """The view's answer to the POST, run with writes refused, or None when that was not
    its form shown again (or the page would show a password or code typed into it)."""
    before = dict(session)
    try:
        answer = _rest_of_before_request()  # these may write (a session's last activity)
        if answer is None:
            view = current_app.view_functions[request.endpoint]
            g.refused_token_rerun = True
            response = make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
            if response.status_code in _FORM_SHOWN_AGAIN and response.mimetype == "text/html" \
                    and not _shows_a_secret(response.get_data(as_text=True)):
                return _with_notice(response)
    except (HTTPException, _WriteRefused):
        pass
    except Exception:  # a view that fails on its own form's refusal: explain, do not crash
        log.exception("Showing %s again for a refused token failed", request.endpoint)
    finally:
        g.refused_token_rerun = False
        db.session.rollback()  # the token was refused: nothing may be kept
        # Nor in the session (what the view flashed or saved), except the CSRF secret the
        # page shown again signed its fresh token with.
        fresh_secret = session.get("csrf_token")
        session.clear()
        session.update(before)
        if fresh_secret:
            session["csrf_token"] = fresh_secret
    return None


def _shows_a_secret(page: str) -> bool:
    """Password fields never show their value; this makes sure no other field did."""
    return any(len(value) >= 4 and escape(value) in page
               for name, value in request.form.items(multi=True)
               if _SECRET_NAMES.search(name) and name != "csrf_token")


def _with_notice(response):
    """The page, saying why it came back: most forms say it in their error summary; a page
    whose form has none gets the same notice at the top of its main content."""
    page = response.get_data(as_text=True)
    if _NOTICE_ID not in page and _MAIN.search(page):
        notice = render_template("errors/_token_refused_notice.html")
        response.set_data(_MAIN.sub(lambda main: main.group(0) + notice, page, count=1))
    return response


def answer_refused_token(error: CSRFError):
    ours = _from_our_pages()
    if request.method == "POST" and ours and request.endpoint in current_app.view_functions:
        response = _form_shown_again()
        if response is not None:
            return response
    page = urlsplit(request.referrer or "")
    again = same_site_path(page.path + (f"?{page.query}" if page.query else "")) \
        if ours and page.netloc == request.host else None
    return render_template("errors/refused_token.html", typed=_typed_values() if ours else [],
                           again=again, detail=error.description), 400
