"""Read helpers by business key, and the balances the billing rules depend on.

`find_*` return None for unknown keys and, where the table has soft delete, for withdrawn
rows (pass `include_withdrawn=True` to see them). `lock=True` adds `FOR UPDATE` so a
read-then-write check holds on PostgreSQL (SQLite write transactions are already
`BEGIN IMMEDIATE`). Money is summed in Python: on SQLite it is stored as text, and SQL SUM
would turn it into a binary float.

`Lookups` is what the operations of operation.py and billing.py read while they check a
call (docs/domain-api.md, "Lookups and writers"): `SessionLookups` answers from the
database through these helpers; the bulk demo path answers from in-memory mirrors of the
same rows. Both keep balances by the one rule below (`open_amount_of`, `unapplied_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from operational_app.domain.fields import Checker
from operational_app.domain.messages import msg
from operational_app.store.models import (
    Account,
    ConsumableRequest,
    Contract,
    CreditNote,
    Device,
    DeviceEvent,
    DeviceModel,
    ImplementationMilestone,
    Invoice,
    MaintenancePlan,
    MaintenanceVisit,
    MeterReading,
    Opportunity,
    Payment,
    PaymentApplication,
    PaymentReversal,
    PricePlan,
    Proposal,
    Ticket,
    TicketPause,
    User,
)

Model = TypeVar("Model")
ZERO = Decimal("0.00")


def _one(
    session: Session,
    model: type[Model],
    column: InstrumentedAttribute[Any],
    value: Any,
    *,
    lock: bool = False,
    include_withdrawn: bool = False,
) -> Model | None:
    if value is None:
        return None
    query: Select[Any] = select(model).where(column == value)
    if hasattr(model, "deleted_at") and not include_withdrawn:
        query = query.where(model.deleted_at.is_(None))  # type: ignore[attr-defined]
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def find_account(session: Session, account_code: str, **kw: Any) -> Account | None:
    return _one(session, Account, Account.account_code, account_code, **kw)


def find_opportunity(session: Session, opportunity_code: str, **kw: Any) -> Opportunity | None:
    return _one(session, Opportunity, Opportunity.opportunity_code, opportunity_code, **kw)


def find_proposal(session: Session, proposal_code: str, **kw: Any) -> Proposal | None:
    return _one(session, Proposal, Proposal.proposal_code, proposal_code, **kw)


def find_contract(session: Session, contract_number: str, **kw: Any) -> Contract | None:
    return _one(session, Contract, Contract.contract_number, contract_number, **kw)


def find_device(session: Session, serial: str, **kw: Any) -> Device | None:
    return _one(session, Device, Device.serial, serial, **kw)


def find_ticket(session: Session, ticket_number: str, **kw: Any) -> Ticket | None:
    return _one(session, Ticket, Ticket.ticket_number, ticket_number, **kw)


def find_visit(session: Session, visit_code: str, **kw: Any) -> MaintenanceVisit | None:
    return _one(session, MaintenanceVisit, MaintenanceVisit.visit_code, visit_code, **kw)


def find_consumable_request(
    session: Session, request_number: str, **kw: Any
) -> ConsumableRequest | None:
    return _one(session, ConsumableRequest, ConsumableRequest.request_number, request_number, **kw)


def find_invoice(session: Session, invoice_number: str, **kw: Any) -> Invoice | None:
    return _one(session, Invoice, Invoice.invoice_number, invoice_number, **kw)


def find_credit_note(session: Session, credit_note_number: str, **kw: Any) -> CreditNote | None:
    return _one(session, CreditNote, CreditNote.credit_note_number, credit_note_number, **kw)


def find_payment(session: Session, payment_number: str, **kw: Any) -> Payment | None:
    return _one(session, Payment, Payment.payment_number, payment_number, **kw)


def find_user(session: Session, username: str, **kw: Any) -> User | None:
    return _one(session, User, User.username, username.strip().lower() if username else None,
                **kw)


def find_price_plan(session: Session, contract_id: int, effective_from: Any) -> PricePlan | None:
    return session.scalars(
        select(PricePlan).where(
            PricePlan.contract_id == contract_id, PricePlan.effective_from == effective_from
        )
    ).first()


def find_milestone(
    session: Session, contract_id: int, milestone: str, *, include_withdrawn: bool = False
) -> ImplementationMilestone | None:
    query = select(ImplementationMilestone).where(
        ImplementationMilestone.contract_id == contract_id,
        ImplementationMilestone.milestone == milestone,
    )
    if not include_withdrawn:
        query = query.where(ImplementationMilestone.deleted_at.is_(None))
    return session.scalars(query).first()


def find_device_model(session: Session, model: str, **kw: Any) -> DeviceModel | None:
    return _one(session, DeviceModel, DeviceModel.model, model, **kw)


def latest_meter_reading(session: Session, device_id: int) -> MeterReading | None:
    """The device's current reading among those that count for billing (a held one waits
    for review): latest date; on one date the meter_reset row is later (a replacement is
    the old meter's final read followed by the new meter's start)."""
    return session.scalars(
        select(MeterReading)
        .where(MeterReading.device_id == device_id, MeterReading.deleted_at.is_(None),
               MeterReading.review_status.in_(("counted", "approved")))
        .order_by(
            MeterReading.read_on.desc(), MeterReading.meter_reset.desc(), MeterReading.id.desc()
        )
        .limit(1)  # without it the ORM fetches the device's whole history on every reading
    ).first()


def last_day_in_force(contract: Contract) -> date:
    """The contract's last billable day: its closure, or else its end date."""
    return contract.closed_on or contract.end_date


def contract_ref(
    v: Checker, session: Session, contract_number: Any, *, lock: bool = False
) -> tuple[str | None, Contract | None]:
    """Coerce a contract_number field and resolve it (error 'unknown contract' if absent)."""
    return known_contract(v, contract_number,
                          lambda number: find_contract(session, number, lock=lock))


def known_contract(v: Checker, contract_number: Any, find: Callable[[str | None], Any]
                   ) -> tuple[str | None, Any]:
    """`contract_ref` with the contract found by `find` (a `Lookups.contract`)."""
    number = v.text("contract_number", contract_number, Contract.contract_number, required=True)
    return number, v.known("contract_number", number, find(number), "contract")


def device_ref(
    v: Checker, session: Session, serial: Any, *, lock: bool = False
) -> tuple[str | None, Device | None]:
    """Coerce a serial field and resolve it (error 'unknown device' if absent)."""
    return known_device(v, serial, lambda serial_: find_device(session, serial_, lock=lock))


def known_device(v: Checker, serial: Any, find: Callable[[str | None], Any]
                 ) -> tuple[str | None, Any]:
    """`device_ref` with the device found by `find` (a `Lookups.device`)."""
    serial_ = v.text("serial", serial, Device.serial, required=True)
    return serial_, v.known("serial", serial_, find(serial_), "device")


def check_device_life(v: Checker, field: str, day: date | None, device: Device | None) -> None:
    """Work on a device happens between its install and its removal."""
    if device is None or day is None:
        return
    v.not_before(field, day, device.installed_on, msg("device {serial}'s install date",
                                                      serial=device.serial))
    if device.removed_on is not None and day > device.removed_on:
        v.fail(field, "must not be after device {serial}'s removal ({removed_on})",
               serial=device.serial, removed_on=device.removed_on)


# --------------------------------------------------------------------------- balances


def credited_of(credit_totals: Iterable[Decimal]) -> Decimal:
    """What an invoice's credit notes took off it: the sum of their totals."""
    return sum(credit_totals, ZERO)


def invoice_credited(session: Session, invoice: Invoice) -> Decimal:
    """Total of the credit notes issued against the invoice."""
    return credited_of(
        session.scalars(select(CreditNote.total).where(CreditNote.invoice_id == invoice.id)))


def open_amount_of(total: Decimal, live_applied: Iterable[Decimal],
                   credited: Iterable[Decimal]) -> Decimal:
    """The open-amount rule on one invoice's data: its total − the applications of payments
    not reversed − its credit notes. `open_amounts` applies it to the database's rows, the
    bulk demo path to its in-memory ones."""
    out = total
    for amount in live_applied:
        out -= amount
    for amount in credited:
        out -= amount
    return out


def unapplied_of(amount: Decimal, applied: Iterable[Decimal], reversed_: bool) -> Decimal:
    """What is left of one payment to apply: nothing once reversed, else its amount − every
    application (`unapplied_amounts` on the database's rows)."""
    if reversed_:
        return ZERO
    out = amount
    for part in applied:
        out -= part
    return out


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def open_amounts(session: Session, invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    """The open amount of each invoice: total − live payment applications − credit notes
    (docs/collections.md, "Aging as of a date D"). The one owner of this rule in the
    operational app; the warehouse's `fct_ar_documents`/`ar_aging` are tested against it
    (tests/collections/test_one_owner.py)."""
    ids = list(invoice_ids)
    totals: dict[int, Decimal] = {}
    applied: dict[int, list[Decimal]] = {}
    credited: dict[int, list[Decimal]] = {}
    for chunk in _chunks(ids):
        for inv_id, total in session.execute(
                select(Invoice.id, Invoice.total).where(Invoice.id.in_(chunk))):
            totals[inv_id] = total
        reversed_ids = select(PaymentReversal.payment_id)
        for inv_id, amount in session.execute(
                select(PaymentApplication.invoice_id, PaymentApplication.amount).where(
                    PaymentApplication.invoice_id.in_(chunk),
                    PaymentApplication.payment_id.not_in(reversed_ids))):
            applied.setdefault(inv_id, []).append(amount)
        for inv_id, amount in session.execute(
                select(CreditNote.invoice_id, CreditNote.total).where(
                    CreditNote.invoice_id.in_(chunk))):
            credited.setdefault(inv_id, []).append(amount)
    return {inv_id: open_amount_of(total, applied.get(inv_id, ()), credited.get(inv_id, ()))
            for inv_id, total in totals.items()}


def unapplied_amounts(session: Session, payment_ids: Iterable[int]) -> dict[int, Decimal]:
    """What is left of each payment to apply; a reversed payment has nothing left."""
    ids = list(payment_ids)
    amounts: dict[int, Decimal] = {}
    applied: dict[int, list[Decimal]] = {}
    reversed_: set[int] = set()
    for chunk in _chunks(ids):
        for pay_id, amount in session.execute(
                select(Payment.id, Payment.amount).where(Payment.id.in_(chunk))):
            amounts[pay_id] = amount
        for pay_id, amount in session.execute(
                select(PaymentApplication.payment_id, PaymentApplication.amount).where(
                    PaymentApplication.payment_id.in_(chunk))):
            applied.setdefault(pay_id, []).append(amount)
        reversed_.update(session.scalars(
            select(PaymentReversal.payment_id).where(PaymentReversal.payment_id.in_(chunk))))
    return {pay_id: unapplied_of(amount, applied.get(pay_id, ()), pay_id in reversed_)
            for pay_id, amount in amounts.items()}


def open_amount(session: Session, invoice: Invoice) -> Decimal:
    """The open amount of one invoice (`open_amounts`)."""
    return open_amounts(session, [invoice.id])[invoice.id]


def unapplied_amount(session: Session, payment: Payment) -> Decimal:
    """What is left of one payment to apply (`unapplied_amounts`)."""
    return unapplied_amounts(session, [payment.id])[payment.id]


def invoice_open_amount(session: Session, invoice_number: str) -> Decimal | None:
    """Open amount of an invoice by number, None if there is no such invoice."""
    invoice = find_invoice(session, invoice_number)
    return open_amount(session, invoice) if invoice else None


def payment_unapplied_amount(session: Session, payment_number: str) -> Decimal | None:
    """Unapplied amount of a payment by number, None if there is no such payment."""
    payment = find_payment(session, payment_number)
    return unapplied_amount(session, payment) if payment else None


# --------------------------------------------------------------------------- Lookups


class Lookups(Protocol):
    """What an operation of operation.py or billing.py reads while it checks a call: rows by
    business key (None when unknown, and when withdrawn unless `include_withdrawn`), and
    the balances. `lock` asks for the row to stay as read until the write (FOR UPDATE)."""

    def contract(self, number: str | None) -> Contract | None: ...
    def contract_by_id(self, id_: int) -> Contract: ...
    def device(self, serial: str | None) -> Device | None: ...
    def device_by_id(self, id_: int) -> Device | None: ...
    def account(self, code: str | None) -> Account | None: ...
    def ticket(self, number: str | None, *, lock: bool = False,
               include_withdrawn: bool = False) -> Ticket | None: ...
    def pauses(self, ticket: Ticket) -> Sequence[TicketPause]:
        """The ticket's pauses, earliest first."""
    def visit(self, code: str | None, *, lock: bool = False,
              include_withdrawn: bool = False) -> MaintenanceVisit | None: ...
    def consumable_request(self, number: str | None, *, lock: bool = False,
                           include_withdrawn: bool = False) -> ConsumableRequest | None: ...
    def has_maintenance_plan(self, device: Device) -> bool: ...
    def has_device_event(self, device: Device, at: datetime, event_type: str) -> bool: ...
    def invoice(self, number: str | None, *, lock: bool = False) -> Invoice | None: ...
    def credit_note(self, number: str | None) -> CreditNote | None: ...
    def payment(self, number: str | None, *, lock: bool = False) -> Payment | None: ...
    def reversal(self, number: str | None) -> PaymentReversal | None: ...
    def reversal_of(self, payment: Payment) -> PaymentReversal | None: ...
    def is_applied(self, payment: Payment, invoice: Invoice) -> bool:
        """Whether the payment already has an application to the invoice."""
    def invoice_credited(self, invoice: Invoice) -> Decimal: ...
    def open_amount(self, invoice: Invoice) -> Decimal: ...
    def unapplied_amount(self, payment: Payment) -> Decimal: ...


class SessionLookups:
    """`Lookups` from the database, one query each (the helpers above)."""

    __slots__ = ("session",)

    def __init__(self, session: Session) -> None:
        self.session = session

    def contract(self, number: str | None) -> Contract | None:
        return find_contract(self.session, number)  # type: ignore[arg-type]

    def contract_by_id(self, id_: int) -> Contract:
        return self.session.get(Contract, id_)  # type: ignore[return-value]

    def device(self, serial: str | None) -> Device | None:
        return find_device(self.session, serial)  # type: ignore[arg-type]

    def device_by_id(self, id_: int) -> Device | None:
        return self.session.get(Device, id_)

    def account(self, code: str | None) -> Account | None:
        return find_account(self.session, code)  # type: ignore[arg-type]

    def ticket(self, number: str | None, **kw: Any) -> Ticket | None:
        return find_ticket(self.session, number, **kw)  # type: ignore[arg-type]

    def pauses(self, ticket: Ticket) -> list[TicketPause]:
        return list(self.session.scalars(
            select(TicketPause).where(TicketPause.ticket_id == ticket.id)
            .order_by(TicketPause.paused_at)))

    def visit(self, code: str | None, **kw: Any) -> MaintenanceVisit | None:
        return find_visit(self.session, code, **kw)  # type: ignore[arg-type]

    def consumable_request(self, number: str | None, **kw: Any) -> ConsumableRequest | None:
        return find_consumable_request(self.session, number, **kw)  # type: ignore[arg-type]

    def has_maintenance_plan(self, device: Device) -> bool:
        return self.session.scalar(select(MaintenancePlan.id).where(
            MaintenancePlan.device_id == device.id)) is not None

    def has_device_event(self, device: Device, at: datetime, event_type: str) -> bool:
        return self.session.scalar(select(DeviceEvent.id).where(
            DeviceEvent.device_id == device.id, DeviceEvent.event_at == at,
            DeviceEvent.event_type == event_type)) is not None

    def invoice(self, number: str | None, *, lock: bool = False) -> Invoice | None:
        return find_invoice(self.session, number, lock=lock)  # type: ignore[arg-type]

    def credit_note(self, number: str | None) -> CreditNote | None:
        return find_credit_note(self.session, number)  # type: ignore[arg-type]

    def payment(self, number: str | None, *, lock: bool = False) -> Payment | None:
        return find_payment(self.session, number, lock=lock)  # type: ignore[arg-type]

    def reversal(self, number: str | None) -> PaymentReversal | None:
        if not number:
            return None
        return self.session.scalars(select(PaymentReversal).where(
            PaymentReversal.reversal_number == number)).first()

    def reversal_of(self, payment: Payment) -> PaymentReversal | None:
        return self.session.scalars(select(PaymentReversal).where(
            PaymentReversal.payment_id == payment.id)).first()

    def is_applied(self, payment: Payment, invoice: Invoice) -> bool:
        return self.session.scalar(select(PaymentApplication.id).where(
            PaymentApplication.payment_id == payment.id,
            PaymentApplication.invoice_id == invoice.id)) is not None

    def invoice_credited(self, invoice: Invoice) -> Decimal:
        return invoice_credited(self.session, invoice)

    def open_amount(self, invoice: Invoice) -> Decimal:
        return open_amount(self.session, invoice)

    def unapplied_amount(self, payment: Payment) -> Decimal:
        return unapplied_amount(self.session, payment)
