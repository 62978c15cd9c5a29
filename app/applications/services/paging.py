"""Pages of rows counted by a statement of their own: counting the page's SELECT as a subquery
repeats its joins and sorting over every row, where a plain count of the rows it pages does."""

from sqlalchemy import Select

from app.core.extensions import db
from app.core.paging import RowPagination


class CountedRowPagination(RowPagination):
    def _query_count(self) -> int:
        return db.session.scalar(self._query_args["counted_by"])


def paginate_counted(query: Select, count: Select, *, page: int,
                     per_page: int) -> CountedRowPagination:
    """Page `page` of `query`'s rows; `count` (a SELECT of one number) says how many in all."""
    return CountedRowPagination(page=page, per_page=per_page, max_per_page=None,
                                error_out=False, select=query, counted_by=count)
