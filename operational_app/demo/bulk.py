"""`generate` for the medium and large scales: the same business, written in bulk.

The domain-layer path (generator.py) writes ~700 operations a second: fine for `small`
(~46 k writes), hours for `medium` (~5 M meter readings). This module reuses the
generator's whole plan — the world (world.py), the dated timeline of every other write
(emit.py, service.py), the meter-read model (meters.py), the billing runs and the money
(billing_runs.py, money.py) — and changes only how rows reach the database:

- meter readings, ~99 % of the rows, never go on the timeline: each month's readings are
  drawn per device (the same `DeviceReader`, so the same counters as the domain path) and
  inserted with one `executemany` per month, in one transaction, after that month's other
  writes (so every device they refer to is installed);
- the high-volume writes on the timeline — the operation stage's tickets (open, respond,
  pause, resume, resolve, close), maintenance plans and visits (schedule, complete),
  consumable requests and deliveries, monitoring events, and the billing documents
  (invoices, credit notes, payments, applications, reversals, collection actions): ~95 %
  of the other writes — run the same domain operations with the fast path's lookups and
  writer (bulk_ops.py): the lookups answer from in-memory mirrors of the rows instead of
  one SELECT each, the writer keeps each row and its audit row for the week and writes
  them by `executemany` before the week commits, with the ids the session path would give;
- the other writes (accounts, opportunities, contracts, installs and removals, renewals,
  exchange rates, the billing runs, …) run through the domain functions on the session, in
  timeline order, in the same transaction as the fast-path rows of their week (their audit
  rows join the fast path's buffer, in write order). `fast=False` sends every non-reading
  write through the session (the reference the fast path is tested against);
- every write of those two kinds has its own audit row, as on the domain path; only the
  meter readings, which bypass the domain layer, are audited by one row per month
  (`action = 'bulk'`: who, how many).

The result obeys the same rules as the domain path (tests/bench/test_bulk_rules.py): the
readings come from the same model the domain layer accepts for `small`; the fast path
writes the session path's rows and audit rows, row for row and id for id, and refuses what
it refuses, with the same message.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import insert, select

from operational_app.demo import params as P
from operational_app.demo.billing_runs import Stories, bill_history, withhold
from operational_app.demo.bulk_ops import FastOperations
from operational_app.demo.calendar_utils import month_end, month_starts
from operational_app.demo.generator import anomaly_days, plan_timeline, table_counts
from operational_app.demo.meters import DeviceReader
from operational_app.demo.money import Billing
from operational_app.demo.targets import change_targets
from operational_app.demo.timeline import Executor, GenerationError, _domain_function
from operational_app.demo.world import Read
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import write_session
from operational_app.store.models import AuditLog, Device, MeterReading, utcnow

BULK_ACTOR = "bulk-demo"
READ_COLUMNS = ("device_id", "read_on", "mono_counter", "color_counter", "source",
                "meter_reset", "created_at", "created_by", "updated_at")


class BulkExecutor(Executor):
    """The generator's executor, with the fast path for the high-volume calls.

    With `fast` (the default) the high-volume operation and billing calls run with
    `bulk_ops.FastOperations` as their lookups and writer (rows and audit rows written by
    executemany at the end of the week); every other call runs on the session as before.
    """

    def __init__(self, url: str, *, fast: bool = True) -> None:
        super().__init__(url)
        self.fast = FastOperations() if fast else None

    def _commit(self, batch) -> int:
        fast = self.fast
        with write_session(self.url) as session:
            if fast is not None:
                fast.begin(session)
            for op in batch:
                fields = op.fields() if callable(op.fields) else op.fields
                try:
                    if fast is not None and fast.handles(op.module, op.func):
                        fast.call(op.module, op.func, op.actor, fields)
                    else:
                        if fast is not None:
                            fast.before_domain(op.module, op.func)
                        _domain_function(op.module, op.func)(session, op.actor, **fields)
                        if fast is not None:
                            fast.after_domain(op.module, op.func)
                except ValidationError as exc:
                    raise GenerationError(
                        f"{op.day} {op.module}.{op.func} as {op.actor} {fields!r}: {exc}"
                    ) from exc
                self.calls[f"{op.module}.{op.func}"] += 1
            if fast is not None:
                fast.flush()
        if fast is not None:
            fast.committed()
        return len(batch)


@contextmanager
def _manual_gc() -> Iterator[None]:
    """Cyclic garbage collected by hand. Millions of objects live until the end (the plan)
    or for a month (the readings); automatic collections re-scanned them over and over
    (~15 % of medium's time). Restored on exit."""
    automatic = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if automatic:
            gc.enable()


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
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            # the DBAPI's executemany: ~10× SQLAlchemy's per-row parameter processing; the
            # stamp formatted once, as the DateTime column stores it
            stamp = MeterReading.__table__.c.created_at.type.dialect_impl(
                conn.dialect).bind_processor(conn.dialect)(now)
            rows: list = []
            for serial, month_reads in reads.items():
                device = device_ids[serial]
                rows.extend([(device, r.day.isoformat(), r.mono, r.color, r.source,
                              int(r.reset), stamp, actor, stamp) for r in month_reads])
            if not rows:
                return 0
            marks = ", ".join("?" * len(READ_COLUMNS))
            conn.exec_driver_sql(
                f"insert into meter_readings ({', '.join(READ_COLUMNS)}) values ({marks})",  # noqa: S608
                rows)
        else:
            rows = [dict(zip(READ_COLUMNS, (device_ids[serial], r.day, r.mono, r.color,
                                            r.source, r.reset, now, actor, now), strict=True))
                    for serial, month_reads in reads.items() for r in month_reads]
            if not rows:
                return 0
            conn.execute(insert(MeterReading.__table__), rows)
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
    *,
    fast: bool = True,
) -> dict[str, int]:
    """The demo business of `scale` into the (empty) operational DB at `url`, in bulk.

    `fast=False` sends the operation and billing writes through the domain functions too
    (the reference the fast path is tested against)."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    with _manual_gc():
        world, tl = plan_timeline(url, scale, seed, until)
        say(f"demo {scale} bulk (seed {seed}): {world.start} → {world.until}, "
            f"{len(world.accounts)} accounts, {len(world.contracts)} contracts, "
            f"{len(world.devices)} devices planned")
        billing = Billing(world, tl)
        readers = {d.serial: DeviceReader(d, world.seed, world.scale.read_every_days)
                   for d in world.devices}
        executor = BulkExecutor(url, fast=fast)
        stories = Stories()
        device_ids: dict[str, int] = {}
        written = n_reads = 0
        gc.collect()
        gc.freeze()  # the plan lives until the end: out of the collector's sight
        for period in month_starts(world.start, world.until):
            end = month_end(period)
            reads: dict[str, list[Read]] = {}
            for serial, reader in readers.items():
                month_reads = reader.month(period, end, world.until)
                if month_reads:
                    reads[serial] = month_reads
            withhold(world, period, reads, anomaly_days(readers), stories)
            billing.close_period(period)
            written += executor.run(tl.pop_through(min(end, world.until)))
            n_reads += insert_readings(url, reads, P.ACTOR_OPERATION,
                                       f"reads-{period:%Y-%m}", device_ids)
            del reads
            gc.collect()
            gc.freeze()  # what outlives the month (mirrors, meters) is not re-scanned
            if period.month % 3 == 0 or end >= world.until:
                say(f"  {period:%Y-%m}: {written:,} writes, {n_reads:,} readings "
                    f"({time.perf_counter() - started:.1f} s)")

        def run_ops() -> int:
            if executor.fast is not None:
                executor.fast._stale = True  # noqa: SLF001 - the runs wrote invoices
            return executor.run(tl.pop_through(world.until))

        bill_history(url, world, billing, run_ops, stories, say)
        change_targets(url, world.until)
        say(f"  billing: {stories.runs} runs, {len(stories.late_reads)} late readings, "
            f"{len(stories.adjusted_periods)} periods adjusted "
            f"({time.perf_counter() - started:.1f} s)")
        if stories.cfdi is not None:
            c = stories.cfdi
            say(f"  cfdi: {c.stamped_invoices} invoices and {c.stamped_credit_notes} credit notes "
                f"stamped, {c.payment_receipts} payment receipts ({c.late_receipts} late), "
                f"{len(c.cancelled)} cancelled, {len(c.substituted)} substituted, "
                f"{len(c.unstamped)} not stamped yet")
    counts = table_counts(url)
    say(f"demo {scale} bulk: done in {time.perf_counter() - started:.1f} s — "
        f"{counts.get('meter_readings', 0):,} meter readings, "
        f"{counts.get('invoices', 0):,} invoices, {counts.get('tickets', 0):,} tickets")
    return counts

