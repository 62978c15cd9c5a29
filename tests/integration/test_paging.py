"""Pages whose total comes with the rows (COUNT(*) OVER ()), in one statement (core/paging.py)."""

from sqlalchemy import select

from app.core.paging import paginate_totalled_rows
from app.grants.models import Grant


def test_a_page_and_its_total_in_one_statement_and_past_the_end_in_two(make_grant,
                                                                       count_queries):
    first = make_grant()
    cases = [first, make_grant(call=first.grant.call), make_grant(call=first.grant.call)]
    ids = sorted(case.grant.id for case in cases)
    query = select(Grant.id, Grant.agreement_number).order_by(Grant.id)
    with count_queries() as statements:
        first = paginate_totalled_rows(query, page=1, per_page=2)
    assert len(statements) == 1
    assert [row.id for row in first.items] == ids[:2]
    assert (first.total, first.pages, first.has_next) == (3, 2, True)
    assert first.items[0].total_rows == 3  # the total rides on every row
    last = paginate_totalled_rows(query, page=2, per_page=2)
    assert [row.id for row in last.items] == ids[2:] and last.total == 3
    with count_queries() as statements:
        beyond = paginate_totalled_rows(query, page=5, per_page=2)
    assert (beyond.items, beyond.total, len(statements)) == ([], 3, 2)
