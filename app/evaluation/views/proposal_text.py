"""The submitted proposal's text and consortium as HTML, kept per submission and language.

A submission never changes once stored (its snapshot is sealed by snapshot_sha256), and
_snapshot_text.html reads nothing but the snapshot and the page's language (its catalogue,
amounts, country and classification names). So the fragment is rendered once per submission,
digest, locale and catalogue in this process instead of on every visit of an expert's page,
where it was about a tenth of the request. The catalogue object itself is in the key (Babel
loads one per locale and keeps it), so a catalogue loaded anew (tests' pseudo-language) never
meets HTML written with another. The attachments' links, which depend on the assignment and
the call, are not in it. Bounded: the oldest entries go first."""

from threading import Lock

from flask import render_template
from markupsafe import Markup

from app.core.i18n import page_locale
from app.core.request_translations import translations

KEPT_PROPOSALS = 256  # × ~5–20 KB of HTML each

_rendered: dict[tuple, Markup] = {}
_evicting = Lock()  # threads of one process share the dict


def proposal_text(submission_id: int, snapshot_sha256: str, snapshot: dict) -> Markup:
    key = (submission_id, snapshot_sha256, page_locale(), translations())
    html = _rendered.get(key)
    if html is None:
        html = Markup(render_template("evaluation/_snapshot_text.html", snapshot=snapshot))
        with _evicting:
            while len(_rendered) >= KEPT_PROPOSALS:
                _rendered.pop(next(iter(_rendered)))  # first in, first out
            _rendered[key] = html
    return html
