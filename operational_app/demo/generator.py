"""`generate`: write a deterministic Seiton business history through the domain layer.

Plan the whole business in Python (world.py), put every write on a dated timeline
(emit.py, service.py), then walk the history month by month: draw the month's meter
readings (meters.py), work out the month's charges and plan its invoices, payments and
collections (money.py), and run every write due by the month's end through the domain
functions — the same validation as the app — one transaction per simulated week.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from operational_app.demo import params as P
from operational_app.demo.billing_runs import Stories, bill_history, withhold
from operational_app.demo.calendar_utils import add_months, month_end, month_start, month_starts
from operational_app.demo.emit import emit_world
from operational_app.demo.meters import DeviceReader
from operational_app.demo.money import Billing
from operational_app.demo.service import emit_operation
from operational_app.demo.targets import change_targets
from operational_app.demo.timeline import P_READING, Executor, Timeline
from operational_app.demo.world import Read, World, plan_world
from operational_app.store.engine import get_engine, read_session
from operational_app.store.migrate import upgrade
from operational_app.store.models import Account, Base, User

BUSINESS_TZ = ZoneInfo("America/Mexico_City")


def business_today() -> date:
    return datetime.now(BUSINESS_TZ).date()


def default_until(today: date | None = None) -> date:
    """The last day of the previous month in America/Mexico_City."""
    return (today or business_today()).replace(day=1) - timedelta(days=1)


def history_start(until: date, months: int) -> date:
    """First day of the history: `months` calendar months ending with `until`'s month."""
    return add_months(month_start(until), -(months - 1))


def generate(
    url: str,
    scale: str = "small",
    seed: int = P.DEFAULT_SEED,
    until: date | None = None,
    progress: Callable[[str], object] | None = print,
) -> dict[str, int]:
    """Generate the demo business into the (empty) operational DB at `url`.

    Deterministic for a given (scale, seed, until). Returns the row count of every table
    after generation (the rows written, since the database starts empty).
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    world, tl = plan_timeline(url, scale, seed, until)
    say(f"demo {scale} (seed {seed}): {world.start} → {world.until}, "
        f"{len(world.accounts)} accounts, {len(world.contracts)} contracts, "
        f"{len(world.devices)} devices planned")
    run_history(url, world, tl, say, started)
    counts = table_counts(url)
    say(f"demo {scale}: done in {time.perf_counter() - started:.1f} s — "
        f"{counts.get('meter_readings', 0):,} meter readings, "
        f"{counts.get('invoices', 0):,} invoices, {counts.get('tickets', 0):,} tickets")
    return counts


def plan_timeline(url: str, scale: str, seed: int, until: date | None
                  ) -> tuple[World, Timeline]:
    """Check the arguments, migrate the store at `url` (which must hold no accounts) and plan
    the business: the world and the dated timeline of every write but the meter readings.
    Shared by this generator and the bulk one (bulk.py)."""
    if scale not in P.SCALES:
        raise ValueError(f"unknown scale {scale!r} (choose from {', '.join(P.SCALES)})")
    sc = P.SCALES[scale]
    today = business_today()
    until = until or default_until(today)
    if isinstance(until, datetime) or not isinstance(until, date):
        raise ValueError("until must be a date")
    if until > today:
        raise ValueError(f"until {until} is in the future (today is {today} in "
                         "America/Mexico_City)")
    upgrade(url)
    with read_session(url) as session:
        if session.scalar(select(func.count(Account.id))):
            raise RuntimeError("the operational DB already has accounts: generate the demo "
                               "into an empty database")
        existing_users = set(session.scalars(select(User.username)))
    world = plan_world(sc, seed, history_start(until, sc.months), until)
    tl = Timeline()
    emit_world(tl, world, existing_users)
    emit_operation(tl, world)
    return world, tl


def anomaly_days(readers: dict[str, DeviceReader]) -> Callable[[str], set[date]]:
    """The days of a device's anomalous reads (meters.py): never held back as late ones."""
    def days(serial: str) -> set[date]:
        found = readers[serial].anomalies or {}
        return {day for a in found.values() for day in (a.day, *a.held_days())}
    return days


def run_history(url: str, world: World, tl: Timeline, say: Callable[[str], object],
                started: float) -> None:
    """Phase A month by month, then the billing runs and the money (billing_runs.py)."""
    billing = Billing(world, tl)
    readers = {d.serial: DeviceReader(d, world.seed, world.scale.read_every_days)
               for d in world.devices}
    executor = Executor(url)
    stories = Stories()
    written = 0
    for period in month_starts(world.start, world.until):
        end = month_end(period)
        reads: dict[str, list[Read]] = {}
        for serial, reader in readers.items():
            month_reads = reader.month(period, end, world.until)
            if month_reads:
                reads[serial] = month_reads
        withhold(world, period, reads, anomaly_days(readers), stories)
        for serial, month_reads in reads.items():
            for r in month_reads:
                tl.add(r.day, P_READING, "billing", "record_meter_reading", P.ACTOR_OPERATION,
                       {"serial": serial, "read_on": r.day, "mono_counter": r.mono,
                        "color_counter": r.color, "source": r.source, "meter_reset": r.reset})
        billing.close_period(period)
        written += executor.run(tl.pop_through(min(end, world.until)))
        if period.month % 3 == 0 or end >= world.until:
            say(f"  {period:%Y-%m}: {written:,} writes so far "
                f"({time.perf_counter() - started:.1f} s)")
    bill_history(url, world, billing, lambda: executor.run(tl.pop_through(world.until)),
                 stories, say)
    change_targets(url, world.until)  # the director's quarterly review (targets.py)
    say(f"  billing: {stories.runs} runs, {len(stories.late_reads)} late readings, "
        f"{len(stories.excluded)} exclusions, {len(stories.adjusted_periods)} periods adjusted, "
        f"{len(stories.unadjusted_periods)} left to adjust "
        f"({time.perf_counter() - started:.1f} s)")
    if stories.cfdi is not None:
        c = stories.cfdi
        say(f"  cfdi: {c.stamped_invoices} invoices and {c.stamped_credit_notes} credit notes "
            f"stamped, {c.payment_receipts} payment receipts ({c.late_receipts} late), "
            f"{len(c.cancelled)} cancelled, {len(c.substituted)} substituted, "
            f"{len(c.unstamped)} not stamped yet")


def table_counts(url: str) -> dict[str, int]:
    engine = get_engine(url, write=False)
    counts = {}
    with engine.connect() as con:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = con.execute(select(func.count()).select_from(table)).scalar_one()
    return counts
