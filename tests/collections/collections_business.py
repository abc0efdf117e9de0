"""A tiny receivables business, written through the domain layer and refreshed through the
real pipeline (load → dbt build → publish) once per session, shared read-only by the
collections tests. docs/collections.md walks through the same figures.

As of 2026-03-01 (days past due in brackets):
  F-OLD   ACME  3,480.00 due 2025-10-31 [121, 120+]
  F-005   ACME 11,600.00 due 2026-01-31 [29, 1-30]  (worked example 5: 5,000.00 paid 03-10)
  F-B1    BETA  2,320.00 − 1,000.00 (P-SPLIT) due 01-05 + 45 days = 02-19 [10, 1-30]
  F-B2    BETA    580.00 −   400.00 (P-SPLIT) due 2026-01-20 [40, 31-60]
  F-TERMS ACME  1,160.00 due 02-01 + 30 days = 03-03 [−2, current]
  F-USD   GLOBO   116.00 USD × 18.50 (01-30, the Friday before its Sunday issue) [−2]
  F-REV   BETA  1,160.00 paid 02-25 by P-BOUNCE, reversed 03-01 [1, 1-30]
  F-CN    ACME  2,320.00, credit note 232.00 on 03-05 (after the date) [9, 1-30]
  F-AFTER ACME    580.00 issued 03-02: not yet listed
Customer credit: P-SPLIT 100.00 (BETA), P-CREDIT 500.00 (ACME, unapplied).
"""

from __future__ import annotations

from pathlib import Path

ACTOR = "tester"


def run_cli(*args: str) -> None:
    from seiton.cli import main

    code = main(list(args))
    assert code == 0, f"seiton {' '.join(args)} exited {code}"


def write_tiny_business() -> None:
    from operational_app.domain import billing, formalization, sales
    from operational_app.store.engine import write_session

    with write_session() as s:
        sales.create_account(s, ACTOR, account_code="ACME", name="Acme SA de CV", tax_rate="0.16")
        sales.create_account(s, ACTOR, account_code="BETA", name="Beta Servicios", tax_rate="0.16")
        sales.create_account(s, ACTOR, account_code="GLOBO", name="Globo Inc", tax_rate="0.16")
        for number, account, start, currency, terms in (
            ("C-OLD", "ACME", "2025-06-01", "MXN", 30),
            ("C-A", "ACME", "2025-12-01", "MXN", 30),
            ("C-B", "BETA", "2025-12-01", "MXN", 45),
            ("C-G", "GLOBO", "2025-12-01", "USD", 30),
        ):
            formalization.create_contract(
                s, ACTOR, contract_number=number, account_code=account, start_date=start,
                end_date="2027-05-31", currency=currency, payment_terms_days=terms,
                activated_on=start)
            formalization.add_price_plan(
                s, ACTOR, contract_number=number, effective_from=start, fixed_monthly_fee="1000.00",
                included_mono_pages=0, included_color_pages=0, mono_rate="0", color_rate="0")
        # a rate since before the first contract (other marts convert from then on)
        billing.set_fx_rate(s, ACTOR, rate_date="2025-05-29", currency="USD", mxn_per_unit="18.000000")
        billing.set_fx_rate(s, ACTOR, rate_date="2026-01-30", currency="USD", mxn_per_unit="18.500000")
        billing.set_fx_rate(s, ACTOR, rate_date="2026-02-02", currency="USD", mxn_per_unit="19.000000")

    with write_session() as s:
        for number, contract, period, issued, due, sub, tax, total, currency in (
            ("F-OLD", "C-OLD", "2025-09-01", "2025-10-01", "2025-10-31", "3000.00", "480.00", "3480.00", "MXN"),
            ("F-005", "C-A", "2025-12-01", "2026-01-01", "2026-01-31", "10000.00", "1600.00", "11600.00", "MXN"),
            ("F-B1", "C-B", "2025-12-01", "2026-01-05", None, "2000.00", "320.00", "2320.00", "MXN"),
            ("F-B2", "C-B", "2026-01-01", "2026-01-10", "2026-01-20", "500.00", "80.00", "580.00", "MXN"),
            ("F-TERMS", "C-A", "2026-01-01", "2026-02-01", None, "1000.00", "160.00", "1160.00", "MXN"),
            ("F-USD", "C-G", "2026-01-01", "2026-02-01", None, "100.00", "16.00", "116.00", "USD"),
            ("F-REV", "C-B", "2026-02-01", "2026-02-01", "2026-02-28", "1000.00", "160.00", "1160.00", "MXN"),
            ("F-CN", "C-A", "2026-02-01", "2026-02-15", "2026-02-20", "2000.00", "320.00", "2320.00", "MXN"),
            ("F-AFTER", "C-A", "2026-03-01", "2026-03-02", None, "500.00", "80.00", "580.00", "MXN"),
        ):
            billing.issue_invoice(s, ACTOR, invoice_number=number, contract_number=contract,
                                  period_start=period, issued_on=issued, due_on=due,
                                  subtotal=sub, tax_amount=tax, total=total, currency=currency)
        billing.issue_credit_note(s, ACTOR, credit_note_number="NC-1", invoice_number="F-CN",
                                  issued_on="2026-03-05", subtotal="200.00", tax_amount="32.00",
                                  total="232.00", reason="Ajuste de precio")

    with write_session() as s:
        for number, account, received, amount in (
            ("P-SPLIT", "BETA", "2026-02-10", "1500.00"),
            ("P-BOUNCE", "BETA", "2026-02-25", "1160.00"),
            ("P-CREDIT", "ACME", "2026-02-27", "500.00"),
            ("P-5000", "ACME", "2026-03-10", "5000.00"),
        ):
            billing.record_payment(s, ACTOR, payment_number=number, account_code=account,
                                   received_on=received, amount=amount, currency="MXN",
                                   method="transferencia")
        for payment, invoice, amount in (
            ("P-SPLIT", "F-B1", "1000.00"),
            ("P-SPLIT", "F-B2", "400.00"),
            ("P-BOUNCE", "F-REV", "1160.00"),
            ("P-5000", "F-005", "5000.00"),
        ):
            billing.apply_payment(s, ACTOR, payment_number=payment, invoice_number=invoice,
                                  amount=amount)

    with write_session() as s:
        billing.reverse_payment(s, ACTOR, reversal_number="REV-1", payment_number="P-BOUNCE",
                                reversed_on="2026-03-01", reason="Cheque devuelto")
        billing.record_collection_action(s, ACTOR, invoice_number="F-OLD", action_type="escalation",
                                         action_on="2026-01-15", notes="Escalado a jurídico")
        billing.record_collection_action(s, ACTOR, invoice_number="F-005", action_type="call",
                                         action_on="2026-02-05")
        billing.record_collection_action(s, ACTOR, invoice_number="F-005",
                                         action_type="promise_to_pay", action_on="2026-02-20",
                                         promised_on="2026-03-10", promised_amount="5000.00")


def published(home: Path) -> Path:
    return home / "warehouse.published.duckdb"
