"""The evaluation call page: each proposal's rapporteur choice is plain HTML with the session's
one CSRF token (no WTForms form per row), and what it posts is what the endpoint validates."""

import re


def test_rapporteur_choice_posts_the_fields_the_endpoint_validates(
    client, sign_in, make_evaluation_call, make_officer, make_expert,
    make_submitted_application, evaluation_driver,
):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    for _ in range(3):
        make_expert(call.funder)
    applications = [make_submitted_application(call) for _ in range(2)]
    driver = evaluation_driver(call, officer)
    driver.assign()
    sign_in(officer)
    page = f"/evaluation/calls/{call.id}"
    html = client.get(page).get_data(as_text=True)
    # One token for the whole page (a signed, timestamped string: compare within one page),
    # repeated in every row's form under that row's prefix.
    tokens = re.findall(r'name="r(\d+)-csrf_token" value="([^"]+)"', html)
    assert sorted(int(row) for row, _ in tokens) == sorted(a.id for a in applications)
    assert len({token for _, token in tokens}) == 1
    token = tokens[0][1]

    application = applications[1]
    team = driver.team(application)
    prefix = f"r{application.id}-"
    select = re.search(rf'<select[^>]*id="{prefix}assignment_id".*?</select>', html, re.S)
    assert select, "no rapporteur choice for the proposal"
    assert f'<label class="visually-hidden" for="{prefix}assignment_id">' in html
    assert f'<option value="{team[0].id}" selected>' in select.group(0)  # the current one
    assert f'<option value="{team[2].id}">' in select.group(0)

    response = client.post(
        f"/evaluation/applications/{application.id}/rapporteur",
        data={f"{prefix}csrf_token": token, f"{prefix}assignment_id": str(team[2].id),
              "call_id": str(call.id)},
        headers={"Referer": f"http://localhost{page}"},
    )
    assert response.status_code == 302
    assert [a.is_rapporteur for a in driver.team(application)] == [False, False, True]
    html = client.get(page).get_data(as_text=True)
    assert f'<option value="{team[2].id}" selected>' in html
