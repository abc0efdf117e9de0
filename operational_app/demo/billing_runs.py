"""The demo's invoices come from the billing run (docs/billing-run.md, docs/demo-generator.md).

The history is written in three phases, so the reconciliation stories have real causes:

A. the business without the run's invoices (generator.py / bulk.py): readings, tickets,
   contracts, … and what finance types by hand in the ERP (money.py). A few agent readings
   of the last days of a month are held back: they are uploaded late (`withhold`).
B. the warehouse is refreshed and finance runs `bill PERIOD --post` for every month, a few
   days after it ends, leaving some contracts out with a reason (→ `not_invoiced`) and
   giving a few drafts a late issue date. Then the held-back readings arrive as late manual
   readings, the warehouse is refreshed again, and finance re-runs the older changed
   periods (→ adjustment invoices and credit notes, `matched`); the most recent ones are
   left for later (→ `under_billed` / `over_billed`). A posted invoice typed again by hand
   in the ERP is a duplicate (→ `over_billed`, one of them credited later).
C. customers pay the posted invoices with their habits and finance chases the late ones
   (money.py), through the same timeline and executor as phase A.
D. the invoices and credit notes are stamped by a simulated PAC and imported, the payments
   to PPD invoices get their CFDI de pago (a few late), and a few invoices are cancelled —
   half of them substituted — through the SAT's metadata (cfdi_story.py).

The runs go through operational_app/domain/billing_run.py — the same code as `seiton bill`;
the bulk path only swaps the per-row audit for one row per batch.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from operational_app.demo import cfdi_story
from operational_app.demo import params as P
from operational_app.demo.calendar_utils import month_end, month_starts
from operational_app.demo.money import Billing, InvoicePlan
from operational_app.demo.timeline import GenerationError
from operational_app.demo.workhours import business_day_on_or_after as workday
from operational_app.demo.world import Read, World
from operational_app.domain import billing, billing_run
from operational_app.domain import settings as app_settings
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import Contract, CreditNote, Invoice

LATE_WINDOW_DAYS = 12  # the readings of a month's last days that arrive late
EXCLUSION_REASONS = (
    "Cliente en disputa por el servicio del mes: facturar cuando se resuelva",
    "Orden de compra del cliente vencida: se factura al recibir la nueva",
    "Dirección autorizó no facturar el mes por la falla prolongada del equipo",
)



@dataclass
class Stories:
    """What the demo planted through the run, for the progress line and the tests."""

    late_reads: list[tuple[str, Read]] = field(default_factory=list)
    excluded: list[tuple[str, date]] = field(default_factory=list)
    adjusted_periods: list[date] = field(default_factory=list)
    unadjusted_periods: list[date] = field(default_factory=list)
    runs: int = 0
    cfdi: cfdi_story.Story | None = None


def withhold(world: World, period: date, reads: dict[str, list[Read]], anomalies: Callable[
        [str], set[date]], stories: Stories) -> None:
    """Take out of `reads` the agent readings of the month's last days for a few devices:
    they reach the system after the month was invoiced (phase B)."""
    end = month_end(period)
    months = world.scale.months
    first_ok = month_starts(world.start, world.until)[min(3, months - 1)]
    if period < first_ok or end > world.until - timedelta(days=62):
        return
    from operational_app.demo.meters import _clear  # the device's weekly reads all exist

    devices = {d.serial: d for d in world.devices}
    for serial in sorted(reads):
        rng = random.Random(f"{world.seed}:late:{serial}:{period}")
        if rng.random() >= P.LATE_READ_P:
            continue
        if not _clear(devices[serial], period, end):
            continue
        held = anomalies(serial)
        late = [r for r in reads[serial] if r.day > end - timedelta(days=LATE_WINDOW_DAYS)
                and r.source == "agent" and not r.reset and r.day not in held]
        if not late or len(late) == len(reads[serial]):
            continue
        reads[serial] = [r for r in reads[serial] if r not in late]
        stories.late_reads += [(serial, Read(r.day, r.mono, r.color, False, "manual"))
                               for r in late]


def demo_settings(url: str):
    """Where the demo's warehouse lives: SEITON_HOME's when generating into its DB (the
    next `seiton refresh` continues from it), else beside the SQLite file (tests)."""

    from seiton.config import Settings, load_settings

    current = load_settings()
    if url == current.operational_url:
        return current
    if url.startswith("sqlite:///"):
        db = Path(url.removeprefix("sqlite:///")).resolve()
        home = db.parent / f"{db.stem}-demo-warehouse"
    else:
        home = Path(tempfile.mkdtemp(prefix="seiton-demo-warehouse-"))
    home.mkdir(parents=True, exist_ok=True)
    return Settings(home=home, operational_url=url, build_warehouse=home / "warehouse.duckdb",
                    published_warehouse=home / "warehouse.published.duckdb",
                    refresh_minutes=0, demo_mode=False)


def _refresh(settings, say: Callable[[str], object]) -> None:
    from seiton.warehouse.refresh import refresh

    # only the charges: the demo's final `seiton refresh` builds (and tests) everything
    refresh(settings, lambda _msg: None, quiet_dbt=True,
            only=("fct_billing_charges", "fct_billing_charge_lines"))
    say("  warehouse refreshed for the billing run")


def _clamp(day: date, until: date) -> date:
    day = workday(day)
    return day if day <= until else until


def bill_history(url: str, world: World, billing_: Billing, run_ops: Callable[[], int],
                 stories: Stories, say: Callable[[str], object]) -> Stories:
    """Phases B and C (module docstring). `run_ops` executes the timeline through the
    history's end."""
    settings = demo_settings(url)
    until = world.until
    rng = random.Random(f"{world.seed}:billing-run")
    with write_session(url) as session:  # the company's series, set once by the administrator
        app_settings.set_setting(session, P.ACTOR_SYSTEM_ADMIN, key="invoice_series",
                                 value="F")
        app_settings.set_setting(session, P.ACTOR_SYSTEM_ADMIN, key="credit_note_series",
                                 value="NC")
    _refresh(settings, say)
    periods = []
    issue_of: dict[date, date] = {}
    for period in month_starts(world.start, until):
        issued = billing_.issue_day(month_end(period))
        if issued <= until:
            periods.append(period)
            issue_of[period] = issued
    first = {p: billing_run.read_charges(settings.published_warehouse, p) for p in periods}

    # exclusions: a few charged contract-months finance decided not to invoice (yet)
    candidates = sorted((n, p) for p in periods for n in first[p])
    want = max(2, round(len(candidates) * P.INVOICE_SKIPPED_P))
    early = [k for k in candidates if k[1] < periods[-1] - timedelta(days=60)]
    picks = set(rng.sample(early, min(want, len(early))))
    stories.excluded = sorted(picks)

    contracts = {c.number: c for c in world.contracts}
    for period in periods:
        issued = issue_of[period]
        try:
            with write_session(url) as session:
                for number, p in stories.excluded:
                    if p == period:
                        billing_run.exclude(session, P.ACTOR_FINANCE, contract_number=number,
                                            period=period, reason=rng.choice(EXCLUSION_REASONS))
                billing_run.run(session, P.ACTOR_FINANCE, period=period, charges=first[period],
                                issue_date=issued)
                # "not invoiced in time": a few drafts issued weeks later
                for draft, _number, _lines in billing_run.drafts_of(session, period):
                    if draft.status == "draft" and rng.random() < P.INVOICE_LATE_P:
                        late = _clamp(issued + timedelta(days=rng.randint(*P.INVOICE_LATE_DAYS)),
                                      until)
                        if late > issued:
                            billing_run.set_issue_date(session, P.ACTOR_FINANCE,
                                                       draft_id=draft.id, issued_on=late)
                billing_run.run(session, P.ACTOR_FINANCE, period=period, charges=first[period],
                                post=True, issue_date=issued)
        except ValidationError as exc:
            raise GenerationError(f"billing run {period:%Y-%m}: {exc}") from exc
        stories.runs += 2

    # phase B: the held-back readings arrive, typed by a technician
    try:
        with write_session(url) as session:
            for serial, r in stories.late_reads:
                billing.record_meter_reading(
                    session, P.ACTOR_OPERATION, serial=serial, read_on=r.day,
                    mono_counter=r.mono, color_counter=r.color, source="manual")
    except ValidationError as exc:
        raise GenerationError(f"late readings: {exc}") from exc
    _refresh(settings, say)
    changed = []
    for period in periods:
        now = billing_run.read_charges(settings.published_warehouse, period)
        old = first[period]
        if any(n not in now or now[n].fingerprint != old[n].fingerprint for n in old) or \
                any(n not in old for n in now):
            changed.append((period, now))
    keep = max(1, len(changed) // 3) if len(changed) > 1 else 0
    for period, now in changed[:len(changed) - keep]:
        issued = _clamp(issue_of[period] + timedelta(days=rng.randint(20, 45)), until)
        if issued <= issue_of[period] + timedelta(days=1):
            stories.unadjusted_periods.append(period)
            continue
        try:
            with write_session(url) as session:
                billing_run.run(session, P.ACTOR_FINANCE, period=period, charges=now,
                                post=True, issue_date=issued)
        except ValidationError as exc:
            raise GenerationError(f"adjustment run {period:%Y-%m}: {exc}") from exc
        stories.runs += 1
        stories.adjusted_periods.append(period)
    stories.unadjusted_periods += [p for p, _ in changed[len(changed) - keep:]]

    # phase C: the posted invoices are paid (or not) and chased; two are typed again by hand
    plans = _posted_plans(url, contracts)
    run_plans = [p for p in plans if p.kind == "run" and p.credited == 0]
    early_plans = [p for p in run_plans if p.period < periods[-1] - timedelta(days=90)]
    for i, inv in enumerate(rng.sample(early_plans, min(2, len(early_plans)))):
        on = _clamp(inv.issued_on + timedelta(days=rng.randint(3, 10)), until)
        dup = billing_.new_invoice(inv.contract, inv.period, on, inv.subtotal, "duplicate")
        if i == 0:  # the first one is found and cancelled; the other stays over-billed
            billing_._credit(dup, _clamp(on + timedelta(days=rng.randint(5, 20)), until),
                             dup.subtotal, "Factura duplicada capturada a mano en el ERP",
                             full=True)
    for inv in sorted(plans, key=lambda i: (i.period, i.number)):
        billing_.periods = _period_index(world, inv.period)
        if inv.total - inv.credited > 0:
            billing_.collect(inv)
    run_ops()

    # phase D: the documents go to the PAC and come back stamped; payments get their CFDI
    # de pago; a few invoices are cancelled or substituted (cfdi_story.py)
    work = Path(tempfile.mkdtemp(prefix="seiton-demo-cfdi-"))
    try:
        stories.cfdi = cfdi_story.stamp_the_history(url, seed=world.seed, today=until,
                                                    work=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return stories


def _period_index(world: World, period: date) -> int:
    return (period.year - world.start.year) * 12 + period.month - world.start.month + 1


def _posted_plans(url: str, contracts: dict) -> list[InvoicePlan]:
    """The billing run's posted invoices as the money model plans them (credited = their
    credit notes' totals)."""
    with read_session(url) as session:
        credited = dict(session.execute(select(CreditNote.invoice_id, func.sum(CreditNote.total))
                                        .group_by(CreditNote.invoice_id)).all())
        rows = session.execute(select(Invoice, Contract.contract_number).join(Contract).where(
            Invoice.origin == "billing_run").order_by(Invoice.id)).all()
        plans = []
        for inv, number in rows:
            plan = InvoicePlan(contracts[number], inv.period_start, inv.issued_on, inv.subtotal,
                               inv.tax_amount, "run" if inv.adjusts_invoice_id is None
                               else "adjustment", inv.invoice_number,
                               Decimal(credited.get(inv.id) or 0))
            plans.append(plan)
    return plans
