"""Every route declares who may use it, and the others are turned away; each role sees its menu.

EXPECTED_ACCESS and EXPECTED_MENUS are written here by hand, not read from the views: a wrong
declaration in the app (a role too many, a page left public, a menu entry shown to the wrong
role) then fails a test instead of passing it.
"""

import re

import pytest

from app.accounts.models import Role
from app.core.access import Access, is_static
from tests.conftest import csrf_token

ADMIN, OFFICER, FINANCE = Role.admin, Role.programme_officer, Role.finance_officer
EVALUATOR, APPLICANT = Role.evaluator, Role.applicant
ORGANISER, ADVISER = Role.organiser, Role.adviser
PUBLIC, SIGNED_IN = "public", "signed in"

# endpoint -> "public", "signed in" (any signed-in user), or the roles that may use it.
EXPECTED_ACCESS = {
    # system
    "system.home": PUBLIC,
    "system.healthz": PUBLIC,
    "system.job_status": SIGNED_IN,
    "system.job_download": SIGNED_IN,
    "system.job_retry": SIGNED_IN,
    # accounts
    "accounts.login": PUBLIC,
    "accounts.language": PUBLIC,  # the switcher; a signed-in choice is kept on the account
    "accounts.logout": SIGNED_IN,
    "accounts.register": PUBLIC,
    "accounts.reset_request": PUBLIC,
    "accounts.reset_password": PUBLIC,
    "accounts.accept_invitation": PUBLIC,
    "accounts.verify_email": PUBLIC,  # the emailed link; the token says whose address
    "accounts.verify_email_notice": SIGNED_IN,
    "accounts.resend_verification": SIGNED_IN,
    "accounts.login_code": PUBLIC,  # after the password; answers only a pending sign-in
    "accounts.enrol_second_factor": SIGNED_IN,
    "accounts.account": SIGNED_IN,
    "accounts.step_up": SIGNED_IN,
    "accounts.new_recovery_codes": SIGNED_IN,  # and a fresh second factor (step-up)
    "accounts.turn_off_second_factor": SIGNED_IN,  # likewise; refused to staff who need it
    "admin.users": frozenset({ADMIN}),
    "admin.user": frozenset({ADMIN}),
    "admin.change_roles": frozenset({ADMIN}),  # and a fresh second factor (step-up)
    "admin.reset_second_factor": frozenset({ADMIN}),  # likewise
    "admin.new_staff_user": frozenset({ADMIN}),
    "admin.invite_evaluator": frozenset({ADMIN, OFFICER}),
    "admin.outbox": frozenset({ADMIN}),
    "admin.audit_trail": frozenset({ADMIN}),
    # calls
    "calls.index": PUBLIC,
    "calls.detail": PUBLIC,
    "calls.definition": PUBLIC,
    "calls.call_pdf": PUBLIC,
    "calls.manage": frozenset({OFFICER, ADMIN}),
    "calls.new": frozenset({OFFICER}),
    "calls.import_call": frozenset({OFFICER}),
    "calls.duplicate": frozenset({OFFICER}),
    "calls.edit": frozenset({OFFICER, ADMIN}),
    "calls.criteria": frozenset({OFFICER, ADMIN}),
    "calls.rules": frozenset({OFFICER, ADMIN}),
    "calls.change_status": frozenset({OFFICER, ADMIN}),
    "calls.translations_page": frozenset({OFFICER, ADMIN}),
    "calls.translation": frozenset({OFFICER, ADMIN}),
    "calls.remove_translation": frozenset({OFFICER, ADMIN}),
    # applications
    "applications.mine": frozenset({APPLICANT}),
    "applications.new": frozenset({APPLICANT}),
    "applications.detail": frozenset({APPLICANT}),
    "applications.edit": frozenset({APPLICANT}),
    "applications.invite": frozenset({APPLICANT}),
    "applications.invite_organisation": frozenset({APPLICANT}),
    "applications.invitation": PUBLIC,
    "applications.participant": frozenset({APPLICANT}),
    "applications.participant_role": frozenset({APPLICANT}),
    "applications.remove_participant": frozenset({APPLICANT}),
    "applications.add_line": frozenset({APPLICANT}),
    "applications.line": frozenset({APPLICANT}),
    "applications.delete_line": frozenset({APPLICANT}),
    "applications.upload": frozenset({APPLICANT}),
    "applications.attachment": SIGNED_IN,
    "applications.submit": frozenset({APPLICANT}),
    "applications.withdraw": frozenset({APPLICANT}),
    "applications.receipt": SIGNED_IN,
    "applications.prepare_receipt": SIGNED_IN,
    "applications.call_applications": frozenset({OFFICER, ADMIN}),
    "applications.review_application": frozenset({OFFICER, ADMIN}),
    # evaluation: experts
    "evaluation.profile": frozenset({EVALUATOR}),
    "evaluation.add_affiliation": frozenset({EVALUATOR}),
    "evaluation.remove_affiliation": frozenset({EVALUATOR}),
    "evaluation.my_evaluations": frozenset({EVALUATOR}),
    "evaluation.declaration": frozenset({EVALUATOR}),
    "evaluation.assignment": frozenset({EVALUATOR}),
    "evaluation.attachment": frozenset({EVALUATOR}),
    "evaluation.review": frozenset({EVALUATOR}),
    "evaluation.consensus": frozenset({OFFICER, EVALUATOR}),
    # evaluation: officers
    "evaluation.officer_calls": frozenset({OFFICER}),
    "evaluation.call": frozenset({OFFICER, ADMIN}),
    "evaluation.call_settings": frozenset({OFFICER}),
    "evaluation.start_evaluation": frozenset({OFFICER}),
    "evaluation.run_assignment": frozenset({OFFICER}),
    "evaluation.rapporteur": frozenset({OFFICER}),
    "evaluation.approve_consensus": frozenset({OFFICER}),
    "evaluation.return_consensus": frozenset({OFFICER}),
    "evaluation.ranking": frozenset({OFFICER, ADMIN}),
    "evaluation.panel_decision": frozenset({OFFICER}),
    "evaluation.publish": frozenset({OFFICER}),
    "evaluation.export_csv": frozenset({OFFICER, ADMIN}),
    "evaluation.export_xlsx": frozenset({OFFICER, ADMIN}),
    # evaluation: applicants' results
    "evaluation.my_results": SIGNED_IN,
    "evaluation.result": SIGNED_IN,
    "evaluation.result_pdf": SIGNED_IN,
    # grants
    "grants.index": frozenset({OFFICER, ADMIN, FINANCE}),
    "grants.overview_page": frozenset({OFFICER, ADMIN, FINANCE}),
    "grants.mine": frozenset({APPLICANT}),
    "grants.detail": SIGNED_IN,
    "grants.statement": SIGNED_IN,
    "grants.prepare": frozenset({OFFICER}),
    "grants.accept": frozenset({APPLICANT}),
    "grants.sign": frozenset({OFFICER}),
    "grants.new_claim": frozenset({APPLICANT}),
    "grants.claim": SIGNED_IN,
    "grants.add_line": frozenset({APPLICANT}),
    "grants.remove_line": frozenset({APPLICANT}),
    "grants.upload_document": frozenset({APPLICANT}),
    "grants.claim_document": SIGNED_IN,
    "grants.submit_claim": frozenset({APPLICANT}),
    "grants.decide": frozenset({FINANCE}),
    "grants.pay": frozenset({FINANCE}),
    "grants.reverse": frozenset({FINANCE}),
    "grants.bank_accounts_page": SIGNED_IN,
    "grants.enter_bank_account": frozenset({APPLICANT}),
    "grants.decide_bank_account": frozenset({FINANCE}),
    "grants.batches_page": frozenset({FINANCE}),
    "grants.new_batch": frozenset({FINANCE}),
    "grants.batch": frozenset({FINANCE}),
    "grants.batch_file": frozenset({FINANCE}),
    "grants.execute_batch": frozenset({FINANCE}),
    "grants.discard_batch": frozenset({FINANCE}),
    "grants.de_minimis": frozenset({APPLICANT}),
    "grants.withdraw_de_minimis": frozenset({APPLICANT}),
    "grants.agreement_pdf": SIGNED_IN,
    "grants.propose_amendment": frozenset({OFFICER, APPLICANT}),
    "grants.decide_amendment": frozenset({OFFICER, APPLICANT}),
    "grants.amended_agreement_pdf": SIGNED_IN,
    # reports
    "reports.index": frozenset({FINANCE, ADMIN}),
    "reports.progress": frozenset({FINANCE, ADMIN}),
    "reports.download": frozenset({FINANCE, ADMIN}),
    "reports.beneficiaries": frozenset({FINANCE, ADMIN}),
    # directory
    "directory.index": SIGNED_IN,
    "directory.detail": SIGNED_IN,
    "directory.suggestions": SIGNED_IN,
    "directory.edit_profile": SIGNED_IN,
    "directory.edit_status": SIGNED_IN,
    "directory.ask_to_join": SIGNED_IN,
    "directory.contact_request": SIGNED_IN,
    # assistance centres and their advisers
    "assistance.index": PUBLIC,
    "assistance.call_advisers": PUBLIC,
    "assistance.centres": frozenset({ADMIN}),
    "assistance.access": frozenset({APPLICANT}),
    "assistance.revoke": frozenset({APPLICANT}),
    "assistance.dashboard": frozenset({ADVISER}),
    "assistance.profile": frozenset({ADVISER}),
    "assistance.application": frozenset({ADVISER}),
    "assistance.edit": frozenset({ADVISER}),
    "assistance.add_line": frozenset({ADVISER}),
    # matchmaking events
    "events.index": PUBLIC,
    "events.detail": PUBLIC,
    "events.register": SIGNED_IN,
    "events.answer": SIGNED_IN,
    "events.participants": SIGNED_IN,
    "events.catalogue_pdf": SIGNED_IN,
    "events.request_meeting": SIGNED_IN,
    "events.meetings": SIGNED_IN,
    "events.agenda_pdf": SIGNED_IN,
    "events.add_entry": SIGNED_IN,
    "events.feedback": SIGNED_IN,
    "events.start_application": SIGNED_IN,
    "events.manage": frozenset({ORGANISER, ADMIN}),
    "events.new": frozenset({ORGANISER, ADMIN}),
    "events.edit": frozenset({ORGANISER, ADMIN}),
    "events.organise": frozenset({ORGANISER, ADMIN}),
    "events.publish": frozenset({ORGANISER, ADMIN}),
    "events.invite": frozenset({ORGANISER, ADMIN}),
    "events.reminders": frozenset({ORGANISER, ADMIN}),
    "events.schedule": frozenset({ORGANISER, ADMIN}),
    "events.move": frozenset({ORGANISER, ADMIN}),
    "events.table_plan": frozenset({ORGANISER, ADMIN}),
    "events.table_plan_pdf": frozenset({ORGANISER, ADMIN}),
    "events.attendance": frozenset({ORGANISER, ADMIN}),
    "events.report": frozenset({ORGANISER, ADMIN}),
    # open data
    "opendata.index": PUBLIC,
    "opendata.funded": PUBLIC,
    "opendata.threesixtygiving_json": PUBLIC,
    "opendata.threesixtygiving_xlsx": PUBLIC,
    "opendata.ocds_release": PUBLIC,
    "opendata.ocds_records": PUBLIC,
    "opendata.admin": frozenset({ADMIN}),
    "opendata.funder_identity": frozenset({ADMIN}),
    "opendata.publish": frozenset({ADMIN}),
    # API (bearer tokens; see below for how it answers) and the token pages
    "api.docs": PUBLIC,
    "api.openapi": PUBLIC,
    "api.not_an_endpoint": PUBLIC,
    "api.list_calls": PUBLIC,
    "api.get_call": PUBLIC,
    "api.list_projects": PUBLIC,
    "api.open_data": PUBLIC,
    "api.me": SIGNED_IN,
    "api.my_applications": frozenset({APPLICANT}),
    "api.get_application": frozenset({APPLICANT, OFFICER, ADMIN}),
    "api.update_application": frozenset({APPLICANT}),
    "api.call_applications": frozenset({OFFICER, ADMIN}),
    "api.evaluation": frozenset({OFFICER, ADMIN}),
    "api.ranking": frozenset({OFFICER, ADMIN}),
    "api.list_grants": frozenset({APPLICANT, FINANCE, OFFICER, ADMIN}),
    "api.get_grant_detail": frozenset({APPLICANT, FINANCE, OFFICER, ADMIN}),
    "api_tokens.index": SIGNED_IN,
    "api_tokens.create": SIGNED_IN,
    "api_tokens.revoke": SIGNED_IN,
}

# role -> the labels of its navigation menu, in order (tests/browser/test_roles.py uses it too).
EXPECTED_MENUS = {
    ADMIN: ("Users", "Invite evaluator", "Outbox", "Audit trail", "Calls", "Manage calls",
            "Partner search", "Assistance centres", "Open data"),
    OFFICER: ("Invite evaluator", "Calls", "Manage calls", "Evaluation", "Grants",
              "Partner search"),
    FINANCE: ("Calls", "Grants", "Payment batches", "Reports", "Partner search"),
    EVALUATOR: ("Calls", "My evaluations", "Partner search"),
    APPLICANT: ("Calls", "My applications", "My results", "My grants", "Partner search",
                "Advisers", "Events"),
    ORGANISER: ("Calls", "Partner search", "Organise events"),
    ADVISER: ("Calls", "Partner search", "My firms", "Events"),
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if is_static(rule.endpoint):
            continue
        yield rule


def test_every_route_declares_access(app):
    undeclared = [rule.endpoint for rule in _routes(app)
                  if not isinstance(getattr(app.view_functions[rule.endpoint], "access", None),
                                    Access)]
    assert undeclared == []


def test_an_undeclared_route_is_refused(app):
    # Fail closed: a route added without a declaration answers 403 to everyone.
    from app.factory import create_app

    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    fresh.add_url_rule("/undeclared-probe", "undeclared_probe", lambda: "secret")
    response = fresh.test_client().get("/undeclared-probe")
    assert response.status_code == 403
    assert b"secret" not in response.data


def _url(app, rule):
    """A URL for the rule with sample values: access is decided before any record is read."""
    from flask import url_for
    from werkzeug.routing import IntegerConverter

    values = {name: 1 if isinstance(converter, IntegerConverter) else "sample"
              for name, converter in rule._converters.items()}
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _declared(access: Access):
    if access.public:
        return PUBLIC
    return frozenset(access.roles) or SIGNED_IN


def test_the_declarations_are_the_written_table(app):
    declared = {rule.endpoint: _declared(app.view_functions[rule.endpoint].access)
                for rule in _routes(app)}
    unwritten = sorted(set(declared) - set(EXPECTED_ACCESS))
    gone = sorted(set(EXPECTED_ACCESS) - set(declared))
    differ = {endpoint: (declared[endpoint], EXPECTED_ACCESS[endpoint])
              for endpoint in sorted(set(declared) & set(EXPECTED_ACCESS))
              if declared[endpoint] != EXPECTED_ACCESS[endpoint]}
    assert unwritten == [], "new routes: write who may use them into EXPECTED_ACCESS"
    assert gone == [], "routes no longer in the app: remove them from EXPECTED_ACCESS"
    assert differ == {}, "declared (left) differs from EXPECTED_ACCESS (right)"


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _closed_routes(app):
    """Routes that need a signed-in user, by the written table."""
    for rule in _routes(app):
        if EXPECTED_ACCESS.get(rule.endpoint, PUBLIC) != PUBLIC:  # unwritten: see above
            yield rule


def _is_api(rule) -> bool:
    return rule.endpoint.startswith("api.")


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    """Pages send the visitor to the sign-in page; the API asks for a token (401)."""
    token = csrf_token(client)
    checked = 0
    for rule in _closed_routes(app):
        for method in _methods(rule):
            response = client.open(_url(app, rule), method=method, data={"csrf_token": token})
            if _is_api(rule):
                assert response.status_code == 401, (method, rule.endpoint)
                assert response.headers["WWW-Authenticate"] == 'Bearer realm="OpenCall API"'
            else:
                assert response.status_code == 302, (method, rule.endpoint)
                assert "/accounts/login" in response.location, (method, rule.endpoint)
            checked += 1
    assert checked > len(EXPECTED_ACCESS) / 2


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_routes_for_other_roles(app, client, make_user, sign_in, role):
    """GET and POST alike: a role the table does not list gets 403, whatever the record."""
    user = make_user(role)
    sign_in(user)
    token = csrf_token(client, "/")  # the sign-out form carries one for this session
    checked = set()
    for rule in _closed_routes(app):
        allowed = EXPECTED_ACCESS[rule.endpoint]
        if allowed == SIGNED_IN or role in allowed:
            continue
        for method in _methods(rule):
            if _is_api(rule) and method != "GET":
                continue  # a cookie never writes through the API: it needs a token
            response = client.open(_url(app, rule), method=method, data={"csrf_token": token})
            assert response.status_code == 403, (role, method, rule.endpoint)
            checked.add(method)
    assert checked == {"GET", "POST"}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_its_own_pages(app, client, make_user, make_funder, sign_in, role):
    user = make_user(role, funder=make_funder())
    sign_in(user)
    reached = 0
    for rule in _closed_routes(app):
        allowed = EXPECTED_ACCESS[rule.endpoint]
        if allowed != SIGNED_IN and role in allowed and "GET" in rule.methods \
                and not rule.arguments:
            assert client.get(_url(app, rule)).status_code == 200, (role, rule.endpoint)
            reached += 1
    assert reached > 0


_MAIN_MENU = re.compile(r'<ul[^>]*id="main-menu"[^>]*>(.*?)</ul>', re.S)
_LINK_TEXT = re.compile(r"<a\b[^>]*>\s*([^<]*?)\s*</a>", re.S)


def _menu_labels(client) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    menu = _MAIN_MENU.search(page)
    assert menu, "no #main-menu on the home page"
    return _LINK_TEXT.findall(menu.group(1))


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_the_written_menu(app, client, make_user, make_funder, sign_in, role):
    assert role in EXPECTED_MENUS, f"write the menu of {role} into EXPECTED_MENUS"
    sign_in(make_user(role, funder=make_funder()))
    assert _menu_labels(client) == list(EXPECTED_MENUS[role])


def test_anonymous_visitors_see_no_menu(app, client):
    assert _menu_labels(client) == []


def test_forms_are_refused_without_csrf_token(app, client, make_user):
    user = make_user(Role.applicant)
    response = client.post("/accounts/login", data={"email": user.email,
                                                    "password": "correct horse battery"})
    assert response.status_code == 400
    assert b"CSRF token is missing" in response.data
    assert client.get("/admin/users").status_code == 302  # still signed out
