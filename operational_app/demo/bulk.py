"""`generate` for the medium and large scales: the same business, written in bulk.

The domain-layer path (generator.py) writes ~700 operations a second: fine for `small`
(~46 k writes), hours for `medium` (~5 M meter readings). This module reuses the
generator's whole plan — the world (world.py), the dated timeline of every other write
(emit.py, service.py), the meter-read model (meters.py) and the month-by-month billing
(money.py) — and changes only how rows reach the database:

- meter readings, ~99 % of the rows, never go on the timeline: each month's readings are
  drawn per device (the same `DeviceReader`, so the same counters as the domain path) and
  inserted with one `executemany` per month, in one transaction, after that month's other
  writes (so every device they refer to is installed);
- the other writes still run through the domain functions (every rule checked), one
  transaction per simulated week, but their per-row audit is replaced by one audit row per
  batch and kind of write: who, what, how many (`action = 'bulk'`).

The result obeys the same rules as the domain path (tests/bench/test_bulk_rules.py): the
readings come from the same model the domain layer accepts for `small`.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import func, insert, select

from operational_app.demo import params as P
from operational_app.demo.calendar_utils import month_end, month_starts
from operational_app.demo.charges import Read
from operational_app.demo.emit import emit_world
from operational_app.demo.generator import (
    business_today,
    default_until,
    history_start,
    table_counts,
)
from operational_app.demo.meters import DeviceReader
from operational_app.demo.money import Billing
from operational_app.demo.service import emit_operation
from operational_app.demo.timeline import Executor, GenerationError, Timeline, _domain_function
from operational_app.domain import audit
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import read_session, write_session
from operational_app.store.migrate import upgrade
from operational_app.store.models import Account, AuditLog, Device, MeterReading, User, utcnow

BULK_ACTOR = "bulk-demo"
READ_COLUMNS = ("device_id", "read_on", "mono_counter", "color_counter", "source",
                "meter_reset", "created_at", "created_by", "updated_at")


@contextmanager
def _batched_audit(counter: Counter) -> Iterator[None]:
    """Count audit records instead of writing one row each (restored on exit)."""
    original = audit.record

    def count(session, username, action, entity, entity_key, before=None, after=None):
        counter[(username, action, entity)] += 1

    audit.record = count
    try:
        yield
    finally:
        audit.record = original


def _audit_rows(counter: Counter, batch: str) -> list[AuditLog]:
    now = utcnow()
    return [
        AuditLog(at=now, username=user, action="bulk", entity=entity,
                 entity_key=f"{batch}:{action}",
                 after_json=json.dumps({"action": action, "rows": n, "batch": batch,
                                        "by": BULK_ACTOR}, sort_keys=True),
                 updated_at=now)
        for (user, action, entity), n in sorted(counter.items())
    ]


class BulkExecutor(Executor):
    """The generator's executor with per-row audit replaced by one audit row per batch."""

    def _commit(self, batch) -> int:
        counter: Counter = Counter()
        first = batch[0].day
        with write_session(self.url) as session, _batched_audit(counter):
            for op in batch:
                fields = op.fields() if callable(op.fields) else op.fields
                fn = _domain_function(op.module, op.func)
                try:
                    fn(session, op.actor, **fields)
                except ValidationError as exc:
                    raise GenerationError(
                        f"{op.day} {op.module}.{op.func} as {op.actor} {fields!r}: {exc}"
                    ) from exc
                self.calls[f"{op.module}.{op.func}"] += 1
            session.add_all(_audit_rows(counter, f"week-{first.isoformat()}"))
        return len(batch)


def insert_readings(url: str, reads: dict[str, list[Read]], actor: str, batch: str,
                    device_ids: dict[str, int] | None = None) -> int:
    """Insert readings {serial: [Read]} in one transaction, plus one audit row."""
    now = utcnow()
    with write_session(url) as session:
        if device_ids is None:
            device_ids = {}
        missing = [s for s in reads if s not in device_ids]
        if missing:
            device_ids.update((serial, id_) for serial, id_ in
                              session.execute(select(Device.serial, Device.id)))
        rows = [
            (device_ids[serial], r.day, r.mono, r.color, r.source, r.reset, now, actor, now)
            for serial, month_reads in reads.items() for r in month_reads
        ]
        if not rows:
            return 0
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            # the DBAPI's executemany: ~10× SQLAlchemy's per-row parameter processing
            marks = ", ".join("?" * len(READ_COLUMNS))
            conn.exec_driver_sql(
                f"insert into meter_readings ({', '.join(READ_COLUMNS)}) values ({marks})",  # noqa: S608
                [(d, day.isoformat(), m, c, s, int(z), str(a), b, str(u))
                 for d, day, m, c, s, z, a, b, u in rows])
        else:
            conn.execute(insert(MeterReading.__table__),
                         [dict(zip(READ_COLUMNS, r, strict=True)) for r in rows])
        session.add(AuditLog(at=now, username=actor, action="bulk", entity="meter_readings",
                             entity_key=f"{batch}:create",
                             after_json=json.dumps({"action": "create", "rows": len(rows),
                                                    "batch": batch, "by": BULK_ACTOR}),
                             updated_at=now))
        return len(rows)


def generate(
    url: str,
    scale: str = "medium",
    seed: int = P.DEFAULT_SEED,
    until: date | None = None,
    progress: Callable[[str], object] | None = print,
) -> dict[str, int]:
    """The demo business of `scale` into the (empty) operational DB at `url`, in bulk."""
    if scale not in P.SCALES:
        raise ValueError(f"unknown scale {scale!r} (choose from {', '.join(P.SCALES)})")
    sc = P.SCALES[scale]
    today = business_today()
    until = until or default_until(today)
    if isinstance(until, datetime) or not isinstance(until, date):
        raise ValueError("until must be a date")
    if until > today:
        raise ValueError(f"until {until} is in the future (today is {today})")
    say = progress or (lambda _msg: None)
    started = time.perf_counter()

    upgrade(url)
    with read_session(url) as session:
        if session.scalar(select(func.count(Account.id))):
            raise RuntimeError("the operational DB already has accounts: generate the demo "
                               "into an empty database")
        existing_users = set(session.scalars(select(User.username)))

    start = history_start(until, sc.months)
    world = plan_world_cached(sc, seed, start, until)
    say(f"demo {scale} bulk (seed {seed}): {start} → {until}, {len(world.accounts)} accounts, "
        f"{len(world.contracts)} contracts, {len(world.devices)} devices planned")
    tl = Timeline()
    emit_world(tl, world, existing_users)
    emit_operation(tl, world)

    billing = Billing(world, tl)
    readers = {d.serial: DeviceReader(d, world.seed, world.scale.read_every_days)
               for d in world.devices}
    executor = BulkExecutor(url)
    device_ids: dict[str, int] = {}
    written = n_reads = 0
    for period in month_starts(world.start, world.until):
        end = month_end(period)
        reads: dict[str, list[Read]] = {}
        for serial, reader in readers.items():
            month_reads = reader.month(period, end, world.until)
            if month_reads:
                reads[serial] = month_reads
        billing.close_period(period, reads)
        written += executor.run(tl.pop_through(min(end, world.until)))
        n_reads += insert_readings(url, reads, P.ACTOR_OPERATION, f"reads-{period:%Y-%m}",
                                   device_ids)
        if period.month % 3 == 0 or end >= world.until:
            say(f"  {period:%Y-%m}: {written:,} domain writes, {n_reads:,} readings "
                f"({time.perf_counter() - started:.1f} s)")
    counts = table_counts(url)
    say(f"demo {scale} bulk: done in {time.perf_counter() - started:.1f} s — "
        f"{counts.get('meter_readings', 0):,} meter readings, "
        f"{counts.get('invoices', 0):,} invoices, {counts.get('tickets', 0):,} tickets")
    return counts


def plan_world_cached(sc, seed, start, until):
    from operational_app.demo.world import plan_world

    return plan_world(sc, seed, start, until)
