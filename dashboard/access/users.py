"""User accounts: create, list, change role, reset password, check a sign-in.

A one-time password (a rep's first sign-in made by the first-run path, or one
a leader hands over with ``users reset-password --one-time``) marks its user
``must_change_password``: the web layer lets them do nothing but set their
own (:func:`change_password`), after which the one-time password stops working.

Passwords are hashed with werkzeug's ``generate_password_hash`` (scrypt with a
random salt) and never stored or logged in clear. A failed check takes about
as long for an unknown user as for a wrong password, so response time does
not tell an attacker which usernames exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.access.rules import LEADER, MANAGER, REP, ROLES, Viewer
from dashboard.i18n import translation
from dashboard.storage import hierarchy
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
    #: the level of a manager's unit ("" = region)
    scope_level: str = ""


def check_role(role: str, scope: str | None, level: str | None = None) -> tuple[str, str]:
    """(scope, scope level) as stored: a manager's unit and its level ("" for
    region: a manager of any level sees the territories under their unit), a
    rep's rep id, nothing for a leader."""
    if role not in ROLES:
        raise UserProblem(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    scope = (scope or "").strip()
    level = (level or "").strip()
    if role in (MANAGER, REP) and not scope:
        what = "region (or unit of --level)" if role == MANAGER else "rep id"
        raise UserProblem(f"a {role} needs a scope: their {what}")
    if level and role != MANAGER:
        raise UserProblem(f"only a manager has a level, not a {role}")
    if level in hierarchy.RESERVED:
        raise UserProblem(f"{level!r} is not a level above the territory")
    if role == LEADER:
        return "", ""
    return scope, "" if level == hierarchy.REGION else level


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserProblem(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def add_user(engine: Engine, username: str, password: str, role: str, scope: str | None = None,
             display_name: str = "", level: str | None = None, one_time: bool = False) -> None:
    """A new user; ``one_time``: ``password`` is one-time, to be replaced at
    their first sign-in."""
    username = (username or "").strip()
    if not username:
        raise UserProblem("a username is required")
    scope, level = check_role(role, scope, level)
    _check_password(password)
    with engine.begin() as conn:
        taken = conn.execute(sa.select(User.id).where(User.username == username)).first()
        if taken:
            raise UserProblem(f"user {username!r} already exists")
        conn.execute(sa.insert(User).values(
            username=username, display_name=display_name or username, role=role, scope=scope,
            scope_level=level or None, password_hash=generate_password_hash(password), active=True,
            must_change_password=one_time))


def one_time_password() -> str:
    """A random first password (96 bits), shown once to the leader who hands it over."""
    return secrets.token_urlsafe(12)


def add_rep_accounts(engine: Engine, reps: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Sign-in accounts for reps, in one transaction: ``reps`` are (username,
    rep_id, display name); each gets a one-time password, stored only as its
    hash. Returns (username, password) for the leader to hand over: they are
    not kept anywhere. A taken username refuses the whole call (UserProblem)."""
    made = [(username.strip(), rep_id, name, one_time_password())
            for username, rep_id, name in reps]
    with engine.begin() as conn:
        names = [m[0] for m in made]
        taken = conn.execute(sa.select(User.username).where(User.username.in_(names))).scalars()
        taken = sorted(taken)
        if taken:
            raise UserProblem(f"user {taken[0]!r} already exists")
        if made:
            conn.execute(sa.insert(User), [
                dict(username=username, display_name=name or username, role=REP,
                     scope=rep_id, password_hash=generate_password_hash(password), active=True,
                     must_change_password=True)
                for username, rep_id, name, password in made])
    return [(username, password) for username, _rep, _name, password in made]


def list_users(engine: Engine) -> list[UserRow]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(User.username, User.display_name, User.role, User.scope,
                                      User.active, User.scope_level)
                            .order_by(User.username)).all()
    return [UserRow(r.username, r.display_name or "", r.role, r.scope or "", bool(r.active),
                    r.scope_level or "") for r in rows]


def set_role(engine: Engine, username: str, role: str, scope: str | None = None,
             level: str | None = None) -> None:
    scope, level = check_role(role, scope, level)
    with engine.begin() as conn:
        done = conn.execute(sa.update(User).where(User.username == username)
                            .values(role=role, scope=scope, scope_level=level or None))
        if done.rowcount != 1:
            raise UserProblem(f"no user {username!r}")


def set_language(engine: Engine, user_id: int, language: str) -> None:
    """Remember the user's language (one of ``translation.LANGUAGES``) across sign-ins."""
    chosen = translation.supported(language)
    if chosen is None:
        raise UserProblem(f"unsupported language {language!r}")
    with engine.begin() as conn:
        conn.execute(sa.update(User).where(User.id == user_id).values(language=chosen))


def reset_password(engine: Engine, username: str, password: str, one_time: bool = False) -> None:
    """A new password for ``username``; ``one_time``: they must replace it at
    their next sign-in."""
    _check_password(password)
    with engine.begin() as conn:
        done = conn.execute(sa.update(User).where(User.username == username)
                            .values(password_hash=generate_password_hash(password),
                                    must_change_password=one_time))
        if done.rowcount != 1:
            raise UserProblem(f"no user {username!r}")


#: why :func:`change_password` refused (the web layer words them)
WRONG_CURRENT, TOO_SHORT, SAME_AS_BEFORE = "wrong-current", "too-short", "same"


def change_password(engine: Engine, user_id: int, current: str, new: str) -> str | None:
    """The user sets their own password, proving the current one (the one-time
    password they signed in with). Returns None when done (the current one
    then stops working and nothing more is asked of them), else why not:
    :data:`WRONG_CURRENT`, :data:`TOO_SHORT` (under ``MIN_PASSWORD_LENGTH``)
    or :data:`SAME_AS_BEFORE`."""
    with Session(engine) as session:
        row = session.scalars(sa.select(User).where(User.id == user_id)).first()
        if row is None or not row.active or not check_password_hash(row.password_hash,
                                                                    current or ""):
            return WRONG_CURRENT
        if len(new or "") < MIN_PASSWORD_LENGTH:
            return TOO_SHORT
        if new == current:
            return SAME_AS_BEFORE
        row.password_hash = generate_password_hash(new)
        row.must_change_password = False
        session.commit()
    return None


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
                  display_name=row.display_name or row.username, language=row.language or "",
                  scope_level=row.scope_level or "",
                  must_change_password=bool(row.must_change_password),
                  password_stamp=password_stamp(row.password_hash))


def password_stamp(password_hash: str) -> str:
    """A short digest of the stored (salted) hash: a session keeps it from its
    sign-in, and a session whose stamp no longer matches, because the password
    changed since, is signed out. It tells nothing of the password."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa.select(sa.func.count()).select_from(User)).scalar_one())


def ensure_demo_users(engine: Engine, territories, reps, levels=None) -> int:
    """Create the demo accounts when there are no users yet; returns how many:
    the leader, a manager per region (``manager-west``), a manager per unit
    of ``levels`` below region (named by its manager column, else
    ``manager-<unit id>``: the demo's ``manager-pacific`` is a district
    manager) and one per rep.

    One password hash is computed and shared by all demo accounts: they have
    the same documented password, and hashing sixty times would slow every
    demo start."""
    if has_users(engine):
        return 0
    hashed = generate_password_hash(DEMO_PASSWORD)
    rows = [dict(username=DEMO_LEADER, display_name="Demo leader", role=LEADER, scope="")]
    for region in sorted(territories["region"].dropna().astype(str).unique()):
        rows.append(dict(username=f"manager-{_slug(region)}",
                         display_name=f"{region} manager", role=MANAGER, scope=region))
    if levels is not None:
        for unit in levels.loc[levels["level"] != hierarchy.REGION].itertuples(index=False):
            manager = hierarchy.text(unit.manager) or f"manager-{_slug(unit.unit_id)}"
            rows.append(dict(username=manager,
                             display_name=f"{unit.unit_name} manager", role=MANAGER,
                             scope=str(unit.unit_id), scope_level=str(unit.level)))
    for rep in reps.itertuples(index=False):
        rows.append(dict(username=str(rep.rep_id).lower(), display_name=str(rep.rep_name),
                         role=REP, scope=str(rep.rep_id)))
    with engine.begin() as conn:
        conn.execute(sa.insert(User), [dict({"scope_level": None}, **r, password_hash=hashed,
                                            active=True) for r in rows])
    return len(rows)


def _slug(text: str) -> str:
    return str(text).strip().lower().replace(" ", "-")
