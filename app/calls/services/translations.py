"""A call in several languages: the officer's translations of its title, summary and body, and
which version a reader sees (their language when the call has it, else the call's main one)."""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from app.accounts.models import User
from app.calls.models import Call, CallTranslation
from app.calls.rules.lifecycle import CallStatus
from app.calls.services.calls import can_manage
from app.calls.services.languages import language_of
from app.core import audit
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.i18n import shipped_languages


@dataclass(frozen=True)
class CallText:
    """The texts a reader sees of one call, and the language they are written in."""

    language: str
    title: str
    summary: str
    body: str


def translatable_languages(call: Call) -> list[str]:
    """The shipped languages a call may be translated into: all but its main one."""
    return [code for code in shipped_languages() if code != call.main_language]


# --- reading ------------------------------------------------------------------------------


def translations_of(calls, *, with_body: bool = True) -> dict[int, dict[str, CallTranslation]]:
    """Every translation of these calls, by call id and language, in one query (a list page
    asks once for its page of calls, whatever their number, and leaves the bodies unread)."""
    ids = [call.id for call in calls]
    found: dict[int, dict[str, CallTranslation]] = {call_id: {} for call_id in ids}
    if ids:
        query = select(CallTranslation).where(CallTranslation.call_id.in_(ids))
        if not with_body:
            query = query.options(defer(CallTranslation.body))
        for translation in db.session.scalars(query):
            found[translation.call_id][translation.language] = translation
    return found


def text_for(call: Call, translations: dict[str, CallTranslation], wanted: str | None, *,
             with_body: bool = True) -> CallText:
    """The call's texts in `wanted` when it has them, else in its main language (a list
    shows no body: it is left empty there, and unread)."""
    translation = translations.get(language_of(wanted)) if wanted else None
    shown = translation or call
    language = translation.language if translation else call.main_language
    body = (shown.body or "") if with_body else ""
    return CallText(language, shown.title, shown.summary or "", body)


def texts_for(calls, wanted: str | None) -> dict[int, CallText]:
    """The title and summary each listed call shows a reader of `wanted`, with one query."""
    translations = translations_of(calls, with_body=False)
    return {call.id: text_for(call, translations[call.id], wanted, with_body=False)
            for call in calls}


def available_languages(call: Call, translations: dict[str, CallTranslation]) -> list[str]:
    """The languages the call can be read in, its main one first; a translation into a
    language no longer shipped is kept but not offered."""
    return [call.main_language, *(code for code in shipped_languages()
                                  if code in translations and code != call.main_language)]


# --- editing ------------------------------------------------------------------------------


def _refuse_unless_editable(call: Call, by: User) -> None:
    if not can_manage(by, call):
        raise Forbidden(_("Only the programme officers of the call's funder edit it."))
    # The same rule as the call's own texts: they may change while the call is a draft or
    # published (also after submissions), never once evaluation started.
    if call.status not in (CallStatus.DRAFT, CallStatus.PUBLISHED):
        raise Conflict(_("A call under evaluation can no longer be edited."))


def _check_language(call: Call, language: str) -> None:
    if language not in translatable_languages(call):
        raise NotFound(_("This call cannot be translated into that language."))


def save_translation(call: Call, language: str, fields: dict[str, Any], *,
                     by: User) -> CallTranslation:
    """Add or change the call's texts in `language` (title required; summary and body
    optional, shown empty rather than in another language)."""
    _check_language(call, language)
    _refuse_unless_editable(call, by)
    title = (fields.get("title") or "").strip()
    if not title:
        raise DomainError(_("A translation needs its title."), field="title")
    translation = translations_of([call])[call.id].get(language)
    created = translation is None
    if created:
        translation = CallTranslation(call_id=call.id, language=language)
    values = {"title": title[:300], "summary": (fields.get("summary") or "").strip(),
              "body": fields.get("body") or ""}
    changed = sorted(key for key, value in values.items()
                     if getattr(translation, key) != value)
    try:
        # A savepoint: when someone added this language meanwhile (unique per call), only this
        # change is undone and the request can still read the database to say so.
        with db.session.begin_nested():
            db.session.add(translation)
            for key, value in values.items():
                setattr(translation, key, value)
    except IntegrityError:
        raise Conflict(_("Someone else saved this call meanwhile. Reload the page to see "
                         "their changes; your input is still in the form.")) from None
    audit.record(by, "call.translation_added" if created else "call.translation_changed", call,
                 {"language": language, "changed": changed})
    return translation


def remove_translation(call: Call, language: str, *, by: User) -> bool:
    """Remove the call's texts in `language`; False when there were none."""
    _check_language(call, language)
    _refuse_unless_editable(call, by)
    translation = translations_of([call])[call.id].get(language)
    if translation is None:
        return False
    db.session.delete(translation)
    db.session.flush()
    audit.record(by, "call.translation_removed", call, {"language": language})
    return True


def set_main_language(call: Call, language: str, *, by: User) -> Call:
    """Say which language the call's own texts are written in."""
    _refuse_unless_editable(call, by)
    if language not in shipped_languages():
        raise DomainError(_("Choose one of the languages offered."), field="main_language")
    if language == call.main_language:
        return call
    if language in translations_of([call])[call.id]:
        raise DomainError(_("The call has a translation into this language: remove it first, "
                            "or the call would have two texts in one language."),
                          field="main_language")
    old = call.main_language
    call.main_language = language
    db.session.flush()
    audit.record(by, "call.main_language_set", call, {"from": old, "to": language})
    return call
