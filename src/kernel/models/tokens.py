"""Personal access tokens for the Web API (``Authorization: ApiToken <token>``).

Only a SHA-256 hash of each token is stored: the token is a 256-bit random string, so a
plain hash cannot be reversed or guessed, and a leaked database leaks no usable token. The
owner sees the token once, when it is created.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from peewee import CharField, DateTimeField, ForeignKeyField

from kernel.db import BaseModel
from kernel.models.clock import utcnow
from kernel.models.users import User
from kernel.uid import generate_uid

# Recognisable by secret scanners, and in logs where a token should never be.
TOKEN_PREFIX = "mrpat_"
# last_used is written at most this often, so busy clients do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    owner = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    name = CharField(max_length=100)
    token_hash = CharField(max_length=64, unique=True)
    created = DateTimeField(default=utcnow)
    # None: never expires. The token is refused from this moment on.
    expires = DateTimeField(null=True)
    last_used = DateTimeField(null=True)

    class Meta:
        table_name = "api_token"

    @classmethod
    def issue(cls, owner: User, name: str, expires: datetime | None = None) -> tuple[ApiToken, str]:
        """Create a token; returns the row and the token itself, which is not stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = cls.create(owner=owner, name=name, token_hash=hash_token(token), expires=expires)
        return row, token

    @classmethod
    def owned_by(cls, user: User) -> list[ApiToken]:
        """The user's tokens, newest first."""
        return list(cls.select().where(cls.owner == user).order_by(cls.created.desc(), cls.id))

    @classmethod
    def owner_of(cls, token: str) -> User | None:
        """The enabled user a valid, unexpired token belongs to, or None (one query).

        Notes when the token was used, at most once a minute.
        """
        now = utcnow()
        row = cls.select(cls, User).join(User).where(cls.token_hash == hash_token(token)).first()
        if row is None or row.owner.disabled or (row.expires is not None and row.expires <= now):
            return None
        if row.last_used is None or row.last_used < now - LAST_USED_RESOLUTION:
            cls.update(last_used=now).where(cls.id == row.id).execute()
        return row.owner

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires <= utcnow()
