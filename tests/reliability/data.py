"""Writes through the domain layer, as the app's users make them, for the scenarios."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from operational_app.domain import billing, fields, lookups, operation
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import Account, Contract, Device, Invoice, MeterReading

ACTOR = "reliability"


@dataclass(frozen=True)
class Reading:
    serial: str
    read_on: date
    mono: int
    color: int


def latest_reading(url: str, serial: str) -> Reading | None:
    with read_session(url) as s:
        device = lookups.find_device(s, serial)
        last = lookups.latest_meter_reading(s, device.id)
        if last is None:
            return None
        return Reading(serial, last.read_on, last.mono_counter, last.color_counter)


def readable_devices(url: str) -> list[str]:
    """Serials that can take a new reading today: installed, not removed, on an activated
    contract that is not closed, with at least one reading (its counters are the base)."""
    with read_session(url) as s:
        rows = s.execute(
            select(Device.serial)
            .join(Contract, Contract.id == Device.contract_id)
            .where(Device.removed_on.is_(None), Contract.activated_on.is_not(None),
                   Contract.closed_on.is_(None))
            .order_by(Device.serial)
        ).scalars().all()
    return list(rows)


def usual_steps(url: str, serial: str, days: int) -> tuple[int, int]:
    """How far the device's counters usually move in `days` days: its average daily usage over
    its last 90 days of counted readings, per meter (at least one mono page; no colour where
    the colour counter never moved). A reading moved by these steps is one the hold rules
    accept (no spike, not stuck, no colour on a mono model), so it counts for billing."""
    with read_session(url) as s:
        device = lookups.find_device(s, serial)
        rows = s.execute(
            select(MeterReading.read_on, MeterReading.mono_counter, MeterReading.color_counter)
            .where(MeterReading.device_id == device.id, MeterReading.deleted_at.is_(None),
                   MeterReading.meter_reset.is_(False),
                   MeterReading.review_status.in_(("counted", "approved")))
            .order_by(MeterReading.read_on.desc()).limit(6)
        ).all()
    if len(rows) < 2:
        return 1, 0
    last, first = rows[0], rows[-1]
    span = max((last.read_on - first.read_on).days, 1)
    mono = (last.mono_counter - first.mono_counter) * days // span
    color = (last.color_counter - first.color_counter) * days // span
    return max(mono, 1), max(color, 0)


def add_reading(url: str, serial: str, *, mono_step: int | None = None,
                color_step: int | None = None, days: int = 1,
                on: date | None = None) -> Reading:
    """A reading `days` after the device's latest one (or `on` that day), counters moved
    forward by the given steps, else by the device's usual usage (`usual_steps`). The reading
    must count for billing: a held one would not reach the charges the scenarios check."""
    last = latest_reading(url, serial)
    with read_session(url) as s:
        device = lookups.find_device(s, serial)
        installed = (device.installed_on, device.install_mono_counter,
                     device.install_color_counter)
    base_day, mono, color = (last.read_on, last.mono, last.color) if last else installed
    day = on or base_day + timedelta(days=days)
    usual = usual_steps(url, serial, max((day - base_day).days, 1))
    mono += usual[0] if mono_step is None else mono_step
    color += usual[1] if color_step is None else color_step
    assert day <= fields.today(), f"{day} is in the future"
    with write_session(url) as s:
        saved = billing.record_meter_reading(s, ACTOR, serial=serial, read_on=day,
                                             mono_counter=mono, color_counter=color,
                                             source="manual")
        status, reason = saved.review_status, saved.review_reason
    assert status == "counted", f"the reading of {serial} on {day} was {status}: {reason}"
    return Reading(serial, day, mono, color)


def try_add_reading(url: str, serials: list[str], start: int = 0,
                    on: date | None = None) -> Reading:
    """`add_reading` on the first of `serials` (from `start`, round-robin) that accepts one."""
    for k in range(len(serials)):
        serial = serials[(start + k) % len(serials)]
        try:
            return add_reading(url, serial, on=on)
        except ValidationError:
            continue
    raise AssertionError("no device accepts a new reading")


def active_contract(url: str) -> tuple[str, datetime]:
    """An activated, open contract and a moment to open tickets at (after activation)."""
    with read_session(url) as s:
        contract = s.scalars(
            select(Contract).where(Contract.activated_on.is_not(None),
                                   Contract.closed_on.is_(None))
            .order_by(Contract.contract_number)).first()
        assert contract is not None
        return contract.contract_number, datetime.combine(fields.today(), datetime.min.time())


def open_ticket(url: str, number: str, contract: str, opened_at: datetime,
                description: str | None = None, ticket_type: str = "incident"):
    with write_session(url) as s:
        return operation.open_ticket(s, ACTOR, ticket_number=number, contract_number=contract,
                                     ticket_type=ticket_type, opened_at=opened_at,
                                     priority="high", description=description)


def open_invoice(url: str) -> tuple[str, str, Decimal]:
    """(invoice number, account code, open amount) of an MXN invoice still open."""
    with read_session(url) as s:
        for inv in s.scalars(select(Invoice).where(Invoice.currency == "MXN")
                             .order_by(Invoice.issued_on.desc(), Invoice.invoice_number)):
            amount = lookups.open_amount(s, inv)
            if amount >= Decimal("10.00"):
                contract = s.get(Contract, inv.contract_id)
                account = s.get(Account, contract.account_id)
                return inv.invoice_number, account.account_code, amount
    raise AssertionError("no open MXN invoice")
