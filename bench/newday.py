"""One new business day of activity appended to an operational DB (the incremental case).

Readings go through the bulk path (operational_app/demo/bulk.py: one executemany, one audit
row); the day's tickets and payments (a few dozen) through the domain layer, as the app
would write them. Deterministic for a given database and seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import text

from operational_app.demo.bulk import insert_readings
from operational_app.demo.world import Read
from operational_app.store.engine import read_session, write_session

TICKETS_PER_1000_DEVICES = 4
PAYMENTS_PER_100_ACCOUNTS = 3


def append_day(url: str, seed: int = 7) -> dict[str, int]:
    from operational_app.domain import billing, operation

    rng = random.Random(f"{seed}:newday")
    with read_session(url) as s:
        last_day = s.execute(text("select max(read_on) from meter_readings")).scalar_one()
        day = (date.fromisoformat(last_day) if isinstance(last_day, str) else last_day) \
            + timedelta(days=1)
        latest = s.execute(text(
            "select d.serial, d.is_color, r.mono_counter, r.color_counter, c.contract_number "
            "from devices d join contracts c on c.id = d.contract_id "
            "join (select device_id, max(read_on) as read_on from meter_readings "
            "      where deleted_at is null group by device_id) m on m.device_id = d.id "
            "join meter_readings r on r.device_id = d.id and r.read_on = m.read_on "
            "     and r.deleted_at is null "
            "where d.removed_on is null and d.installed_on < :day "
            "order by d.serial, r.meter_reset"), {"day": day.isoformat()}).all()
        accounts = s.execute(text(
            "select a.account_code, min(c.currency) from accounts a "
            "join contracts c on c.account_id = a.id group by a.account_code "
            "order by a.account_code")).all()
    reads: dict[str, list[Read]] = {}
    for serial, is_color, mono, color, _contract in latest:
        reads[serial] = [Read(day, mono + rng.randint(50, 900),
                              color + (rng.randint(10, 300) if is_color else 0), False, "agent")]
    n_reads = insert_readings(url, reads, "operacion", f"newday-{day}")

    contracts = sorted({(row[0], row[4]) for row in latest})
    n_tickets = max(1, len(latest) * TICKETS_PER_1000_DEVICES // 1000)
    n_payments = max(1, len(accounts) * PAYMENTS_PER_100_ACCOUNTS // 100)
    with write_session(url) as s:
        for i in range(n_tickets):
            serial, contract = rng.choice(contracts)
            operation.open_ticket(
                s, "operacion", ticket_number=f"TK-ND-{day:%Y%m%d}-{i:04d}",
                contract_number=contract, ticket_type="corrective",
                opened_at=datetime.combine(day, time(9 + i % 8, 15)), priority="medium",
                serial=serial, description="Atasco de papel (día nuevo del benchmark)")
        for i in range(n_payments):
            code, currency = rng.choice(accounts)
            billing.record_payment(
                s, "finanzas_op", payment_number=f"PAY-ND-{day:%Y%m%d}-{i:04d}",
                account_code=code, received_on=day,
                amount=Decimal(rng.randint(1_000, 90_000)).quantize(Decimal("0.01")),
                currency=currency, method="transferencia")
    return {"day": day.toordinal(), "meter_readings": n_reads, "tickets": n_tickets,
            "payments": n_payments}
