"""Pages of assistance centres, advisers, and the access firms give them."""

from babel import Locale
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role
from app.assistance.rules.languages import LANGUAGES
from app.core.i18n import SOURCE_LANGUAGE, page_locale

bp = Blueprint("assistance", __name__, url_prefix="/assistance")

MENU = (
    (_l("My firms"), "assistance.dashboard", frozenset({Role.adviser})),
    (_l("Advisers"), "assistance.access", frozenset({Role.applicant})),
    (_l("Assistance centres"), "assistance.centres", frozenset({Role.admin})),
)



def language_name(code: str) -> str:
    """A language advisers work in, named in the page's language (Babel's names); English
    pages keep the rule's English names (assistance/rules/languages.py)."""
    locale = Locale.parse(page_locale())
    if locale.language != SOURCE_LANGUAGE and locale.languages.get(code):
        return locale.languages[code]
    return LANGUAGES.get(code, code)


def spoken_languages(codes) -> str:
    """"German, English" for ["de", "en"], in the page's language."""
    return ", ".join(language_name(code) for code in codes)


# The page modules register their routes on `bp` when imported.
from app.assistance.views import advisers, centres, firms  # noqa: E402, F401
