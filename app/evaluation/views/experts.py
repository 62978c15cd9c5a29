"""Expert pages: profile, my evaluations, declaration, reading, scoring and the consensus."""

from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.access import requires
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.evaluation.forms import (
    ActionForm,
    AffiliationForm,
    DeclarationForm,
    ExpertProfileForm,
    score_form,
    stored_form_data,
)
from app.evaluation.models import ReviewStatus
from app.evaluation.rules.scoring import plain
from app.evaluation.services import assignment as assignment_service
from app.evaluation.services import consensus as consensus_service
from app.evaluation.services import profiles, reviews
from app.evaluation.views import bp
from app.evaluation.views.proposal_text import proposal_text


@bp.route("/profile", methods=["GET", "POST"])
@requires(Role.evaluator)
def profile():
    expert = profiles.profile_or_blank(current_user)
    organisations = profiles.organisation_choices()
    form = ExpertProfileForm(obj=expert, organisations=organisations)
    if form.validate_on_submit():
        with errors_shown_on(form):
            profiles.update_profile(
                by=current_user, fields_of_science=form.fields_of_science.data or [],
                keywords=form.keywords.data or "", country=form.country.data or None,
                organisation_id=form.organisation_id.data)
            db.session.commit()
            flash(_("Your expert profile is saved."), "success")
            return redirect(url_for("evaluation.profile"))
    return render_template("evaluation/profile.html", form=form, profile=expert,
                           affiliation_form=AffiliationForm(organisations=organisations),
                           remove_form=ActionForm())


@bp.post("/profile/affiliations")
@requires(Role.evaluator)
def add_affiliation():
    organisations = profiles.organisation_choices()
    form = AffiliationForm(organisations=organisations)
    if form.validate_on_submit():
        with errors_shown_on(form):
            profiles.add_affiliation(by=current_user, organisation_id=form.organisation_id.data,
                                     until=form.until.data)
            db.session.commit()
            flash(_("Affiliation declared."), "success")
            return redirect(url_for("evaluation.profile"))
    expert = profiles.profile_or_blank(current_user)
    return render_template("evaluation/profile.html", profile=expert, affiliation_form=form,
                           form=ExpertProfileForm(obj=expert, organisations=organisations),
                           remove_form=ActionForm()), 400


@bp.post("/profile/affiliations/<int:affiliation_id>/remove")
@requires(Role.evaluator)
def remove_affiliation(affiliation_id: int):
    if ActionForm().validate_on_submit():
        profiles.remove_affiliation(by=current_user, affiliation_id=affiliation_id)
        db.session.commit()
        flash(_("Affiliation removed."), "success")
    return redirect(url_for("evaluation.profile"))


@bp.get("/")
@requires(Role.evaluator)
def my_evaluations():
    assignments = assignment_service.list_my_assignments(
        by=current_user, page=request.args.get("page", 1, type=int))
    # Two url_for a page, not two per row: the rows add their own ids.
    return render_template(
        "evaluation/my_evaluations.html", assignments=assignments,
        assignment_prefix=url_for("evaluation.assignment", assignment_id=0).removesuffix("0"),
        consensus_prefix=url_for("evaluation.consensus", application_id=0).removesuffix("0"))


def _review_form(view, data=None):
    criteria = view.criteria
    if data is None and view.review is not None:
        data = stored_form_data(view.review.scores, view.review.comments)
    return score_form(criteria.expert_criteria, criteria.min_comment_length, data=data)


def _assignment_page(view, form):
    return render_template("evaluation/assignment.html", view=view, form=form,
                           proposal_text=proposal_text(view.submission_id, view.snapshot_sha256,
                                                       view.snapshot))


@bp.get("/assignments/<int:assignment_id>")
@requires(Role.evaluator)
def assignment(assignment_id: int):
    view = reviews.proposal_for_expert(assignment_id, by=current_user)
    if not view.declared:
        return render_template("evaluation/declaration.html", view=view,
                               form=DeclarationForm())
    return _assignment_page(view, _review_form(view))


@bp.post("/assignments/<int:assignment_id>/declaration")
@requires(Role.evaluator)
def declaration(assignment_id: int):
    view = reviews.proposal_for_expert(assignment_id, by=current_user)
    form = DeclarationForm()
    if form.validate_on_submit():
        conflict = form.answer.data == "conflict"
        with errors_shown_on(form):
            assignment_service.declare(assignment_id, by=current_user, has_conflict=conflict,
                                       reason=form.reason.data or "")
            db.session.commit()
            if conflict:
                flash(_("Thank you: the proposal goes to another expert."), "info")
                return redirect(url_for("evaluation.my_evaluations"))
            flash(_("Declaration signed: you can now read and score the proposal."), "success")
            return redirect(url_for("evaluation.assignment", assignment_id=assignment_id))
    return render_template("evaluation/declaration.html", view=view, form=form), 400


@bp.post("/assignments/<int:assignment_id>/review")
@requires(Role.evaluator)
def review(assignment_id: int):
    view = reviews.proposal_for_expert(assignment_id, by=current_user)
    if not view.declared:
        return redirect(url_for("evaluation.assignment", assignment_id=assignment_id))
    form = _review_form(view, data={})
    if form.validate_on_submit():
        submit = bool(form.submit.data)
        with errors_shown_on(form):
            reviews.save_review(assignment_id, by=current_user, scores=form.scores(),
                                comments=form.comments(), submit=submit)
            db.session.commit()
            flash(_("Review submitted.") if submit else _("Draft saved."), "success")
            return redirect(url_for("evaluation.assignment", assignment_id=assignment_id))
    view = reviews.proposal_for_expert(assignment_id, by=current_user)
    return _assignment_page(view, form), 400


@bp.get("/assignments/<int:assignment_id>/attachments/<int:attachment_id>")
@requires(Role.evaluator)
def attachment(assignment_id: int, attachment_id: int):
    row, data = reviews.attachment_for_expert(assignment_id, attachment_id,
                                                       by=current_user)
    return send_file(BytesIO(data), as_attachment=True, download_name=row.filename,
                     mimetype="application/octet-stream")


def _consensus_form(view, data=None):
    criteria = view.criteria
    if data is None:
        if view.consensus is not None:
            data = stored_form_data(view.consensus.scores, view.consensus.comments,
                                    {"minority_views": view.consensus.minority_views})
        elif view.proposal is not None:
            data = {f"score_{code}": plain(value) for code, value in view.proposal.scores.items()}
    form = score_form(criteria.expert_criteria, criteria.min_comment_length, consensus=True,
                      data=data)
    if dispersed := consensus_service.dispersed_labels(view):
        # Say it before the rapporteur submits: the flags make minority views required.
        form.minority_views.flags.required = True
        form.minority_views.description = (
            _("Required: the experts disagreed on %(criteria)s. Record the minority "
              "view (at least 20 characters).", criteria=", ".join(dispersed)))
    return form


@bp.route("/consensus/<int:application_id>", methods=["GET", "POST"])
@requires(Role.evaluator, Role.programme_officer)
def consensus(application_id: int):
    view = consensus_service.consensus_view(application_id, by=current_user)
    posted = request.method == "POST"
    # The page shows the form only while the rapporteur may edit; officers and closed
    # reports get none (building it costs about as much as the table).
    form = (_consensus_form(view, data={} if posted else None)
            if posted or view.editable else None)
    status = 400 if request.method == "POST" else 200  # a POST that ends here was refused
    if request.method == "POST" and form.validate_on_submit():
        submit = bool(form.submit.data)
        with errors_shown_on(form):
            consensus_service.save_consensus(
                application_id, by=current_user, scores=form.scores(),
                comments=form.comments(), minority_views=form.minority_views.data or "",
                submit=submit)
            db.session.commit()
            flash(_("Consensus report submitted to the officer.") if submit
                  else _("Draft saved."), "success")
            return redirect(url_for("evaluation.consensus", application_id=application_id))
        view = consensus_service.consensus_view(application_id, by=current_user)
    return render_template("evaluation/consensus.html", view=view, form=form,
                           action_form=ActionForm(), submitted=ReviewStatus.SUBMITTED), status


@bp.post("/consensus/<int:application_id>/approve")
@requires(Role.programme_officer)
def approve_consensus(application_id: int):
    return _decide(application_id, consensus_service.approve_consensus,
                   _("Consensus report approved: the proposal enters the ranking."))


@bp.post("/consensus/<int:application_id>/return")
@requires(Role.programme_officer)
def return_consensus(application_id: int):
    return _decide(application_id, consensus_service.return_consensus,
                   _("Consensus report returned to the rapporteur."))


def _decide(application_id: int, action, message: str):
    if ActionForm().validate_on_submit():
        action(application_id, by=current_user)
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("evaluation.consensus", application_id=application_id))
