"""Service accounts: what a scheduled sync signs its import API calls with.

A service account is a name and a bearer token, created and revoked from the
command line (``territory-dashboard service-account``). It may import
(``POST /api/v1/imports``) and nothing else: it is no user, so it cannot sign
in to the pages nor call a callback. The token is 32 random bytes, shown once
when it is created; only its SHA-256 is stored (a random secret that long
needs no salt nor slow hash: there is no dictionary to try), and a presented
token is compared with the stored digest in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.storage.models import ServiceAccount

#: every token starts with this, so a leaked one is recognisable (secret scanners)
TOKEN_PREFIX = "tdsa_"
#: bad tokens allowed per client address (rules as in ``signin_limits``): a
#: token cannot be guessed, so this only stops a caller hammering the API
BAD_TOKEN_LIMIT = ((20, 15 * 60),)


class ServiceAccountProblem(ValueError):
    """A service-account command that cannot be done; the message says why."""


@dataclass(frozen=True)
class ServiceAccountRow:
    name: str
    created_by: str
    created_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(engine: Engine, name: str, actor: str = "cli") -> str:
    """Create the service account ``name``; returns its token, which is never
    stored nor shown again. A revoked account's name may be taken again."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ServiceAccountProblem("a service account needs a name of 1 to 100 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    table = ServiceAccount.__table__
    with engine.begin() as conn:
        found = conn.execute(sa.select(table.c.revoked_at).where(table.c.name == name)).first()
        if found is not None and found.revoked_at is None:
            raise ServiceAccountProblem(f"service account {name!r} already exists; revoke "
                                        f"it first to give it a new token")
        conn.execute(table.delete().where(table.c.name == name))
        conn.execute(table.insert().values(name=name, token_hash=token_digest(token),
                                           created_by=actor))
    return token


def revoke(engine: Engine, name: str) -> None:
    """Revoke ``name``: its token is refused from now on (the row stays, for the record)."""
    table = ServiceAccount.__table__
    with engine.begin() as conn:
        done = conn.execute(table.update().where(table.c.name == name,
                                                 table.c.revoked_at.is_(None))
                            .values(revoked_at=sa.func.now()))
    if done.rowcount == 0:
        raise ServiceAccountProblem(f"no active service account {name!r}")


def list_accounts(engine: Engine) -> list[ServiceAccountRow]:
    table = ServiceAccount.__table__
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.name, table.c.created_by, table.c.created_at,
                                      table.c.last_used_at, table.c.revoked_at)
                            .order_by(table.c.name)).all()
    return [ServiceAccountRow(*row) for row in rows]


def authenticate(engine: Engine, token: str) -> str | None:
    """The name of the active service account holding ``token``, else None.
    Marks the account as used now."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    wanted = token_digest(token)
    table = ServiceAccount.__table__
    with engine.begin() as conn:
        row = conn.execute(sa.select(table.c.id, table.c.name, table.c.token_hash)
                           .where(table.c.token_hash == wanted,
                                  table.c.revoked_at.is_(None))).first()
        # the lookup is by digest, which tells nothing of the token; compare anyway
        # in constant time, so no code path ever compares secrets byte by byte
        if row is None or not hmac.compare_digest(row.token_hash, wanted):
            return None
        conn.execute(table.update().where(table.c.id == row.id)
                     .values(last_used_at=sa.func.now()))
    return row.name
