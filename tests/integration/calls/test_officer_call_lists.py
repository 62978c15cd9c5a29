"""The officer's lists of calls (to manage, to evaluate) cost the same SQL statements with one
call as with six: no statement per row (issue 18: the pages of bench/pages.py keep their
query count at two data sizes)."""

from app.calls.rules.lifecycle import CallStatus


def test_officer_call_lists_keep_their_query_count(client, sign_in, count_queries, make_funder,
                                                   make_call, make_officer):
    funder = make_funder()
    sign_in(make_officer(funder))
    counts: dict[str, list[int]] = {"/calls/manage": [], "/evaluation/calls": []}
    made = []
    for size in (1, 6):
        while len(made) < size:
            status = CallStatus.UNDER_EVALUATION if len(made) % 2 else CallStatus.PUBLISHED
            made.append(make_call(funder=funder, status=status))
        for url, found in counts.items():
            assert client.get(url).status_code == 200  # warm: mappers, templates
            with count_queries() as statements:
                response = client.get(url)
            page = response.get_data(as_text=True)
            assert response.status_code == 200
            if url == "/calls/manage":  # every call is listed there, whatever its status
                assert all(call.reference in page for call in made)
            found.append(len(statements))
    assert counts["/calls/manage"][0] == counts["/calls/manage"][1]
    assert counts["/evaluation/calls"][0] == counts["/evaluation/calls"][1]
