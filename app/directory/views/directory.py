"""The organisation directory, partner suggestions and contact requests."""

import click
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import CONTROL_STATUS_LABELS
from app.accounts.services.organisations import sme_assessment
from app.calls.labels import COUNTRY_GROUP_NAMES, ICT_CATEGORY_NAMES
from app.core.access import signed_in
from app.core.classifications import FORD_FIELDS, NACE_SECTIONS, ORG_TYPE_LABELS
from app.core.extensions import db
from app.core.formatting import country_choices
from app.core.forms import errors_shown_on
from app.directory import models  # noqa: F401  (registers the models)
from app.directory.forms import ProfileForm
from app.directory.services import profiles
from app.directory.services.search import (
    SME_CHOICES,
    SearchCriteria,
    rebuild_index,
    search_organisations,
)
from app.directory.services.suggestions import applications_to_offer
from app.directory.views import bp


@bp.get("/")
@signed_in
def index():
    criteria = SearchCriteria.clean(**request.args.to_dict())
    organisations, found_profiles = search_organisations(
        criteria, page=request.args.get("page", 1, type=int))
    return render_template(
        "directory/index.html", organisations=organisations, profiles=found_profiles,
        criteria=criteria, countries=country_choices(), groups=COUNTRY_GROUP_NAMES,
        org_types=ORG_TYPE_LABELS, fields=FORD_FIELDS, nace_sections=NACE_SECTIONS,
        sme_choices=SME_CHOICES)


@bp.get("/<int:organisation_id>")
@signed_in
def detail(organisation_id: int):
    organisation = profiles.get_organisation(organisation_id)
    profile = profiles.find_profile(organisation_id)
    person = profiles.contact_user_of(organisation_id, profile) \
        if profile is not None and profile.is_contact_name_public else None
    return render_template(
        "directory/detail.html", organisation=organisation, profile=profile,
        contact=profiles.public_contact(organisation, profile, person),
        participations=profiles.participations_of(organisation_id),
        can_edit=profiles.can_edit(current_user, organisation_id),
        my_applications=applications_to_offer(organisation_id, by=current_user),
        ict_labels=ICT_CATEGORY_NAMES, sme=sme_assessment(organisation),
        control_label=CONTROL_STATUS_LABELS[organisation.control_status])


def _profile_data(form: ProfileForm) -> profiles.ProfileData:
    return profiles.ProfileData(
        looking_for_partners=form.looking_for_partners.data, offer=form.offer.data or "",
        competencies=form.competencies.data or "", tags=profiles.parse_tags(form.tags.data),
        ict_interests=tuple(form.ict_interests.data or ()),
        contact_user_id=form.contact_user_id.data, contact_email=form.contact_email.data,
        phone=form.phone.data, is_email_public=form.is_email_public.data,
        is_phone_public=form.is_phone_public.data,
        is_website_public=form.is_website_public.data,
        is_contact_name_public=form.is_contact_name_public.data)


@bp.route("/<int:organisation_id>/profile", methods=["GET", "POST"])
@signed_in
def edit_profile(organisation_id: int):
    organisation = profiles.get_organisation_to_edit(organisation_id, by=current_user)
    profile = profiles.find_profile(organisation_id)
    if request.method == "POST":
        form = ProfileForm()
    elif profile is not None:
        form = ProfileForm(obj=profile)
        form.tags.data = ", ".join(profile.tags or ())
    else:
        form = ProfileForm(data={"is_website_public": True})
    form.contact_user_id.choices = [("", _("The first person of our organisation on OpenCall"))] + [
        (user.id, user.name) for user in profiles.colleagues(organisation_id)]
    if form.validate_on_submit():
        with errors_shown_on(form):
            profiles.update_profile(organisation_id, by=current_user, data=_profile_data(form))
            db.session.commit()
            flash(_("Your organisation's profile is saved."), "success")
            return redirect(url_for("directory.detail", organisation_id=organisation_id))
    return render_template("directory/edit_profile.html", form=form, organisation=organisation)


@bp.cli.command("reindex")
def reindex_command():
    """Rebuild the directory's full-text index (after imports that bypassed OpenCall)."""
    count = rebuild_index()
    db.session.commit()
    click.echo(f"Indexed {count} organisations.")


