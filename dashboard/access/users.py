"""User accounts: create, list, change role, reset password, check a sign-in.

Passwords are hashed with werkzeug's ``generate_password_hash`` (scrypt with a
random salt) and never stored or logged in clear. A failed check takes about
as long for an unknown user as for a wrong password, so response time does
not tell an attacker which usernames exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.access.rules import LEADER, MANAGER, REP, ROLES, Viewer
from dashboard.i18n import translation
from dashboard.storage.models import User

MIN_PASSWORD_LENGTH = 8

#: Demo accounts (README): one leader, one manager per region, one per rep.
DEMO_PASSWORD = "demo-pass"
DEMO_LEADER = "leader"


class UserProblem(ValueError):
    """A user command that cannot be done; the message says why."""


@dataclass(frozen=True)
class UserRow:
    username: str
    display_name: str
    role: str
    scope: str
    active: bool


def check_role(role: str, scope: str | None) -> str:
    if role not in ROLES:
        raise UserProblem(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    scope = (scope or "").strip()
    if role in (MANAGER, REP) and not scope:
        what = "region" if role == MANAGER else "rep id"
        raise UserProblem(f"a {role} needs a scope: their {what}")
    return "" if role == LEADER else scope


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserProblem(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def add_user(engine: Engine, username: str, password: str, role: str, scope: str | None = None,
             display_name: str = "") -> None:
    username = (username or "").strip()
    if not username:
        raise UserProblem("a username is required")
    scope = check_role(role, scope)
    _check_password(password)
    with engine.begin() as conn:
        taken = conn.execute(sa.select(User.id).where(User.username == username)).first()
        if taken:
            raise UserProblem(f"user {username!r} already exists")
        conn.execute(sa.insert(User).values(
            username=username, display_name=display_name or username, role=role, scope=scope,
            password_hash=generate_password_hash(password), active=True))


def list_users(engine: Engine) -> list[UserRow]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(User.username, User.display_name, User.role, User.scope,
                                      User.active).order_by(User.username)).all()
    return [UserRow(r.username, r.display_name or "", r.role, r.scope or "", bool(r.active))
            for r in rows]


def set_role(engine: Engine, username: str, role: str, scope: str | None = None) -> None:
    scope = check_role(role, scope)
    with engine.begin() as conn:
        done = conn.execute(sa.update(User).where(User.username == username)
                            .values(role=role, scope=scope))
        if done.rowcount != 1:
            raise UserProblem(f"no user {username!r}")


def set_language(engine: Engine, user_id: int, language: str) -> None:
    """Remember the user's language (one of ``translation.LANGUAGES``) across sign-ins."""
    chosen = translation.supported(language)
    if chosen is None:
        raise UserProblem(f"unsupported language {language!r}")
    with engine.begin() as conn:
        conn.execute(sa.update(User).where(User.id == user_id).values(language=chosen))


def reset_password(engine: Engine, username: str, password: str) -> None:
    _check_password(password)
    with engine.begin() as conn:
        done = conn.execute(sa.update(User).where(User.username == username)
                            .values(password_hash=generate_password_hash(password)))
        if done.rowcount != 1:
            raise UserProblem(f"no user {username!r}")


#: checked against when the username is unknown, so both paths cost one hash
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def authenticate(engine: Engine, username: str, password: str) -> Viewer | None:
    """The viewer for a correct, active username and password, else None."""
    with Session(engine) as session:
        row = session.scalars(sa.select(User).where(User.username == (username or "").strip())
                              ).first()
    if row is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(row.password_hash, password or "") or not row.active:
        return None
    return _viewer(row)


def viewer_by_id(engine: Engine, user_id: int) -> Viewer | None:
    """The active user with this id (a session names it), else None."""
    with Session(engine) as session:
        row = session.scalars(sa.select(User).where(User.id == user_id)).first()
    return _viewer(row) if row is not None and row.active else None


def _viewer(row: User) -> Viewer:
    return Viewer(user_id=row.id, username=row.username, role=row.role, scope=row.scope or "",
                  display_name=row.display_name or row.username, language=row.language or "")


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa.select(sa.func.count()).select_from(User)).scalar_one())


def ensure_demo_users(engine: Engine, territories, reps) -> int:
    """Create the demo accounts when there are no users yet; returns how many.

    One password hash is computed and shared by all demo accounts: they have
    the same documented password, and hashing sixty times would slow every
    demo start."""
    if has_users(engine):
        return 0
    hashed = generate_password_hash(DEMO_PASSWORD)
    rows = [dict(username=DEMO_LEADER, display_name="Demo leader", role=LEADER, scope="")]
    for region in sorted(territories["region"].dropna().astype(str).unique()):
        rows.append(dict(username=f"manager-{region.lower().replace(' ', '-')}",
                         display_name=f"{region} manager", role=MANAGER, scope=region))
    for rep in reps.itertuples(index=False):
        rows.append(dict(username=str(rep.rep_id).lower(), display_name=str(rep.rep_name),
                         role=REP, scope=str(rep.rep_id)))
    with engine.begin() as conn:
        conn.execute(sa.insert(User), [dict(r, password_hash=hashed, active=True) for r in rows])
    return len(rows)
