"""Grant amendments: proposing one (per kind), and accepting, refusing or withdrawing it."""

from dataclasses import dataclass

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.core.access import requires, signed_in
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.grants.forms import AmendmentDecisionForm, amendment_form_class
from app.grants.labels import AMENDMENT_KIND_NAMES
from app.grants.models import Grant, GrantAmendment
from app.grants.rules import amendments as amendment_rules
from app.grants.rules.amendments import AmendmentKind, AmendmentStatus, Side
from app.grants.services import amendment_history, amendments
from app.grants.services.agreement_document import amended_agreement_document
from app.grants.views import bp

PARTIES = (Role.programme_officer, Role.applicant)


@dataclass(frozen=True)
class AmendmentsPanel:
    """What the grant page shows about amendments to `user`."""

    history: list[GrantAmendment]
    open: GrantAmendment | None
    version: int
    side: Side | None
    may_propose: bool
    may_decide: bool  # the other side of the open proposal
    may_withdraw: bool  # the side that proposed it
    kinds: dict
    decision_form: AmendmentDecisionForm | None  # only when the user may decide or withdraw


def amendments_panel(grant: Grant, user, *, any_amendment: bool = True) -> AmendmentsPanel:
    """`any_amendment`: False when the caller knows there is none yet (nothing is read)."""
    side = amendment_history.side_of(user, grant)
    # One query: the open proposal (at most one, a unique index) and the version in force
    # (the highest accepted one) are read from the history rather than asked for again.
    history = amendment_history.amendments_of(grant, with_people=True) if any_amendment else []
    proposal = next((a for a in history if a.status == AmendmentStatus.PROPOSED), None)
    version = max((a.version for a in history if a.version is not None),
                  default=amendment_rules.FIRST_VERSION)
    amendable = side is not None and grant.status in amendments.AMENDABLE
    may_decide = amendable and proposal is not None and proposal.proposed_side != side
    may_withdraw = amendable and proposal is not None and proposal.proposed_side == side
    return AmendmentsPanel(
        history=history, open=proposal, version=version, side=side,
        may_propose=amendable and proposal is None, may_decide=may_decide,
        may_withdraw=may_withdraw, kinds=AMENDMENT_KIND_NAMES,
        decision_form=AmendmentDecisionForm() if may_decide or may_withdraw else None)


def _changes(kind: str, form) -> dict:
    """The proposal's details as the service takes them (ids as text, amounts as text)."""
    data = {name: field.data for name, field in form._fields.items()
            if name not in ("reason", "submit", "csrf_token") and
            name not in form.share_field_names}
    if "amount" in data:
        data["amount"] = str(data["amount"])
    if kind == AmendmentKind.END_DATE:
        data["end_date"] = form.end_date.data.isoformat()
    shares = {name.split("_", 1)[1]: str(form[name].data) for name in form.share_field_names
              if form[name].data}
    if kind == AmendmentKind.BENEFICIARY_ADDED:
        data["taken_from"] = shares
    elif kind == AmendmentKind.BENEFICIARY_LEAVING:
        data["to"] = shares
    return data


@bp.route("/<int:grant_id>/amendments/new/<kind>", methods=["GET", "POST"])
@requires(*PARTIES)
def propose_amendment(grant_id: int, kind: str):
    if kind not in {k.value for k in AmendmentKind}:
        abort(404)
    grant, _ = amendments.amendable_grant(grant_id, by=current_user)
    form = amendment_form_class(kind, grant.beneficiaries)()
    if form.validate_on_submit():
        with errors_shown_on(form):
            amendments.propose(grant.id, by=current_user, kind=kind, reason=form.reason.data,
                               changes=_changes(kind, form))
            db.session.commit()
            flash("The amendment is proposed; the other side is asked to accept it.", "success")
            return redirect(url_for("grants.detail", grant_id=grant.id, _anchor="amendments"))
    return render_template("grants/amendment_new.html", grant=grant, form=form,
                           kind_label=AMENDMENT_KIND_NAMES[AmendmentKind(kind)],
                           states=amendment_history.states(grant)), 422 if form.errors else 200


@bp.post("/amendments/<int:amendment_id>/decision")
@requires(*PARTIES)
def decide_amendment(amendment_id: int):
    amendment = amendments.get_amendment(amendment_id, by=current_user)
    form = AmendmentDecisionForm()
    if not form.validate_on_submit():
        flash("The form has expired; reload the page and try again.", "danger")
    else:
        try:
            decided = amendments.decide(amendment.id, by=current_user,
                                        decision=form.decision.data, reason=form.reason.data)
            db.session.commit()
            flash(f"Amendment {decided.status}" + (f": the grant is now version {decided.version}."
                                                   if decided.version else "."), "success")
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
    return redirect(url_for("grants.detail", grant_id=amendment.grant_id, _anchor="amendments"))


@bp.get("/amendments/<int:amendment_id>/agreement.pdf")
@signed_in
def amended_agreement_pdf(amendment_id: int):
    """The agreement of the version an accepted amendment made: whoever may see the grant
    (get_amendment checks it) reads it, like the agreement as signed."""
    amendment = amendments.get_amendment(amendment_id, by=current_user)
    pdf = amended_agreement_document(amendment)
    name = f"agreement-{amendment.grant.agreement_number}-v{amendment.version}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
