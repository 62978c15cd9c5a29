"""Every signed-in request loads its server-side session, the user and the roles in one SQL
statement (issue 18, item 3): it was two (the user with the session, then the roles)."""

from app.accounts.models import Role


def test_a_signed_in_request_loads_session_user_and_roles_at_once(client, sign_in, make_user,
                                                                  count_queries):
    user = make_user(Role.applicant, Role.evaluator)
    sign_in(user)
    assert client.get("/calls/").status_code == 200  # warm
    with count_queries() as statements:
        response = client.get("/calls/")
    assert response.status_code == 200
    assert b"My evaluations" in response.data  # the evaluator's menu: the roles were loaded
    touching = [s for s in statements if "user_sessions" in s or "user_roles" in s]
    assert len(touching) == 1, touching
    assert "user_sessions" in touching[0] and "user_roles" in touching[0]
