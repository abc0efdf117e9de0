"""Users, roles, password hashing, failed-login counting."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from operational_app.domain import users
from operational_app.store.models import AuditLog, User

from .conftest import ACTOR, refused

PASSWORD = "correct horse battery"


def test_add_user_hashes_with_argon2_and_never_audits_the_hash(session):
    u = users.add_user(session, ACTOR, username="Ana.Lopez", display_name="Ana López",
                       role="operator", area="comercial", password=PASSWORD)
    assert u.username == "ana.lopez" and u.password_hash.startswith("$argon2id$")
    assert PASSWORD not in u.password_hash
    for audit in session.scalars(select(AuditLog)):
        assert "password_hash" not in (audit.after_json or "")
        assert "argon2" not in (audit.after_json or "")


@pytest.mark.parametrize("field, kw, expect", [
    ("password", {"password": "short"}, "at least 10"),
    ("password", {"password": "Ana.Lopez1", "username": "ana.lopez1"}, "not be the username"),
    ("area", {"role": "operator", "area": None}, "required for an operator"),
    ("area", {"role": "operator", "area": "ventas"}, "comercial, operacion"),
    ("area", {"role": "finance", "area": "finanzas"}, "only operators"),
    ("role", {"role": "root"}, "operator, finance"),
    ("username", {"username": "ana lopez"}, "letters, digits"),
    ("display_name", {"display_name": "<b>Ana</b>"}, "markup"),
])
def test_add_user_refuses(session, field, kw, expect):
    args = {"username": "ana.lopez", "display_name": "Ana", "role": "operator",
            "area": "comercial", "password": PASSWORD} | kw
    refused(session, users.add_user, field, expect, **args)


def test_duplicate_username_is_case_insensitive(session):
    users.add_user(session, ACTOR, username="ana", display_name="Ana", role="admin",
                   password=PASSWORD)
    refused(session, users.add_user, "username", "already exists", username="ANA",
            display_name="Ana 2", role="admin", password=PASSWORD)


def test_authenticate_counts_failures_and_backs_off(session):
    users.add_user(session, ACTOR, username="ana", display_name="Ana", role="director",
                   password=PASSWORD)
    assert users.authenticate(session, "nobody", PASSWORD) is None
    for n in range(1, 8):
        assert users.authenticate(session, "ana", "wrong password!") is None
        user = session.scalars(select(User)).one()
        assert user.failed_logins == n and user.last_failed_at is not None
    assert [users.login_delay_seconds(_with_failures(n)) for n in range(8)] == [
        0, 1, 2, 4, 8, 16, 30, 30]
    assert users.login_delay_for(session, "ANA") == 30
    assert users.login_delay_for(session, "nobody") == 0
    ok = users.authenticate(session, " Ana ", PASSWORD)
    assert ok is not None and ok.failed_logins == 0 and ok.last_failed_at is None
    failed = session.scalars(select(AuditLog).where(AuditLog.action == "login_failed")).all()
    assert len(failed) == 7 and json.loads(failed[-1].after_json)["failed_logins"] == 7


def test_inactive_user_cannot_log_in(session):
    users.add_user(session, ACTOR, username="ana", display_name="Ana", role="analyst",
                   password=PASSWORD)
    users.set_user_active(session, ACTOR, username="ana", is_active="false")
    assert users.authenticate(session, "ana", PASSWORD) is None


def test_set_password(session):
    users.add_user(session, ACTOR, username="ana", display_name="Ana", role="analyst",
                   password=PASSWORD)
    refused(session, users.set_password, "password", "at least 10", username="ana",
            password="123")
    users.set_password(session, ACTOR, username="ana", password="another long secret")
    assert users.authenticate(session, "ana", PASSWORD) is None
    assert users.authenticate(session, "ana", "another long secret") is not None


def _with_failures(n: int) -> User:
    return User(username="x", display_name="x", role="admin", password_hash="x",
                failed_logins=n)
