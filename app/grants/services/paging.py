"""Pages of the grant lists whose total comes with the rows, in one statement, not two.

db.paginate() reads a page, then counts every row in a second statement; COUNT(*) OVER ()
gives each row of the page that total. Only a page past the end (no rows, so no total)
still asks for the count on its own. The lists join only many-to-one relations (a grant's
call, an installment's grant), so the rows counted are the items counted.
"""

from typing import Any

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, func

from app.core.extensions import db


class CountedPagination(SelectPagination):
    _total_of_rows: int | None = None

    def _query_items(self) -> list[Any]:
        query = self._query_args["select"].add_columns(func.count().over())
        rows = self._query_args["session"].execute(
            query.limit(self.per_page).offset(self._query_offset)).all()
        if rows:
            self._total_of_rows = rows[0][-1]
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._total_of_rows is not None:
            return self._total_of_rows
        return super()._query_count()


def paginate(query: Select, *, page: int, per_page: int) -> CountedPagination:
    """As db.paginate(query, page=page, per_page=per_page, error_out=False)."""
    return CountedPagination(select=query, session=db.session, page=page, per_page=per_page,
                             max_per_page=None, error_out=False)
