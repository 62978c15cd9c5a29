"""Applicants' pages: the outcome of their proposals and the evaluation summary report."""

from io import BytesIO

from flask import render_template, send_file
from flask_login import current_user

from app.access import signed_in
from app.evaluation import services_results
from app.evaluation.views import bp


@bp.get("/results")
@signed_in
def my_results():
    return render_template("evaluation/my_results.html",
                           rows=services_results.list_member_results(by=current_user))


@bp.get("/results/<int:application_id>")
@signed_in
def result(application_id: int):
    outcome = services_results.outcome_for_member(application_id, by=current_user)
    return render_template("evaluation/result.html", outcome=outcome,
                           call=outcome.application.call)


@bp.get("/results/<int:application_id>/summary.pdf")
@signed_in
def result_pdf(application_id: int):
    filename, pdf = services_results.summary_pdf(application_id, by=current_user)
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=filename)
