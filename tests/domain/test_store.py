"""The domain layer against the real stores: SQLite and PostgreSQL, committed transactions,
immutability triggers, row locks under concurrent writers, audit completeness."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from operational_app.domain import billing, lookups, sales, writes
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import Account, AuditLog, Base, Invoice, MeterReading

from .conftest import ACTOR, Builder


def _seed(url: str) -> None:
    with write_session(url) as s:
        b = Builder(s)
        b.world()
        b.invoice("F1", total="1160.00")
        b.invoice("F2", total="3188.84", period_start="2026-03-01", issued_on="2026-04-02")
        b.payment("P1", amount="1000.00")


def test_money_round_trips_exactly(any_url):
    _seed(any_url)
    with read_session(any_url) as s:
        inv = lookups.find_invoice(s, "F2")
        assert (inv.subtotal, inv.tax_amount, inv.total) == (
            Decimal("2749.00"), Decimal("439.84"), Decimal("3188.84"))
        assert isinstance(inv.total, Decimal)
        assert lookups.payment_unapplied_amount(s, "P1") == Decimal("1000.00")


@pytest.mark.parametrize("statement", [
    "update invoices set total = 0",
    "delete from invoices",
    "update payments set amount = 1",
    "delete from payments",
    "update audit_log set username = 'someone'",
])
def test_financial_documents_are_immutable_in_sql(any_url, statement):
    _seed(any_url)
    with pytest.raises(DBAPIError, match="immutable"):
        with write_session(any_url) as s:
            s.execute(text(statement))
    with read_session(any_url) as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 2


def test_refused_write_leaves_the_database_unchanged(any_url):
    _seed(any_url)
    with read_session(any_url) as s:
        audit_before = s.scalar(select(func.count()).select_from(AuditLog))
    with pytest.raises(ValidationError) as caught:
        with write_session(any_url) as s:
            billing.record_payment(s, ACTOR, payment_number="P2", account_code="A1",
                                   received_on="2026-03-11", amount="50.00", currency="MXN")
            billing.apply_payment(s, ACTOR, payment_number="P2", invoice_number="F1",
                                  amount="50.01")  # more than the payment
    assert caught.value.fields == ["amount"]
    with read_session(any_url) as s:  # the whole transaction rolled back, P2 included
        assert lookups.find_payment(s, "P2") is None
        assert s.scalar(select(func.count()).select_from(AuditLog)) == audit_before


def test_session_stays_usable_after_a_refusal(db_url):
    _seed(db_url)
    with write_session(db_url) as s:
        with pytest.raises(ValidationError):
            sales.create_account(s, ACTOR, account_code="A1", name="dup", tax_rate="0.16")
        sales.create_account(s, ACTOR, account_code="A2", name="ok", tax_rate="0.08")
    with read_session(db_url) as s:
        assert lookups.find_account(s, "A2").tax_rate == Decimal("0.0800")


def test_every_write_is_audited(db_url):
    _seed(db_url)
    with read_session(db_url) as s:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            rows = s.scalar(select(func.count()).select_from(table))
            audited = s.scalar(select(func.count()).select_from(AuditLog).where(
                AuditLog.entity == table.name, AuditLog.action == "create"))
            assert rows == audited, table.name
        assert set(s.scalars(select(AuditLog.username))) == {ACTOR}


def test_a_concurrent_duplicate_key_becomes_a_validation_error(session):
    sales.create_account(session, ACTOR, account_code="A1", name="x", tax_rate="0.16")
    # bypass the checks, as a concurrent writer committing first would
    with pytest.raises(ValidationError) as caught:
        writes.insert(session, ACTOR, Account(account_code="A1", name="y", tax_rate=0),
                      "A1", "account_code")
    assert caught.value.fields == ["account_code"]
    session.rollback()


def _race(url: str, first, second) -> dict[str, object]:
    """Run `first` in a transaction that holds its locks for a moment, and `second` as soon
    as `first` has done its checks; return what each did."""
    holding = threading.Event()
    results: dict[str, object] = {}

    def run_first() -> None:
        with write_session(url) as s:
            first(s)
            holding.set()
            time.sleep(0.5)  # keep the transaction (and its row locks) open
        results["first"] = "committed"

    def run_second() -> None:
        holding.wait(10)
        try:
            with write_session(url) as s:
                second(s)
            results["second"] = "committed"
        except ValidationError as exc:
            results["second"] = exc

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_applications_cannot_spend_a_payment_twice(any_url):
    _seed(any_url)
    results = _race(
        any_url,
        lambda s: billing.apply_payment(s, ACTOR, payment_number="P1", invoice_number="F1",
                                        amount="600.00"),
        lambda s: billing.apply_payment(s, ACTOR, payment_number="P1", invoice_number="F2",
                                        amount="600.00"),
    )
    assert results["first"] == "committed"
    assert isinstance(results["second"], ValidationError)
    assert "unapplied amount (400.00)" in str(results["second"])
    with read_session(any_url) as s:
        assert lookups.payment_unapplied_amount(s, "P1") == Decimal("400.00")


def test_concurrent_readings_keep_one_device_history_in_order(any_url):
    _seed(any_url)

    def reading(on: str, mono: int):
        return lambda s: billing.record_meter_reading(
            s, ACTOR, serial="SN1", read_on=on, mono_counter=mono, color_counter=300)

    # the second, a late reading, is checked against the first once the device lock is its
    results = _race(any_url, reading("2026-02-28", 3000), reading("2026-02-27", 3100))
    assert results["first"] == "committed"
    assert "does not fit" in str(results["second"])
    assert "reading of 2026-02-28 (mono 3000)" in str(results["second"])
    with read_session(any_url) as s:
        assert s.scalar(select(func.count()).select_from(MeterReading)) == 1
