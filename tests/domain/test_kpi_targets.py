"""KPI targets set in the app (docs/kpis.md, Targets): validated, audited with who and why,
never edited — a later change supersedes from its own month, and no change may start
before the current month (the months already judged keep their target)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from operational_app.domain import kpi_targets, users
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import write_session
from operational_app.store.models import AuditLog, KpiTarget

from .conftest import ACTOR, TODAY, refused

PASSWORD = "clave-de-prueba-123"
GOOD = {"kpi_code": "win_rate", "effective_from": "2026-07-01", "target": "40",
        "amber": "33.5", "reason": "El plan comercial 2026 sube la meta"}


def _user(session: Session, username: str, role: str, area: str | None = None) -> None:
    users.add_user(session, "admin", username=username, display_name=username.title(),
                   role=role, password=PASSWORD, area=area)


@pytest.fixture
def director(session: Session) -> Session:
    _user(session, ACTOR, "director")
    return session


def test_a_director_sets_a_target_from_a_month_and_it_is_audited(director: Session) -> None:
    row = kpi_targets.set_kpi_target(director, ACTOR, **GOOD)
    assert (row.kpi_code, row.effective_from) == ("win_rate", date(2026, 7, 1))
    assert (row.target, row.amber) == (Decimal("40"), Decimal("33.5"))
    assert row.created_by == ACTOR
    audit = director.scalars(select(AuditLog).where(AuditLog.entity == "kpi_targets")).one()
    assert (audit.username, audit.action, audit.entity_key) == (
        ACTOR, "create", "win_rate:2026-07-01")
    after = json.loads(audit.after_json)
    assert after["reason"] == GOOD["reason"]
    assert after["target"] == "40.000000" and after["amber"] == "33.500000"


def test_the_current_month_is_allowed_and_a_second_change_supersedes(director: Session) -> None:
    kpi_targets.set_kpi_target(director, ACTOR, **GOOD | {"effective_from": "2026-06-01"})
    kpi_targets.set_kpi_target(director, ACTOR, **GOOD | {"effective_from": "2026-06-01",
                                                          "target": "38", "reason": "corrige"})
    rows = kpi_targets.history(director, "win_rate")
    # both changes are kept (nothing is edited); the later one is listed first
    assert [(r.target, r.reason) for r in rows] == [(Decimal("38"), "corrige"),
                                                    (Decimal("40"), GOOD["reason"])]


def test_an_admin_may_set_targets_too(session: Session) -> None:
    _user(session, "jefa", "admin")
    row = kpi_targets.set_kpi_target(session, "jefa", **GOOD | {"kpi_code": "mttr_hours",
                                                               "target": "6", "amber": "9"})
    assert row.kpi_code == "mttr_hours"


@pytest.mark.parametrize(("field", "change", "expect"), [
    ("kpi_code", {"kpi_code": "no_such_kpi"}, "must be one of"),
    ("kpi_code", {"kpi_code": ""}, "required"),
    ("effective_from", {"effective_from": "2026-07-15"}, "first day of a month"),
    ("effective_from", {"effective_from": "2026-05-01"}, "not be before the current month"),
    ("effective_from", {"effective_from": "julio"}, ""),
    ("target", {"target": "cuarenta"}, ""),
    ("target", {"target": "-5"}, "≥ 0"),
    ("target", {"target": ""}, "required"),
    ("amber", {"amber": "1,5"}, ""),
    ("amber", {"amber": "41"}, "≤ the target"),  # win_rate: higher is better
    ("reason", {"reason": "   "}, "required"),
    ("reason", {"reason": "<script>alert(1)</script>"}, ""),
])
def test_bad_input_is_refused_and_nothing_is_written(director: Session, field: str,
                                                     change: dict, expect: str) -> None:
    refused(director, kpi_targets.set_kpi_target, field, expect or None, **GOOD | change)


def test_lower_is_better_needs_the_amber_threshold_above_the_target(director: Session) -> None:
    refused(director, kpi_targets.set_kpi_target, "amber", "≥ the target",
            **GOOD | {"kpi_code": "dso_days", "target": "45", "amber": "40"})
    row = kpi_targets.set_kpi_target(director, ACTOR, **GOOD | {
        "kpi_code": "dso_days", "target": "40", "amber": "55"})
    assert row.amber == Decimal("55")


@pytest.mark.parametrize(("role", "area"), [("operator", "finanzas"), ("finance", None),
                                            ("analyst", None)])
def test_only_directors_and_admin_change_targets(session: Session, role: str,
                                                 area: str | None) -> None:
    _user(session, ACTOR, role, area)
    refused(session, kpi_targets.set_kpi_target, "actor", "cannot change KPI targets", **GOOD)


def test_an_unknown_user_cannot_change_targets(session: Session) -> None:
    refused(session, kpi_targets.set_kpi_target, "actor", "unknown", **GOOD)


def test_the_earliest_month_is_the_current_one() -> None:
    assert kpi_targets.earliest_allowed_month() == TODAY.replace(day=1)


@pytest.mark.parametrize("statement", [
    "update kpi_targets set target = '99'",
    "delete from kpi_targets",
])
def test_stored_targets_cannot_be_edited_in_sql(any_url: str, statement: str) -> None:
    with write_session(any_url) as s:
        _user(s, ACTOR, "director")
        kpi_targets.set_kpi_target(s, ACTOR, **GOOD)
    with pytest.raises((DBAPIError, ValidationError)), write_session(any_url) as s:
        s.execute(text(statement))
    with write_session(any_url) as s:
        assert s.scalars(select(KpiTarget.target)).one() == Decimal("40")
