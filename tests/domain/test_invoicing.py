"""Invoices, credit notes, payments, applications, reversals, collections, FX."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from operational_app.domain import billing, lookups
from operational_app.store.models import FxRate, PaymentApplication

from .conftest import ACTOR, refused

INVOICE = {"invoice_number": "F9", "contract_number": "C1", "period_start": "2026-02-01",
           "issued_on": "2026-03-02", "subtotal": "2749.00", "tax_amount": "439.84",
           "total": "3188.84", "currency": "MXN"}


@pytest.fixture
def world(mk):
    return mk.world()


def test_issue_invoice_exact_money(world, session):
    inv = billing.issue_invoice(session, ACTOR, **INVOICE, due_on="2026-04-01")
    assert (inv.subtotal, inv.tax_amount, inv.total) == (
        Decimal("2749.00"), Decimal("439.84"), Decimal("3188.84"))
    assert lookups.invoice_open_amount(session, "F9") == Decimal("3188.84")
    refused(session, billing.issue_invoice, "invoice_number", "already exists", **INVOICE)


@pytest.mark.parametrize("field, kw, reason", [
    ("total", {"total": "3188.85"}, "unbalanced totals"),
    ("subtotal", {"subtotal": "-2749.00", "total": "-2309.16"}, "≥ 0"),
    ("tax_amount", {"tax_amount": "439.845"}, "2 decimal places"),
    ("currency", {"currency": "USD"}, "contract C1's currency (MXN)"),
    ("period_start", {"period_start": "2026-02-15"}, "first day of a month"),
    ("period_start", {"period_start": "2025-12-01", "issued_on": "2026-01-02"},
     "billable months"),
    ("period_start", {"period_start": "2028-01-01", "issued_on": "2028-01-02"},
     "billable months"),
    ("issued_on", {"issued_on": "2026-01-31"}, "billed period"),
    ("due_on", {"due_on": "2026-03-01"}, "issue date"),
    ("contract_number", {"contract_number": "C9"}, "unknown contract 'C9'"),
    ("invoice_number", {"invoice_number": "=1+2"}, "formula"),
])
def test_issue_invoice_refuses(world, session, field, kw, reason):
    refused(session, billing.issue_invoice, field, reason, **INVOICE | kw)


def test_first_partial_month_is_billable(world, session):
    # activated 2026-01-05: January is billable (prorated) and named by 2026-01-01
    inv = billing.issue_invoice(session, ACTOR, **INVOICE | {"period_start": "2026-01-01"})
    assert inv.period_start.isoformat() == "2026-01-01"


def test_credit_notes_never_exceed_the_invoice(world, mk, session):
    mk.invoice("F1", total="1160.00")
    cn = billing.issue_credit_note(session, ACTOR, credit_note_number="NC1",
                                   invoice_number="F1", issued_on="2026-03-05",
                                   subtotal="500.00", tax_amount="80.00", total="580.00",
                                   reason="error de lectura")
    assert cn.total == Decimal("580.00")
    assert lookups.invoice_open_amount(session, "F1") == Decimal("580.00")
    base = {"credit_note_number": "NC2", "invoice_number": "F1", "issued_on": "2026-03-06"}
    refused(session, billing.issue_credit_note, "total", "580.00",
            **base, subtotal="500.01", tax_amount="80.00", total="580.01")
    refused(session, billing.issue_credit_note, "total", "unbalanced totals",
            **base, subtotal="100.00", tax_amount="16.00", total="116.01")
    refused(session, billing.issue_credit_note, "total", "greater than 0",
            **base, subtotal="0", tax_amount="0", total="0")
    refused(session, billing.issue_credit_note, "issued_on", "invoice's issue date",
            **base | {"issued_on": "2026-03-01"}, subtotal="1", tax_amount="0", total="1")
    refused(session, billing.issue_credit_note, "invoice_number", "unknown invoice",
            **base | {"invoice_number": "F0"}, subtotal="1", tax_amount="0", total="1")
    refused(session, billing.issue_credit_note, "credit_note_number", "already exists",
            **base | {"credit_note_number": "NC1"}, subtotal="1", tax_amount="0", total="1")
    billing.issue_credit_note(session, ACTOR, **base, subtotal="500.00", tax_amount="80.00",
                              total="580.00")
    assert lookups.invoice_open_amount(session, "F1") == Decimal("0.00")


def test_payment(world, mk, session):
    p = mk.payment("P1", amount="5000")
    assert p.amount == Decimal("5000.00")
    assert lookups.payment_unapplied_amount(session, "P1") == Decimal("5000.00")
    base = {"payment_number": "P2", "account_code": "A1", "received_on": "2026-03-10",
            "currency": "MXN"}
    refused(session, billing.record_payment, "amount", "greater than 0", **base, amount="0")
    refused(session, billing.record_payment, "amount", "greater than 0", **base, amount="-5")
    refused(session, billing.record_payment, "account_code", "unknown account",
            **base | {"account_code": "A9"}, amount="5")
    refused(session, billing.record_payment, "payment_number", "already exists",
            **base | {"payment_number": "P1"}, amount="5")


def test_partial_applications_to_the_cent(world, mk, session):
    mk.invoice("F1", total="11600.00")
    mk.invoice("F2", total="1160.00", period_start="2026-03-01", issued_on="2026-04-02")
    mk.payment("P1", amount="5000.00")
    app = billing.apply_payment(session, ACTOR, payment_number="P1", invoice_number="F1",
                                amount="4999.99")
    assert str(app.applied_on) == "2026-03-10"  # the later of payment and invoice dates
    billing.apply_payment(session, ACTOR, payment_number="P1", invoice_number="F2",
                          amount="0.01")
    assert lookups.invoice_open_amount(session, "F1") == Decimal("6600.01")
    assert lookups.invoice_open_amount(session, "F2") == Decimal("1159.99")
    assert lookups.payment_unapplied_amount(session, "P1") == Decimal("0.00")
    refused(session, billing.apply_payment, "amount", "unapplied amount (0.00)",
            payment_number="P1", invoice_number="F2", amount="0.01")


def test_over_payment_is_refused(world, mk, session):
    mk.invoice("F1", total="1160.00")
    mk.payment("P1", amount="2000.00")
    err = refused(session, billing.apply_payment, "amount", "over-payment",
                  payment_number="P1", invoice_number="F1", amount="1160.01")
    assert "1160.00" in str(err)
    billing.apply_payment(session, ACTOR, payment_number="P1", invoice_number="F1",
                          amount="1160.00")
    assert lookups.payment_unapplied_amount(session, "P1") == Decimal("840.00")
    refused(session, billing.apply_payment, "invoice_number", "already applied",
            payment_number="P1", invoice_number="F1", amount="1.00")


def test_credit_notes_reduce_what_can_be_applied(world, mk, session):
    mk.invoice("F1", total="1160.00")
    billing.issue_credit_note(session, ACTOR, credit_note_number="NC1", invoice_number="F1",
                              issued_on="2026-03-05", subtotal="100.00", tax_amount="16.00",
                              total="116.00")
    mk.payment("P1", amount="2000.00")
    refused(session, billing.apply_payment, "amount", "open amount (1044.00)",
            payment_number="P1", invoice_number="F1", amount="1044.01")


def test_application_needs_same_currency_and_account(world, mk, session):
    mk.invoice("F1", total="1160.00")
    mk.payment("PUSD", amount="100.00", currency="USD")
    refused(session, billing.apply_payment, "invoice_number", "USD",
            payment_number="PUSD", invoice_number="F1", amount="10.00")
    mk.account("A2")
    mk.payment("PA2", amount="100.00", account_code="A2")
    refused(session, billing.apply_payment, "invoice_number", "another account",
            payment_number="PA2", invoice_number="F1", amount="10.00")
    refused(session, billing.apply_payment, "applied_on", "payment's date",
            payment_number="PA2", invoice_number="F1", amount="10.00",
            applied_on="2026-03-09")
    refused(session, billing.apply_payment, "payment_number", "unknown payment",
            payment_number="PX", invoice_number="F1", amount="10.00")


def test_reversed_payment_cannot_be_applied_and_reopens_invoices(world, mk, session):
    mk.invoice("F1", total="1160.00")
    mk.payment("P1", amount="1160.00")
    billing.apply_payment(session, ACTOR, payment_number="P1", invoice_number="F1",
                          amount="1160.00")
    assert lookups.invoice_open_amount(session, "F1") == Decimal("0.00")
    refused(session, billing.reverse_payment, "reversed_on", "payment's date",
            reversal_number="R1", payment_number="P1", reversed_on="2026-03-09",
            reason="cheque devuelto")
    refused(session, billing.reverse_payment, "reason", "required",
            reversal_number="R1", payment_number="P1", reversed_on="2026-03-12", reason="")
    billing.reverse_payment(session, ACTOR, reversal_number="R1", payment_number="P1",
                            reversed_on="2026-03-12", reason="cheque devuelto")
    assert lookups.invoice_open_amount(session, "F1") == Decimal("1160.00")
    assert lookups.payment_unapplied_amount(session, "P1") == Decimal("0.00")
    assert len(session.scalars(select(PaymentApplication)).all()) == 1  # stays posted
    refused(session, billing.reverse_payment, "payment_number", "already reversed",
            reversal_number="R2", payment_number="P1", reversed_on="2026-03-12", reason="x")
    mk.invoice("F2", total="1160.00", period_start="2026-03-01", issued_on="2026-04-02")
    refused(session, billing.apply_payment, "payment_number", "reversed",
            payment_number="P1", invoice_number="F2", amount="1.00")


def test_collection_actions(world, mk, session):
    mk.invoice("F1", total="1160.00")
    promise = billing.record_collection_action(
        session, ACTOR, invoice_number="F1", action_type="promise_to_pay",
        action_on="2026-04-05", promised_on="2026-04-15", promised_amount="580.00")
    assert promise.promised_amount == Decimal("580.00")
    base = {"invoice_number": "F1", "action_on": "2026-04-05"}
    refused(session, billing.record_collection_action, "promised_amount", "required",
            **base, action_type="promise_to_pay", promised_on="2026-04-15")
    refused(session, billing.record_collection_action, "promised_on", "action date",
            **base, action_type="promise_to_pay", promised_on="2026-04-01",
            promised_amount="1")
    refused(session, billing.record_collection_action, "promised_amount", "invoice total",
            **base, action_type="promise_to_pay", promised_on="2026-04-15",
            promised_amount="1160.01")
    refused(session, billing.record_collection_action, "promised_on", "only",
            **base, action_type="call", promised_on="2026-04-15")
    refused(session, billing.record_collection_action, "action_type", "escalation",
            **base, action_type="sms")
    refused(session, billing.record_collection_action, "action_on", "issue date",
            **base | {"action_on": "2026-03-01"}, action_type="call")


def test_fx_rates(session):
    r = billing.set_fx_rate(session, ACTOR, rate_date="2026-03-02", currency="USD",
                            mxn_per_unit="18.234567")
    again = billing.set_fx_rate(session, ACTOR, rate_date="2026-03-02", currency="usd",
                                mxn_per_unit="18.5")
    assert again is r and r.mxn_per_unit == Decimal("18.500000")
    assert len(session.scalars(select(FxRate)).all()) == 1
    refused(session, billing.set_fx_rate, "currency", "USD", rate_date="2026-03-02",
            currency="MXN", mxn_per_unit="1")
    refused(session, billing.set_fx_rate, "mxn_per_unit", "greater than 0",
            rate_date="2026-03-02", currency="USD", mxn_per_unit="0")
