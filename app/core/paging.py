"""Pages of a list computed in memory (a ranking, a call's proposals in evaluation), of a
SELECT of several columns, or counted cheaper than Flask-SQLAlchemy counts them, all with the
interface of its query pagination, so that one pager macro serves them all."""

from collections.abc import Sequence

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Row, Select, func, select

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


class CountedRowPagination(RowPagination):
    """Rows counted by a statement of their own: counting the page's SELECT as a subquery
    repeats its joins and sorting over every row, where a plain count of what it pages does."""

    def _query_count(self) -> int:
        return db.session.scalar(self._query_args["counted_by"])


def paginate_counted(query: Select, count: Select, *, page: int,
                     per_page: int) -> CountedRowPagination:
    """Page `page` of `query`'s rows; `count` (a SELECT of one number) says how many in all."""
    return CountedRowPagination(page=page, per_page=per_page, max_per_page=None,
                                error_out=False, select=query, counted_by=count)


class TotalledRowPagination(Pagination):
    """A page of a SELECT of several columns with its total in the same statement (COUNT(*)
    OVER ()), not a second statement counting the joined SELECT again: each item is the row
    itself (named columns, then the total as `total_rows`). Only a page past the end (no rows,
    so no total) counts on its own. Run on the session's connection: rows that load no entity
    need no ORM handling."""

    _total_of_rows: int | None = None

    def _query_items(self) -> list[Row]:
        query = self._query_args["select"].add_columns(func.count().over().label("total_rows"))
        rows = db.session.connection().execute(
            query.limit(self.per_page).offset(self._query_offset),
            self._query_args["params"]).all()
        if rows:
            self._total_of_rows = rows[0].total_rows
        return rows

    def _query_count(self) -> int:
        if self._total_of_rows is not None:
            return self._total_of_rows
        counted = self._query_args["select"].order_by(None).subquery()
        return db.session.connection().execute(
            select(func.count()).select_from(counted), self._query_args["params"]).scalar()


def paginate_totalled_rows(query: Select, *, page: int, per_page: int,
                           params: dict | None = None) -> TotalledRowPagination:
    """`params`: the values of `query`'s own bound parameters, if it has any (a SELECT built
    once per process)."""
    return TotalledRowPagination(select=query, session=db.session, page=page, per_page=per_page,
                                 max_per_page=None, error_out=False, params=params or {})
