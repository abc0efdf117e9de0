"""Concurrent entry: the business the writers share, and one writer process's work.

Every writer process runs `n` transactions through the domain layer, in turn:
  0. a meter reading on its own device (dates in order);
  1. a ticket on the shared contract;
  2. a payment of the shared account, applied in part to one of two shared invoices
     (two writes in one transaction; the invoices' row locks are contended);
  3. the first response to the ticket it opened in step 1 (an update).
Each transaction is one `write_session`; the writer reports what committed and every
exception that reached it (none may: a lock must be waited for, not surfaced).
"""

from __future__ import annotations

import time
import traceback
from datetime import date, datetime, timedelta
from decimal import Decimal

ACCOUNT = "CE-ACC"
CONTRACT = "CE-CTR"
INVOICES = ("CE-INV-1", "CE-INV-2")
INVOICE_TOTAL = Decimal("1000000.00")
PAYMENT = Decimal("100.00")
APPLIED = Decimal("60.00")
DAY0 = date(2025, 1, 10)


def device(w: int) -> str:
    return f"CE-DEV-{w:02d}"


def setup_business(url: str, writers: int) -> None:
    from operational_app.domain import billing, formalization, implementation, sales
    from operational_app.store.engine import write_session

    actor = "setup"
    with write_session(url) as s:
        sales.create_account(s, actor, account_code=ACCOUNT, name="Concurrencia S.A.",
                             tax_rate="0.16")
        formalization.create_contract(s, actor, contract_number=CONTRACT, account_code=ACCOUNT,
                                      start_date="2025-01-01", end_date="2027-12-31",
                                      currency="MXN", payment_terms_days=30)
        formalization.add_price_plan(s, actor, contract_number=CONTRACT,
                                     effective_from="2025-01-01", fixed_monthly_fee="2500.00",
                                     included_mono_pages=5000, included_color_pages=1000,
                                     mono_rate="0.12", color_rate="1.10")
        for step in formalization.REQUIRED_STEPS:
            formalization.decide_formalization_step(s, actor, contract_number=CONTRACT,
                                                    step=step, decision="approved",
                                                    decided_on="2025-01-03")
        formalization.activate_contract(s, actor, contract_number=CONTRACT,
                                        activated_on="2025-01-05")
        for w in range(writers):
            implementation.install_device(s, actor, serial=device(w), contract_number=CONTRACT,
                                          installed_on=DAY0, install_mono_counter=0,
                                          install_color_counter=0)
        subtotal = (INVOICE_TOTAL / Decimal("1.16")).quantize(Decimal("0.01"))
        for k, number in enumerate(INVOICES):
            billing.issue_invoice(s, actor, invoice_number=number, contract_number=CONTRACT,
                                  period_start=f"2025-0{2 + k}-01", issued_on=f"2025-0{3 + k}-01",
                                  subtotal=subtotal, tax_amount=INVOICE_TOTAL - subtotal,
                                  total=INVOICE_TOTAL, currency="MXN")


def expected(writers: int, n: int) -> dict[str, int]:
    per = {k: sum(1 for i in range(n) if i % 4 == k) for k in range(4)}
    return {
        "meter_readings": writers * per[0],
        "tickets": writers * per[1],
        "payments": writers * per[2],
        "payment_applications": writers * per[2],
        "responses": writers * min(per[1], per[3]),
        "audit_per_writer": per[0] + per[1] + 2 * per[2] + min(per[1], per[3]),
    }


def _transaction(url: str, actor: str, w: int, i: int) -> None:
    from operational_app.domain import billing, operation
    from operational_app.store.engine import write_session

    kind = i % 4
    with write_session(url) as s:
        if kind == 0:
            day = DAY0 + timedelta(days=1 + i // 4)
            billing.record_meter_reading(s, actor, serial=device(w), read_on=day,
                                         mono_counter=100 * (i + 1), color_counter=10 * (i + 1))
        elif kind == 1:
            opened = datetime(2025, 6, 1, 9) + timedelta(minutes=i)
            operation.open_ticket(s, actor, ticket_number=f"CE-T-{w}-{i}",
                                  contract_number=CONTRACT, ticket_type="request",
                                  opened_at=opened, description=f"writer {w} tx {i}")
        elif kind == 2:
            number = f"CE-P-{w}-{i}"
            billing.record_payment(s, actor, payment_number=number, account_code=ACCOUNT,
                                   received_on="2025-06-15", amount=PAYMENT, currency="MXN")
            billing.apply_payment(s, actor, payment_number=number,
                                  invoice_number=INVOICES[(w + i) % 2], amount=APPLIED)
        else:
            opened = datetime(2025, 6, 1, 9) + timedelta(minutes=i - 2)
            operation.respond_ticket(s, actor, ticket_number=f"CE-T-{w}-{i - 2}",
                                     first_response_at=opened + timedelta(minutes=30))


def writer(url: str, w: int, n: int, start, out) -> None:
    """Process body: wait for the start signal, run `n` transactions, report."""
    from sqlalchemy import text

    from operational_app.domain import billing, operation  # noqa: F401 - imported before timing
    from operational_app.store.engine import dispose_engines, read_session

    dispose_engines()
    with read_session(url) as s:  # connect before the start signal
        s.execute(text("select 1"))
    actor = f"writer-{w:02d}"
    committed, errors, latencies = 0, [], []
    start.wait(120)
    for i in range(n):
        t = time.perf_counter()
        try:
            _transaction(url, actor, w, i)
            committed += 1
        except Exception as exc:  # noqa: BLE001 - every error that reaches a user is a finding
            errors.append(f"tx {i}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                          + ("" if len(errors) > 3 else "\n" + traceback.format_exc()[-800:]))
        latencies.append(time.perf_counter() - t)
    dispose_engines()
    out.put({"writer": w, "committed": committed, "errors": errors, "latencies": latencies})


def collect(procs, out, timeout: float) -> list[dict]:
    """Every writer's report; fails fast, with its exit code, if one died without one."""
    import queue

    reports: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(reports) < len(procs):
        try:
            reports.append(out.get(timeout=2))
            continue
        except queue.Empty:
            pass
        dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
        if dead:
            raise AssertionError(f"a writer process died without reporting (exit {dead})")
        if all(p.exitcode == 0 for p in procs) and out.empty() and len(reports) < len(procs):
            time.sleep(1)
            if out.empty():
                raise AssertionError("writers exited without reporting")
        if time.monotonic() > deadline:
            raise AssertionError(f"writers still running after {timeout} s")
    for p in procs:
        p.join(60)
    return reports
