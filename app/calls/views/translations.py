"""The call editor's translations step: the call's texts in the other shipped languages."""

from babel import Locale
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.calls.forms import ConfirmForm, MainLanguageForm, TranslationForm
from app.calls.rules.lifecycle import CallStatus
from app.calls.services import calls as services
from app.calls.services import translations
from app.calls.views import OFFICERS, bp
from app.core.access import requires
from app.core.errors import NotFound
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.core.i18n import page_locale, shipped_languages


def language_name(code: str) -> str:
    """A language named in itself ("Italiano"): how its readers recognise it in a list."""
    try:
        return Locale.parse(code).get_display_name(code).capitalize()
    except (ValueError, TypeError):
        return code


def _editable(call) -> bool:
    return call.status in (CallStatus.DRAFT, CallStatus.PUBLISHED)


@bp.route("/<reference>/translations", methods=["GET", "POST"])
@requires(*OFFICERS)
def translations_page(reference: str):
    call = services.get_call_to_manage(reference, by=current_user)
    form = MainLanguageForm()
    form.main_language.choices = [(code, language_name(code)) for code in shipped_languages()]
    if request.method == "GET":
        form.main_language.data = call.main_language
    elif form.validate_on_submit():
        with errors_shown_on(form):
            translations.set_main_language(call, form.main_language.data, by=current_user)
            db.session.commit()
            flash(_("The call's language is saved."), "success")
            return redirect(url_for("calls.translations_page", reference=reference))
    existing = translations.translations_of([call])[call.id]
    rows = [(code, language_name(code), existing.get(code))
            for code in translations.translatable_languages(call)]
    return render_template("calls/translations.html", call=call, form=form, rows=rows,
                           main_language_name=language_name(call.main_language),
                           editable=_editable(call))


def _translatable(call, language: str) -> None:
    if language not in translations.translatable_languages(call):
        raise NotFound(_("This call cannot be translated into that language."))


@bp.route("/<reference>/translations/<language>", methods=["GET", "POST"])
@requires(*OFFICERS)
def translation(reference: str, language: str):
    call = services.get_call_to_manage(reference, by=current_user)
    _translatable(call, language)
    existing = translations.translations_of([call])[call.id].get(language)
    form = TranslationForm()
    if request.method == "GET" and existing is not None:
        form.process(obj=existing)
    elif form.validate_on_submit():
        with errors_shown_on(form):
            translations.save_translation(
                call, language, {"title": form.title.data, "summary": form.summary.data,
                                 "body": form.body.data}, by=current_user)
            db.session.commit()
            flash(_("The %(language)s translation is saved.", language=language_name(language)),
                  "success")
            return redirect(url_for("calls.translations_page", reference=reference))
    return render_template("calls/translation.html", call=call, form=form, language=language,
                           language_label=language_name(language), existing=existing,
                           editable=_editable(call))


@bp.post("/<reference>/translations/<language>/remove")
@requires(*OFFICERS)
def remove_translation(reference: str, language: str):
    call = services.get_call_to_manage(reference, by=current_user)
    _translatable(call, language)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with errors_shown_on(form):
        if translations.remove_translation(call, language, by=current_user):
            flash(_("The %(language)s translation is removed.",
                    language=language_name(language)), "success")
        else:
            flash(_("The call has no %(language)s translation.",
                    language=language_name(language)), "info")
        db.session.commit()
    return redirect(url_for("calls.translations_page", reference=reference))


# --- what readers see ---------------------------------------------------------------------


def reader_language() -> str:
    """The language a reader asked for: ?language= on the call's page or PDF (the note's
    links), else the page's language."""
    return translations.language_of(request.args.get("language") or page_locale())


def shown_texts(call) -> dict:
    """The template values of a call page or PDF: the call's texts in the reader's language
    (else its main one) and the other languages it can be read in, named in themselves."""
    existing = translations.translations_of([call])[call.id]
    text = translations.text_for(call, existing, reader_language())
    others = [(code, language_name(code))
              for code in translations.available_languages(call, existing)
              if code != text.language]
    return {"text": text, "other_languages": others}
