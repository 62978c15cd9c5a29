"""Pages of a list computed in memory (a ranking, a call's proposals in evaluation) or of a
SELECT of several columns, with the interface of Flask-SQLAlchemy's query pagination, so that
one pager macro serves them all."""

from collections.abc import Sequence

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select

from app.core.extensions import db


class ListPagination(Pagination):
    """A page of `items`; nothing is queried."""

    def _query_items(self) -> list:
        start = self._query_offset
        return list(self._query_args["items"][start:start + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: Sequence, *, page: int, per_page: int) -> ListPagination:
    """Page `page` of `items` (an empty page past the end, page 1 below it)."""
    return ListPagination(page=page, per_page=per_page, max_per_page=None, error_out=False,
                          items=items)


class RowPagination(Pagination):
    """A page of the rows of a SELECT of several columns: Flask-SQLAlchemy's own pagination
    returns only each row's first column."""

    def _query_items(self) -> list:
        query = self._query_args["select"]
        return list(db.session.execute(query.limit(self.per_page).offset(self._query_offset)))

    def _query_count(self) -> int:
        counted = self._query_args["select"].order_by(None).subquery()
        return db.session.scalar(select(func.count()).select_from(counted))


def paginate_rows(query: Select, *, page: int, per_page: int) -> RowPagination:
    return RowPagination(page=page, per_page=per_page, max_per_page=None, error_out=False,
                         select=query)
