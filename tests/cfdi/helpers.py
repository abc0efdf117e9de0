"""A posted invoice with lines, as the billing run posts it (series, folio, origin
billing_run, line taxes by domain/taxes.py), written through audited inserts into the real
tables — until the billing run lands, the CFDI tests make their own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from operational_app.domain import writes
from operational_app.domain.lookups import find_contract
from operational_app.domain.taxes import allocate_line_taxes, document_tax
from operational_app.store.models import (
    Account,
    Contract,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
)

ACTOR = "tester"

# (kind, description, quantity, unit_price, amount)
LineSpec = tuple[str, str, str, str, str]


def _lines(specs: Sequence[LineSpec], rate: Decimal) -> tuple[list[dict], Decimal, Decimal]:
    amounts = [Decimal(s[4]) for s in specs]
    subtotal = sum(amounts, Decimal("0.00"))
    tax = document_tax(subtotal, rate)
    taxes = allocate_line_taxes(amounts, rate, tax)
    rows = [{"line_number": n, "kind": s[0], "description": s[1], "quantity": Decimal(s[2]),
             "unit_price": Decimal(s[3]), "amount": Decimal(s[4]), "tax_amount": t,
             "is_estimated": False}
            for n, (s, t) in enumerate(zip(specs, taxes, strict=True), start=1)]
    return rows, subtotal, tax


def post_invoice(session: Session, *, series: str = "F", folio: int = 1,
                 contract_number: str = "C1", period_start: date = date(2026, 2, 1),
                 issued_on: date = date(2026, 3, 2), specs: Sequence[LineSpec] = (
                     ("fixed_fee", "Renta mensual, febrero de 2026", "1", "2500", "2500.00"),),
                 exchange_rate: Decimal | None = None) -> Invoice:
    contract = find_contract(session, contract_number)
    account = session.get(Account, contract.account_id)
    rows, subtotal, tax = _lines(specs, account.tax_rate)
    number = f"{series}{folio}"
    invoice = writes.insert(session, ACTOR, Invoice(
        invoice_number=number, contract_id=contract.id, period_start=period_start,
        issued_on=issued_on, subtotal=subtotal, tax_amount=tax, total=subtotal + tax,
        currency=contract.currency, series=series, folio=folio, origin="billing_run",
        exchange_rate=exchange_rate), number, "invoice_number")
    for row in rows:
        writes.insert(session, ACTOR, InvoiceLine(invoice_id=invoice.id, **row),
                      f"{number}:{row['line_number']}", "lines")
    return invoice


def post_credit_note(session: Session, invoice: Invoice, *, series: str = "NC", folio: int = 1,
                     issued_on: date = date(2026, 3, 20),
                     specs: Sequence[LineSpec] = (
                         ("adjustment", "Ajuste por lectura corregida", "1", "100", "100.00"),),
                     ) -> CreditNote:
    contract = session.get(Contract, invoice.contract_id)
    account = session.get(Account, contract.account_id)
    rows, subtotal, tax = _lines(specs, account.tax_rate)
    number = f"{series}{folio}"
    note = writes.insert(session, ACTOR, CreditNote(
        credit_note_number=number, invoice_id=invoice.id, issued_on=issued_on,
        subtotal=subtotal, tax_amount=tax, total=subtotal + tax, series=series, folio=folio,
        origin="billing_run"), number, "credit_note_number")
    for row in rows:
        writes.insert(session, ACTOR, CreditNoteLine(credit_note_id=note.id, **row),
                      f"{number}:{row['line_number']}", "lines")
    return note
