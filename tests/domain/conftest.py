"""Fixtures for the domain-layer tests: a fresh migrated database per test, a write session,
a builder for a standard small business, and `refused()` — the bad-input assertion."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.domain import (
    billing,
    fields,
    formalization,
    implementation,
    sales,
)
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import get_engine, write_session
from operational_app.store.migrate import upgrade
from operational_app.store.models import Base

ACTOR = "tester"
TODAY = date(2026, 6, 30)  # the business "today" of every test (fields.today is patched)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(fields, "today", lambda: TODAY)
    return TODAY


def _dispose(url: str) -> None:
    for write in (True, False):
        get_engine(url, write=write).dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'operational.db'}"
    upgrade(url)
    yield url
    _dispose(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on both supported backends (PostgreSQL via tests/conftest.py pg_url)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'operational.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    upgrade(url)
    yield url
    _dispose(url)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    with write_session(db_url) as s:
        yield s


def fingerprint(session: Session) -> dict[str, tuple[int, Any]]:
    """Row count and latest updated_at of every table: any insert or update changes it."""
    result = {}
    for table in Base.metadata.sorted_tables:
        stamp = table.c.updated_at if "updated_at" in table.c else None
        cols = [func.count()] + ([func.max(stamp)] if stamp is not None else [])
        row = session.execute(select(*cols).select_from(table)).one()
        result[table.name] = tuple(row)
    return result


def refused(
    session: Session, fn: Callable[..., Any], field: str, expect: str | None = None, /,
    **kw: Any,
) -> ValidationError:
    """Call `fn(session, ACTOR, **kw)`, expect a ValidationError naming `field` (with `expect`
    in its reason), and check that nothing at all was written or left pending."""
    before = fingerprint(session)
    with pytest.raises(ValidationError) as caught:
        fn(session, ACTOR, **kw)
    err = caught.value
    assert field in err.fields, f"expected an error on {field!r}, got: {err}"
    if expect is not None:
        reasons = " | ".join(e.reason for e in err.errors if e.field == field)
        assert expect.lower() in reasons.lower(), f"{expect!r} not in {reasons!r}"
    assert not session.new and not session.dirty and not session.deleted
    assert fingerprint(session) == before
    return err


class Builder:
    """A standard business to test against: account A1 → won opportunity O1 → contract C1
    (MXN, 2026-01-01..2027-12-31) approved and activated on 2026-01-05 with a plan, device
    SN1 installed 2026-01-10 with counters 1000 / 200."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def account(self, code: str = "A1", **kw: Any):
        args = {"account_code": code, "name": f"Cliente {code}", "tax_rate": "0.16"} | kw
        return sales.create_account(self.s, ACTOR, **args)

    def opportunity(self, code: str = "O1", account: str = "A1", **kw: Any):
        args = {"opportunity_code": code, "account_code": account, "owner": "ana",
                "estimated_amount": "100000.00", "created_on": "2025-11-01"} | kw
        return sales.create_opportunity(self.s, ACTOR, **args)

    def won_opportunity(self, code: str = "O1", account: str = "A1"):
        opp = self.opportunity(code, account)
        sales.change_opportunity_stage(self.s, ACTOR, opportunity_code=code, to_stage="won",
                                       changed_on="2025-12-01")
        return opp

    def contract(self, number: str = "C1", account: str = "A1", **kw: Any):
        args = {"contract_number": number, "account_code": account, "start_date": "2026-01-01",
                "end_date": "2027-12-31", "currency": "MXN", "payment_terms_days": 30} | kw
        return formalization.create_contract(self.s, ACTOR, **args)

    def plan(self, number: str = "C1", effective_from: str = "2026-01-01", **kw: Any):
        args = {"contract_number": number, "effective_from": effective_from,
                "fixed_monthly_fee": "2500.00", "included_mono_pages": 5000,
                "included_color_pages": 1000, "mono_rate": "0.12", "color_rate": "1.10"} | kw
        return formalization.add_price_plan(self.s, ACTOR, **args)

    def approve_all(self, number: str = "C1", on: str = "2026-01-03") -> None:
        for step in formalization.REQUIRED_STEPS:
            formalization.decide_formalization_step(
                self.s, ACTOR, contract_number=number, step=step, decision="approved",
                decided_on=on)

    def active_contract(self, number: str = "C1", account: str = "A1", **kw: Any):
        contract = self.contract(number, account, **kw)
        self.plan(number)
        self.approve_all(number)
        formalization.activate_contract(self.s, ACTOR, contract_number=number,
                                        activated_on="2026-01-05")
        return contract

    def device(self, serial: str = "SN1", number: str = "C1", **kw: Any):
        args = {"serial": serial, "contract_number": number, "installed_on": "2026-01-10",
                "install_mono_counter": 1000, "install_color_counter": 200} | kw
        return implementation.install_device(self.s, ACTOR, **args)

    def world(self):
        """Account, active contract and one device."""
        self.account()
        contract = self.active_contract()
        self.device()
        return contract

    def invoice(self, number: str = "F1", total: str = "1160.00", **kw: Any):
        subtotal = (Decimal(total) / Decimal("1.16")).quantize(Decimal("0.01"))
        args = {"invoice_number": number, "contract_number": "C1", "period_start": "2026-02-01",
                "issued_on": "2026-03-02", "subtotal": subtotal,
                "tax_amount": Decimal(total) - subtotal, "total": total,
                "currency": "MXN"} | kw
        return billing.issue_invoice(self.s, ACTOR, **args)

    def payment(self, number: str = "P1", amount: str = "1000.00", **kw: Any):
        args = {"payment_number": number, "account_code": "A1", "received_on": "2026-03-10",
                "amount": amount, "currency": "MXN"} | kw
        return billing.record_payment(self.s, ACTOR, **args)


@pytest.fixture
def mk(session: Session) -> Builder:
    return Builder(session)
