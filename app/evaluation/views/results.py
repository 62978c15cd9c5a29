"""Applicants' pages: the outcome of their proposals and the evaluation summary report."""

from io import BytesIO

from flask import render_template, send_file
from flask_login import current_user

from app.core.access import signed_in
from app.evaluation.services.results import list_member_results, outcome_for_member, summary_pdf
from app.evaluation.views import bp


@bp.get("/results")
@signed_in
def my_results():
    return render_template("evaluation/my_results.html",
                           rows=list_member_results(by=current_user))


@bp.get("/results/<int:application_id>")
@signed_in
def result(application_id: int):
    outcome = outcome_for_member(application_id, by=current_user)
    return render_template("evaluation/result.html", outcome=outcome,
                           call=outcome.application.call)


@bp.get("/results/<int:application_id>/summary.pdf")
@signed_in
def result_pdf(application_id: int):
    filename, pdf = summary_pdf(application_id, by=current_user)
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=filename)
