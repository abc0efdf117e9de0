"""Security at the store and the login (docs/quality-targets.md, reliability 7 and Security).

- Posted financial documents and the audit log refuse a raw SQL UPDATE or DELETE — on
  SQLite and on PostgreSQL, for each of invoices and their lines, credit_notes and their
  lines, payments, payment_applications, payment_reversals, the imported CFDI, their Pago
  links and cancellations, and audit_log — and nothing changes.
- Failed logins are slowed down (the wait doubles: 1, 2, 4 s …) and a success resets it;
  a session expires after SEITON_SESSION_MINUTES of inactivity, not before.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from operational_app.store.engine import dispose_engines, read_session, write_session
from operational_app.store.models import IMMUTABLE_TABLES
from tests.reliability import writers as W

PROTECTED = ("invoices", "invoice_lines", "credit_notes", "credit_note_lines", "payments",
             "payment_applications", "payment_reversals", "cfdi_documents", "cfdi_payments",
             "cfdi_cancellations", "audit_log")
CHANGES = {  # one column per table that an UPDATE would try to rewrite
    "invoices": "total = 0", "credit_notes": "total = 0", "payments": "amount = 1",
    "invoice_lines": "amount = 0", "credit_note_lines": "amount = 0",
    "payment_applications": "amount = 1", "payment_reversals": "reason = 'changed'",
    "cfdi_documents": "total = 0", "cfdi_payments": "pago_number = 9",
    "cfdi_cancellations": "amount = 0",
    "audit_log": "username = 'someone-else'",
}


@pytest.fixture
def financial_url(empty_store_url: str) -> str:
    """A store holding at least one row of each protected table."""
    from operational_app.domain import billing

    url = empty_store_url
    W.setup_business(url, 1)
    with write_session(url) as s:
        billing.issue_credit_note(s, "sec", credit_note_number="NC-1",
                                  invoice_number=W.INVOICES[0], issued_on="2025-03-05",
                                  subtotal="100.00", tax_amount="16.00", total="116.00")
        for number in ("PAY-1", "PAY-2"):
            billing.record_payment(s, "sec", payment_number=number, account_code=W.ACCOUNT,
                                   received_on="2025-03-10", amount="500.00", currency="MXN")
        billing.apply_payment(s, "sec", payment_number="PAY-1", invoice_number=W.INVOICES[0],
                              amount="200.00")
        billing.reverse_payment(s, "sec", reversal_number="REV-1", payment_number="PAY-2",
                                reversed_on="2025-03-12", reason="cheque devuelto")
        _add_lines(s)
    yield url
    dispose_engines()


def _add_lines(s) -> None:
    """One line under the invoice and one under the credit note (inserts are allowed)."""
    from decimal import Decimal

    from sqlalchemy import select

    from operational_app.store.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine

    line = {"line_number": 1, "kind": "fixed_fee", "description": "Renta mensual",
            "quantity": Decimal(1), "unit_price": Decimal("100"), "amount": Decimal("100.00"),
            "tax_amount": Decimal("16.00")}
    invoice = s.scalars(select(Invoice).where(Invoice.invoice_number == W.INVOICES[0])).one()
    note = s.scalars(select(CreditNote).where(CreditNote.credit_note_number == "NC-1")).one()
    s.add(InvoiceLine(invoice_id=invoice.id, **line))
    s.add(CreditNoteLine(credit_note_id=note.id, **line))
    _add_cfdi(s, invoice)
    s.flush()


def _add_cfdi(s, invoice) -> None:
    """A stamped CFDI of the invoice, a Pago link and a cancellation (inserts are allowed)."""
    from datetime import datetime
    from decimal import Decimal

    from sqlalchemy import select

    from operational_app.store.models import (
        CfdiCancellation,
        CfdiDocument,
        CfdiPayment,
        Payment,
    )

    at = datetime(2025, 3, 5, 10)
    doc = CfdiDocument(uuid="0" * 8 + "-0000-4000-8000-" + "0" * 12, cfdi_type="I",
                       version="4.0", issuer_rfc="SIM160301K55", receiver_rfc="XAXX010101000",
                       issued_at=at, stamped_at=at, currency="MXN", subtotal=Decimal(100),
                       tax_amount=Decimal(16), total=Decimal(116), invoice_id=invoice.id,
                       import_outcome="matched", file_name="F.xml", xml_sha256="0" * 64,
                       xml="<x/>")
    s.add(doc)
    s.flush()
    payment = s.scalars(select(Payment)).first()
    s.add(CfdiPayment(cfdi_document_id=doc.id, pago_number=1, payment_id=payment.id,
                      paid_at=at, import_outcome="matched"))
    s.add(CfdiCancellation(uuid=doc.uuid, issuer_rfc="SIM160301K55",
                           receiver_rfc="XAXX010101000", issued_at=at, amount=Decimal(116),
                           effect="I", cancelled_at=at, file_name="meta.txt"))


def _snapshot(url: str) -> dict[str, list]:
    with read_session(url) as s:
        return {t: [tuple(r) for r in s.execute(text(f"select * from {t} order by id"))]  # noqa: S608
                for t in PROTECTED}


def test_the_protected_tables_are_the_financial_ones() -> None:
    assert set(IMMUTABLE_TABLES) == set(PROTECTED)


def test_raw_sql_cannot_update_or_delete_financial_rows(financial_url: str) -> None:
    before = _snapshot(financial_url)
    assert all(before[t] for t in PROTECTED), {t: len(v) for t, v in before.items()}
    refused = []
    for table in PROTECTED:
        first = f"(select min(id) from {table})"  # noqa: S608 - the tables above
        for statement in (f"update {table} set {CHANGES[table]}",  # noqa: S608
                          f"update {table} set updated_at = updated_at where id = {first}",  # noqa: S608
                          f"delete from {table}",  # noqa: S608
                          f"delete from {table} where id = {first}"):  # noqa: S608
            with pytest.raises(DBAPIError, match="immutable"):
                with write_session(financial_url) as s:
                    s.execute(text(statement))
            refused.append(statement)
    assert len(refused) == 4 * len(PROTECTED)
    assert _snapshot(financial_url) == before


@pytest.mark.parametrize("empty_store_url", ["postgresql"], indirect=True)  # SQLite: no TRUNCATE
def test_raw_sql_cannot_truncate_financial_tables_on_postgresql(financial_url: str) -> None:
    """TRUNCATE skips row triggers: migration 0003's statement trigger refuses it."""
    before = _snapshot(financial_url)
    for table in PROTECTED:
        with pytest.raises(DBAPIError, match="immutable"):
            with write_session(financial_url) as s:
                s.execute(text(f"truncate {table} cascade"))
    assert _snapshot(financial_url) == before


def test_reversal_is_the_only_correction(financial_url: str) -> None:
    """The domain corrects by inserting reversing documents, never by changing a row."""
    from operational_app.domain import lookups

    with read_session(financial_url) as s:
        assert lookups.payment_unapplied_amount(s, "PAY-2") == 0  # reversed
        assert lookups.payment_unapplied_amount(s, "PAY-1") == 300
        open_amount = lookups.invoice_open_amount(s, W.INVOICES[0])
    assert open_amount == W.INVOICE_TOTAL - 116 - 200


# --------------------------------------------------------------------------- login


@pytest.fixture
def login_app(seiton_home, monkeypatch):
    from operational_app.domain import users
    from seiton.cli import main

    assert main(["init"]) == 0
    with write_session() as s:
        users.add_user(s, "test", username="vera", display_name="Vera Verificadora",
                       role="analyst", password="una-clave-muy-larga")
    slept: list[float] = []
    import types

    import seiton.webapp.auth as auth

    # the login's own clock: record its waits instead of sleeping (time.time stays real)
    fake = types.SimpleNamespace(time=time.time, sleep=slept.append)
    monkeypatch.setattr(auth, "time", fake)
    return slept


def _attempt(password: str, username: str = "vera"):
    from streamlit.testing.v1 import AppTest

    from seiton.config import PROJECT_ROOT

    at = AppTest.from_file(str(PROJECT_ROOT / "seiton" / "webapp" / "main.py"),
                           default_timeout=60).run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def test_failed_logins_wait_longer_each_time_and_success_resets(login_app) -> None:
    from operational_app.domain import users
    from operational_app.store.models import User

    slept = login_app
    for _ in range(4):
        at = _attempt("no-es-la-clave")
        assert "user" not in at.session_state
    assert slept == [1.0, 2.0, 4.0, 8.0]
    at = _attempt("una-clave-muy-larga")
    assert at.session_state["user"].username == "vera"
    with read_session() as s:
        user = s.query(User).filter_by(username="vera").one()
        assert user.failed_logins == 0 and users.login_delay_seconds(user) == 0
    # an unknown user name gives nothing away: same answer, no counter to grow
    slept.clear()
    at = _attempt("whatever-123", username="nadie")
    assert "user" not in at.session_state and slept == [0.0]


def test_session_lives_within_the_window_and_expires_after_it(login_app) -> None:
    from seiton.webapp import auth

    at = _attempt("una-clave-muy-larga")
    assert "user" in at.session_state
    at.session_state["last_seen"] = time.time() - (auth.SESSION_MINUTES - 1) * 60
    at.run()
    assert "user" in at.session_state  # still active: the clock restarts
    at.session_state["last_seen"] = time.time() - (auth.SESSION_MINUTES + 1) * 60
    at.run()
    assert "user" not in at.session_state
