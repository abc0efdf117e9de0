"""Scenario: concurrent entry (docs/quality-targets.md, reliability 4; docs/reliability.md).

8 writer processes × 200 transactions through the domain layer (meter readings, tickets,
payments applied to two shared invoices, ticket responses), on SQLite and on PostgreSQL:
every transaction committed exactly once, no exception reached a writer, the shared
invoices' balances are exact, and the audit log holds one row per write.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from operational_app.store.engine import dispose_engines, read_session
from operational_app.store.models import (
    AuditLog,
    Invoice,
    MeterReading,
    Payment,
    PaymentApplication,
    Ticket,
)
from tests.reliability import writers as W
from tests.reliability.conftest import count

pytestmark = [pytest.mark.e2e, pytest.mark.stress]

WRITERS = 8
TRANSACTIONS = count(200, 1000)


@pytest.fixture
def store_url(empty_store_url: str) -> str:
    W.setup_business(empty_store_url, WRITERS)
    dispose_engines()
    return empty_store_url


def test_eight_writers_commit_every_transaction_once(store_url: str, figures) -> None:
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=W.writer, args=(store_url, w, TRANSACTIONS, start, out))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    time.sleep(3.0)  # let every process import and connect before the start signal
    t = time.perf_counter()
    start.set()
    reports = W.collect(procs, out, timeout=1800)
    elapsed = time.perf_counter() - t

    errors = [e for r in reports for e in r["errors"]]
    latencies = sorted(x for r in reports for x in r["latencies"])
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    backend = store_url.split(":", 1)[0].split("+", 1)[0]
    exp = W.expected(WRITERS, TRANSACTIONS)
    figures(backend=backend, writers=WRITERS, transactions=WRITERS * TRANSACTIONS,
            committed=sum(r["committed"] for r in reports), errors=len(errors),
            seconds=round(elapsed, 1),
            tx_per_s=round(WRITERS * TRANSACTIONS / elapsed, 1),
            latency_median_ms=round(1000 * statistics.median(latencies), 1),
            latency_p95_ms=round(1000 * p95, 1), latency_max_ms=round(1000 * latencies[-1], 1),
            over_1s=sum(x > 1 for x in latencies), over_10s=sum(x > 10 for x in latencies))
    assert errors == [], "\n".join(errors[:5])
    assert sum(r["committed"] for r in reports) == WRITERS * TRANSACTIONS

    with read_session(store_url) as s:
        def n(model, *where) -> int:
            return s.scalar(select(func.count()).select_from(model).where(*where))

        assert n(MeterReading) == exp["meter_readings"]
        assert n(Ticket, Ticket.ticket_number.like("CE-T-%")) == exp["tickets"]
        assert n(Ticket, Ticket.first_response_at.is_not(None)) == exp["responses"]
        assert n(Payment, Payment.payment_number.like("CE-P-%")) == exp["payments"]
        assert n(PaymentApplication) == exp["payment_applications"]
        # exactly once: one row per business key (the keys are unique, the count is exact)
        keys = s.scalars(select(Payment.payment_number)).all()
        assert len(keys) == len(set(keys)) == exp["payments"]
        # the shared invoices' balances: every application counted once
        from operational_app.domain import lookups

        applied = Decimal(0)
        for number in W.INVOICES:
            inv = s.scalars(select(Invoice).where(Invoice.invoice_number == number)).one()
            applied += W.INVOICE_TOTAL - lookups.open_amount(s, inv)
        assert applied == W.APPLIED * exp["payment_applications"]
        # the audit log: one row per write, by the writer that made it
        for w in range(WRITERS):
            actor = f"writer-{w:02d}"
            assert n(AuditLog, AuditLog.username == actor) == exp["audit_per_writer"], actor
        by_entity = dict(s.execute(
            select(AuditLog.entity, func.count()).where(AuditLog.username.like("writer-%"))
            .group_by(AuditLog.entity)).all())
    assert by_entity == {
        "meter_readings": exp["meter_readings"], "tickets": exp["tickets"] + exp["responses"],
        "payments": exp["payments"], "payment_applications": exp["payment_applications"],
    }
    dispose_engines()
