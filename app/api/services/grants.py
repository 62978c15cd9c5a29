"""Grants the caller may see, a page at a time (the grants pages' own visibility rule)."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core.extensions import db
from app.grants.models import Grant
from app.grants.services.permissions import visible_to


def list_visible_grants(*, by: User, page: int = 1, per_page: int = 20):
    query = (select(Grant).where(visible_to(by))
             .options(selectinload(Grant.call), selectinload(Grant.application))
             .order_by(Grant.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
