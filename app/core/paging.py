"""Pages of a list computed in memory (a ranking, a call's proposals in evaluation) with the
interface of Flask-SQLAlchemy's query pagination, so that one pager macro serves both."""

from collections.abc import Sequence

from flask_sqlalchemy.pagination import Pagination


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
