"""Users, roles and login (docs/contract.md "Roles"; docs/quality-targets.md "Security").

Passwords are hashed with Argon2id (memory-hard). Failed logins are counted on the user so
the app can slow down guessing (`login_delay_seconds`); the hash never reaches the audit log
(audit.snapshot hides it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from operational_app.domain import writes
from operational_app.domain.fields import Checker, check_actor
from operational_app.domain.lookups import find_user
from operational_app.store.models import User, utcnow

ROLES = ("operator", "finance", "director", "analyst", "admin")
AREAS = ("comercial", "operacion", "administracion", "finanzas")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # hashing a megabyte "password" is a cheap denial of service
MAX_LOGIN_DELAY = 30.0
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against for unknown users, so a miss costs the same time as a wrong password."""
    return _hasher.hash("no such user: timing equaliser")


def _check_password(v: Checker, password: Any, username: str | None) -> str | None:
    # Passwords are not text fields: any character is fine, they are never displayed.
    if not isinstance(password, str) or password == "":
        v.fail("password", "is required")
        return None
    if len(password) < MIN_PASSWORD:
        v.fail("password", "must be at least {minimum} characters", minimum=MIN_PASSWORD)
    elif len(password) > MAX_PASSWORD:
        v.fail("password", "must be at most {maximum} characters", maximum=MAX_PASSWORD)
    elif username is not None and password.lower() == username.lower():
        v.fail("password", "must not be the username")
    return password


def _check_username(v: Checker, username: Any) -> str | None:
    name = v.text("username", username, User.username, required=True)
    if name is None:
        return None
    name = name.lower()  # usernames are case-insensitive: stored lower-case
    if not USERNAME_RE.match(name):
        v.fail("username", "must be 2–64 characters: letters, digits, '.', '_' or '-', "
                           "starting with a letter or digit")
        return None
    return name


def _check_role_area(v: Checker, role: Any, area: Any) -> tuple[str | None, str | None]:
    role_ = v.choice("role", role, ROLES)
    area_ = v.choice("area", area, AREAS, required=False)
    if role_ == "operator" and area_ is None and not v.has_error("area"):
        v.fail("area", "is required for an operator ({areas})", areas=', '.join(AREAS))
    if role_ is not None and role_ != "operator" and area_ is not None:
        v.fail("area", "only operators have an area")
    return role_, area_


def add_user(
    session: Session,
    actor: str,
    *,
    username: Any,
    display_name: Any,
    role: Any,
    password: Any,
    area: Any = None,
) -> User:
    actor = check_actor(actor)
    v = Checker()
    name = _check_username(v, username)
    display = v.text("display_name", display_name, User.display_name, required=True)
    role_, area_ = _check_role_area(v, role, area)
    secret = _check_password(v, password, name)
    v.unique("username", name, find_user(session, name) if name else None, "user")
    v.check()
    row = User(username=name, display_name=display, role=role_, area=area_,
               password_hash=_hasher.hash(secret), is_active=True, failed_logins=0)
    return writes.insert(session, actor, row, name, "username")


def set_password(session: Session, actor: str, *, username: Any, password: Any) -> User:
    """Replace a user's password (admin reset or the user's own change); clears failures."""
    actor = check_actor(actor)
    v = Checker()
    name = _check_username(v, username)
    user = v.known("username", name, find_user(session, name, lock=True) if name else None,
                   "user")
    secret = _check_password(v, password, name)
    v.check()
    return writes.update(session, actor, user, name, password_hash=_hasher.hash(secret),
                         failed_logins=0, last_failed_at=None)


def set_user_active(session: Session, actor: str, *, username: Any, is_active: Any) -> User:
    """Deactivate (or reactivate) a login; users are never deleted (audit names them)."""
    actor = check_actor(actor)
    v = Checker()
    name = _check_username(v, username)
    user = v.known("username", name, find_user(session, name, lock=True) if name else None,
                   "user")
    active = v.boolean("is_active", is_active, required=True)
    v.check()
    return writes.update(session, actor, user, name, is_active=active)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user if the password is right and the user active, else None.

    A failure on a known user increments failed_logins and stamps last_failed_at (audited as
    'login_failed'); a success resets them. The caller must commit either way.
    """
    name = username.strip().lower() if isinstance(username, str) else ""
    user = find_user(session, name, lock=True) if name else None
    if user is None or not isinstance(password, str) or len(password) > MAX_PASSWORD:
        _verify(_dummy_hash(), "wrong")
        return None
    if not _verify(user.password_hash, password) or not user.is_active:
        writes.update(session, name, user, name, action="login_failed",
                      failed_logins=user.failed_logins + 1, last_failed_at=utcnow())
        return None
    changes: dict[str, Any] = {}
    if user.failed_logins or user.last_failed_at is not None:
        changes.update(failed_logins=0, last_failed_at=None)
    if _hasher.check_needs_rehash(user.password_hash):
        changes["password_hash"] = _hasher.hash(password)
    if changes:
        writes.update(session, name, user, name, action="login", **changes)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def login_delay_seconds(user: User | None) -> float:
    """How long the app should wait before answering the next login attempt for this user:
    doubling from 1 s with each consecutive failure, capped at 30 s; 0 after a success."""
    if user is None or not user.failed_logins:
        return 0.0
    return min(MAX_LOGIN_DELAY, float(2 ** min(user.failed_logins - 1, 16)))


def login_delay_for(session: Session, username: str) -> float:
    """`login_delay_seconds` by username; 0 for unknown usernames."""
    name = username.strip().lower() if isinstance(username, str) else ""
    return login_delay_seconds(find_user(session, name) if name else None)
