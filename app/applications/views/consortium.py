"""Consortium pages: inviting partners, accepting an invitation, each partner's data and budget."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.applications.forms import (
    AcceptInvitationForm,
    BudgetLineForm,
    ConfirmForm,
    DeleteLineForm,
    InviteByEmailForm,
    InviteOrganisationForm,
    ParticipationForm,
)
from app.applications.services import applications as services
from app.applications.services import consortium, costs
from app.applications.services.checklist import budget_of_participant
from app.applications.views import bp
from app.applications.views.applications import page_number, template_context
from app.calls.rules.finance import validate_amount
from app.core.access import public, requires
from app.core.errors import DomainError
from app.core.extensions import db
from app.core.forms import errors_shown_on


def _back(application_id: int):
    return redirect(url_for("applications.detail", application_id=application_id))


@bp.route("/<int:application_id>/invite", methods=["GET", "POST"])
@requires(Role.applicant)
def invite(application_id: int):
    application = services.get_application(application_id, by=current_user)
    services.require_coordinator(application, current_user)
    form = InviteByEmailForm()
    if request.method == "GET":
        form.version.data = application.version
    if form.validate_on_submit():
        with errors_shown_on(form, refresh_version_from=application):
            consortium.invite_by_email(application_id, by=current_user, email=form.email.data,
                                       expected_version=form.version.data)
            db.session.commit()
            flash(_("Invitation sent to %(recipient)s.", recipient=form.email.data), "success")
            return _back(application_id)
    q = request.args.get("q", "").strip()
    organisations, contacts = consortium.search_organisations(q, page=page_number())
    in_consortium = {p.organisation_id for p in application.participants if p.organisation_id}
    return render_template("applications/invite.html", application=application, form=form,
                           organisations=organisations, contacts=contacts, q=q,
                           in_consortium=in_consortium)


@bp.post("/<int:application_id>/invite/organisation")
@requires(Role.applicant)
def invite_organisation(application_id: int):
    form = InviteOrganisationForm()
    if not form.validate_on_submit() or not form.organisation_id.data.isdigit():
        flash(_("Choose an organisation from the list."), "danger")
        return redirect(url_for("applications.invite", application_id=application_id))
    participant = consortium.invite_organisation(
        application_id, by=current_user, organisation_id=int(form.organisation_id.data),
        expected_version=form.version.data)
    db.session.commit()
    flash(_("Invitation sent to %(recipient)s.", recipient=participant.organisation.name),
          "success")
    return _back(application_id)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public  # the invitee may not have an account yet: the page tells them how to get one
def invitation(token: str):
    try:
        participant = consortium.read_invitation(token)
    except DomainError as error:
        return render_template("applications/invitation.html", problem=error.message,
                               participant=None, form=None), 410
    form = AcceptInvitationForm()
    if current_user.is_authenticated and form.validate_on_submit():
        with errors_shown_on(form):
            application = consortium.accept_invitation(token, by=current_user)
            db.session.commit()
            flash(_("You joined the consortium %(acronym)s.", acronym=application.acronym),
                  "success")
            return _back(application.id)
    return render_template("applications/invitation.html", participant=participant,
                           application=participant.application, form=form, problem=None,
                           here=request.full_path.rstrip("?"))


def _participant_page(application, participant, form, line_form, status=200):
    line_form.set_choices(costs.ict_choices(application.call))
    return render_template(
        "applications/participant.html", application=application, call=application.call,
        participant=participant, form=form, line_form=line_form,
        budget=budget_of_participant(application.call, participant),
        delete_form=DeleteLineForm(formdata=None), **template_context()), status


@bp.route("/<int:application_id>/participants/<int:participant_id>", methods=["GET", "POST"])
@requires(Role.applicant)
def participant(application_id: int, participant_id: int):
    application = services.get_application(application_id, by=current_user)
    own = consortium.own_participant(application, participant_id, current_user)
    form = ParticipationForm(obj=own if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = application.version
    if form.validate_on_submit():
        data = consortium.ParticipationData(
            fields_of_science=tuple(form.fields_of_science.data or ()),
            key_personnel_women=form.key_personnel_women.data,
            key_personnel_men=form.key_personnel_men.data)
        with errors_shown_on(form, refresh_version_from=application):
            consortium.update_participation(application_id, participant_id, by=current_user,
                                            data=data, expected_version=form.version.data)
            db.session.commit()
            flash(_("Your participation is saved."), "success")
            return redirect(request.path)
    line_form = BudgetLineForm(formdata=None)
    line_form.version.data = form.version.data
    return _participant_page(application, own, form, line_form)


def _line_data(form: BudgetLineForm) -> costs.BudgetLineData:
    return costs.BudgetLineData(category=form.category.data,
                                ict_category=form.ict_category.data,
                                amount=validate_amount(form.amount.data),
                                open_source=bool(form.open_source.data),
                                description=form.description.data or "")


@bp.post("/<int:application_id>/participants/<int:participant_id>/lines")
@requires(Role.applicant)
def add_line(application_id: int, participant_id: int):
    application = services.get_application(application_id, by=current_user)
    own = consortium.own_participant(application, participant_id, current_user)
    line_form = BudgetLineForm()
    line_form.set_choices(costs.ict_choices(application.call))
    if line_form.validate_on_submit():
        with errors_shown_on(line_form, refresh_version_from=application):
            costs.add_line(application_id, participant_id, by=current_user,
                           data=_line_data(line_form), expected_version=line_form.version.data)
            db.session.commit()
            flash(_("Budget line added; the budget and checklist are recomputed."), "success")
            return redirect(url_for("applications.participant", application_id=application_id,
                                    participant_id=participant_id))
    application = services.get_application(application_id, by=current_user)
    own = consortium.own_participant(application, participant_id, current_user)
    form = ParticipationForm(formdata=None, obj=own)
    form.version.data = application.version
    return _participant_page(application, own, form, line_form)


@bp.route("/<int:application_id>/lines/<int:line_id>", methods=["GET", "POST"])
@requires(Role.applicant)
def line(application_id: int, line_id: int):
    application, row = costs.get_own_line(application_id, line_id, by=current_user)
    form = BudgetLineForm(obj=row if request.method == "GET" else None)
    form.set_choices(costs.ict_choices(application.call))
    if request.method == "GET":
        form.version.data = application.version
        form.amount.data = str(row.amount)
    if form.validate_on_submit():
        with errors_shown_on(form, refresh_version_from=application):
            costs.update_line(application_id, line_id, by=current_user, data=_line_data(form),
                              expected_version=form.version.data)
            db.session.commit()
            flash(_("Budget line saved."), "success")
            return redirect(url_for("applications.participant", application_id=application_id,
                                    participant_id=row.participant_id))
    return render_template("applications/line.html", application=application, line=row,
                           form=form)


@bp.post("/<int:application_id>/lines/<int:line_id>/delete")
@requires(Role.applicant)
def delete_line(application_id: int, line_id: int):
    application, row = costs.get_own_line(application_id, line_id, by=current_user)
    participant_id = row.participant_id
    form = DeleteLineForm()
    if not form.validate_on_submit():
        raise DomainError(_("The form expired: reload the page."))
    costs.delete_line(application_id, line_id, by=current_user,
                      expected_version=form.version.data)
    db.session.commit()
    flash(_("Budget line removed."), "success")
    return redirect(url_for("applications.participant", application_id=application_id,
                            participant_id=participant_id))


@bp.route("/<int:application_id>/participants/<int:participant_id>/remove",
          methods=["GET", "POST"])
@requires(Role.applicant)
def remove_participant(application_id: int, participant_id: int):
    application = services.get_application(application_id, by=current_user)
    services.require_coordinator(application, current_user)
    target = consortium.participant_in(application, participant_id)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = application.version
    if form.validate_on_submit():
        with errors_shown_on(form, refresh_version_from=application):
            consortium.remove_participant(application_id, participant_id, by=current_user,
                                          expected_version=form.version.data)
            db.session.commit()
            flash(_("The partner was removed from the consortium."), "success")
            return _back(application_id)
    return render_template("applications/remove_participant.html", application=application,
                           target=target, form=form)

