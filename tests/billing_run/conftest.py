"""Fixtures of the billing run's tests (docs/billing-run.md).

Two kinds of store:
- `synthetic`: a small operational DB (users, accounts, contracts with plans) written row by
  row, with charges built in the test as the warehouse would publish them — the run's
  domain logic (drafts, regeneration, adjustments, folios, locks) without a dbt build;
- `billed_home`: the tiny demo, generated through the billing run and refreshed, shared by
  the tests of this folder (the run's one tiny demo, `tiny_home`); `home` is a private writable copy of it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from operational_app.domain import users
from operational_app.domain.billing_run import Charge, ChargeLine
from operational_app.domain.taxes import document_tax
from operational_app.store.engine import write_session
from operational_app.store.migrate import upgrade
from operational_app.store.models import Account, Base, Contract, PricePlan
from tests.conftest import point_seiton_at
from tests.reliability.conftest import tiny_home  # noqa: F401 - the run's one tiny demo

DEMO_UNTIL = "2026-10-31"
PERIOD = date(2026, 10, 1)
RATE = Decimal("0.16")


def make_store(url: str, n_contracts: int = 6) -> list[str]:
    """Users `finanzas` (finance), `operacion` (operator), `jefa` (admin); n contracts
    active through 2026 with a plan each (the last one of them has none when asked)."""
    upgrade(url)
    with write_session(url) as s:
        for name, role, area in (("finanzas", "finance", None), ("jefa", "admin", None),
                                 ("operacion", "operator", "operacion")):
            users.add_user(s, "test", username=name, display_name=name, role=role, area=area,
                           password="a-long-test-password")
        numbers = []
        for i in range(1, n_contracts + 1):
            acc = Account(account_code=f"A-{i:03d}", name=f"Cliente {i}", tax_rate=RATE,
                          created_by="test")
            s.add(acc)
            s.flush()
            c = Contract(contract_number=f"C-{i:03d}", account_id=acc.id,
                         start_date=date(2026, 1, 1), end_date=date(2027, 12, 31),
                         currency="MXN", payment_terms_days=30 + i, billing_day=1,
                         activated_on=date(2026, 1, 1), created_by="test")
            s.add(c)
            s.flush()
            s.add(PricePlan(contract_id=c.id, effective_from=date(2026, 1, 1),
                            fixed_monthly_fee=Decimal("1000.00"), included_mono_pages=1000,
                            included_color_pages=100, mono_rate=Decimal("0.12"),
                            color_rate=Decimal("1.10"), created_by="test"))
            numbers.append(c.contract_number)
    return numbers


def charge(number: str, fee: str = "1000.00", mono_pages: int = 0,
           mono_rate: str = "0.12", period: date = PERIOD) -> Charge:
    """A charge as fct_billing_charges / fct_billing_charge_lines publish it."""
    lines = [ChargeLine(1, "fixed_fee", None, None, Decimal(1), Decimal(fee), Decimal(fee),
                        False)]
    if mono_pages:
        amount = (mono_pages * Decimal(mono_rate)).quantize(Decimal("0.01"))
        lines.append(ChargeLine(2, "overage", "mono", 0, Decimal(mono_pages), Decimal(mono_rate),
                                amount, False))
    subtotal = sum((ln.amount for ln in lines), Decimal("0.00"))
    tax = document_tax(subtotal, RATE)
    return Charge(number, period, "MXN", RATE, subtotal, tax, subtotal + tax, False,
                  tuple(lines))


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            return {t.name: con.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


@pytest.fixture
def synthetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[str]]]:
    home = tmp_path / "home"
    home.mkdir()
    for _ in point_seiton_at(home, monkeypatch):
        url = f"sqlite:///{home / 'operational.db'}"
        yield url, make_store(url)


def run_cli(*args: str) -> None:
    from seiton.cli import main

    code = main(list(args))
    assert code == 0, f"seiton {' '.join(args)} exited {code}"


@pytest.fixture(scope="session")
def billed_home(tiny_home: Path) -> Path:  # noqa: F811 - the fixture imported above
    """SEITON_HOME with the tiny demo (invoiced by the billing run) and a published
    warehouse: the run's one tiny demo (tests/reliability's `tiny_home`, the same
    `init → demo-data --scale tiny --until 2026-10-31 → refresh`), not a second generation."""
    return tiny_home


@pytest.fixture
def home(billed_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private, writable copy of the billed tiny demo."""
    copy = tmp_path / "home"
    shutil.copytree(billed_home, copy)
    yield from point_seiton_at(copy, monkeypatch)


def sql(url: str, query: str, **params) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            return con.execute(text(query), params).all()
    finally:
        engine.dispose()
