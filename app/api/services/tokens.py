"""Personal access tokens: created by their owner (shown once), revoked by their owner, and
checked on every API request against the database, so a revocation takes effect at once."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import User
from app.api.models import ApiToken, TokenScope
from app.core import audit
from app.core.database import utcnow
from app.core.errors import DomainError, NotFound
from app.core.extensions import db

TOKEN_PREFIX = "oc_"
MAX_TOKENS = 20
# last_used_at is written at most this often: a busy client must not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenRefused(Exception):
    """The Authorization header names no usable token (unknown, revoked or expired)."""


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def create_token(*, by: User, name: str, scope: str, expires_in_days: int | None
                 ) -> tuple[ApiToken, str]:
    """A new token and its clear text, which is never stored and shown only this once."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Name the token after what will use it."), field="name")
    if scope not in set(TokenScope):
        raise DomainError(_("Choose read only, or read and write."), field="scope")
    if expires_in_days is not None and not 1 <= expires_in_days <= 366:
        raise DomainError(_("A token lives from 1 to 366 days."), field="expires_in_days")
    active = [t for t in list_tokens(by=by) if t.is_usable(utcnow())]
    if len(active) >= MAX_TOKENS:
        raise DomainError(_("You already have %(count)d tokens; revoke one first.",
                            count=MAX_TOKENS))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=by.id, name=name[:80], prefix=plain[:10],
                     token_hash=hash_token(plain), scope=scope,
                     expires_at=utcnow() + timedelta(days=expires_in_days)
                     if expires_in_days else None)
    db.session.add(token)
    db.session.flush()
    audit.record(by, "api.token_created", token, {"name": token.name, "scope": scope})
    return token, plain


def list_tokens(*, by: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == by.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_own_token(token_id: int, *, by: User) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != by.id:
        raise NotFound(_("You have no such token."))
    return token


def revoke_token(token_id: int, *, by: User) -> ApiToken:
    token = get_own_token(token_id, by=by)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(by, "api.token_revoked", token, {"name": token.name})
    return token


def authenticate(plain: str, *, now: datetime | None = None) -> ApiToken:
    """The usable token with this clear text, with its active owner; TokenRefused otherwise."""
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or not token.is_usable(now) or not token.user.is_active:
        raise TokenRefused("The token is unknown, revoked or expired.")
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # In a transaction of its own: a GET commits nothing, and a refused write must not
        # take the note of use down with it.
        with db.engine.begin() as connection:
            connection.execute(update(ApiToken).where(ApiToken.id == token.id)
                               .values(last_used_at=now))
    return token
