"""The bulk demo path's fast lane for the high-volume writes of the timeline.

Most of the non-reading writes the timeline plans are the operation stage's — tickets and
their status changes, consumable requests and deliveries, monitoring events, maintenance
plans and visits (~340 k at medium, ~2.8 M at large) — and the billing documents —
invoices, payments, their applications, collection actions, credit notes, reversals
(~75 k at medium). Through the domain functions each costs a few ORM SELECTs and
flushes (~300-1,500 a second; apply_payment ~450). `FastOperations` writes the same rows
in bulk:

- each planned call is checked by the same rules, in the same order, with the same
  `Checker` coercions and messages as its domain function in `domain/operation.py` or
  `domain/billing.py`: the rules themselves are the domain's own `check_*` helpers (e.g.
  `check_resolution`, `check_application`), called with the mirror objects below, which
  carry the attribute names those helpers read; only the lookups change — serials,
  contract, account, ticket, visit, request, invoice and payment numbers resolve from
  in-memory mirrors of the rows, and the balances (an invoice's open amount, a payment's
  unapplied amount, what is left to credit) are kept there as the rows are planned,
  instead of one SELECT each.
  A refused call raises `ValidationError`, which the executor turns into
  `GenerationError` exactly as for a domain call;
- the rows it would write (same tables, columns, values, `created_by`, status changes)
  are kept in memory for the week and written at the end of the week's transaction with one
  `executemany` per table and kind of statement (SQLite: the DBAPI's own, values formatted
  by the column types' bind processors; other databases: Core `insert(Table)` and
  `update(Table)`), parents before children. A change to a row inserted the same week is
  folded into its insert. Ids are assigned here, in timeline order, so they are the ids
  the domain path would get (on PostgreSQL the id sequences are moved past them);
- the audit is the bulk path's: one row per batch and kind of write (`action = 'bulk'`),
  counted in the same counter as the domain calls of the batch.

The mirrors stay exact because nothing else writes these tables during a generation: the
functions of those modules not handled here (`withdraw_*`) still run through the domain
layer, after the pending rows are written, and make the mirrors reload (fx rates and meter
readings do not touch them). Devices, contracts and accounts are written by domain calls
(install, removal, activation, renewal, closure) in the same transaction: a session
`after_flush` hook copies every flushed Device, Contract and Account into the mirrors, so
a ticket opened the day its device is installed, or an invoice after a renewal, is judged
as the domain layer would judge it. tests/bench/test_bulk_rules.py checks that the rows are
the domain path's, row for row, and that refused calls get the domain's messages.
"""

from __future__ import annotations

from bisect import insort
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, bindparam, event, func, insert, inspect, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from operational_app.domain.billing import (
    COLLECTION_ACTIONS,
    _check_balanced,
    check_application,
    check_collection_action,
    check_credit,
    check_invoice,
    check_reversal,
)
from operational_app.domain.errors import ValidationError
from operational_app.domain.fields import Checker, check_actor
from operational_app.domain.lookups import ZERO, check_device_life
from operational_app.domain.operation import (
    EVENT_TYPES,
    MAX_CONSUMABLE_QUANTITY,
    MAX_INTERVAL_MONTHS,
    PRIORITIES,
    TICKET_TYPES,
    check_closing,
    check_delivery,
    check_first_response,
    check_pause,
    check_resolution,
    check_resume,
    check_ticket_opening,
    check_visit_completion,
)
from operational_app.store.models import (
    Account,
    CollectionAction,
    ConsumableRequest,
    Contract,
    CreditNote,
    Device,
    DeviceEvent,
    Invoice,
    MaintenancePlan,
    MaintenanceVisit,
    Payment,
    PaymentApplication,
    PaymentReversal,
    Ticket,
    TicketPause,
    utcnow,
)

OPERATION = ("open_ticket", "respond_ticket", "pause_ticket", "resume_ticket",
             "resolve_ticket", "close_ticket", "create_maintenance_plan", "schedule_visit",
             "complete_visit", "request_consumable", "deliver_consumable", "record_device_event")
BILLING = ("issue_invoice", "issue_credit_note", "record_payment", "apply_payment",
           "reverse_payment", "record_collection_action")
# domain functions of those modules that neither read nor write the mirrored tables
UNRELATED = {("billing", "set_fx_rate"), ("billing", "record_meter_reading"),
             ("billing", "withdraw_meter_reading")}
# parents before children (foreign keys are checked per statement)
TABLES: tuple[Table, ...] = tuple(m.__table__ for m in (  # type: ignore[attr-defined]
    Ticket, TicketPause, MaintenancePlan, MaintenanceVisit, ConsumableRequest, DeviceEvent,
    Invoice, CreditNote, Payment, PaymentApplication, PaymentReversal, CollectionAction))
TABLE_NAMES = frozenset(t.name for t in TABLES)


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


class _Device:
    """What the operation rules read of a device (check_device_life takes it as a Device)."""

    __slots__ = ("id", "serial", "contract_id", "installed_on", "removed_on")

    def __init__(self, id_: int, serial: str, contract_id: int, installed_on: date,
                 removed_on: date | None) -> None:
        self.id, self.serial, self.contract_id = id_, serial, contract_id
        self.installed_on, self.removed_on = installed_on, removed_on


class _Contract:
    """What the rules read of a contract (_check_billable_period takes it as a Contract)."""

    __slots__ = ("id", "contract_number", "account_id", "currency", "start_date", "end_date",
                 "activated_on", "closed_on")

    def __init__(self, id_: int, contract_number: str, account_id: int, currency: str,
                 start_date: date, end_date: date, activated_on: date | None,
                 closed_on: date | None) -> None:
        self.id, self.contract_number, self.account_id = id_, contract_number, account_id
        self.currency, self.start_date, self.end_date = currency, start_date, end_date
        self.activated_on, self.closed_on = activated_on, closed_on


CONTRACT_COLUMNS = ("id", "contract_number", "account_id", "currency", "start_date",
                    "end_date", "activated_on", "closed_on")


class _Pause:
    __slots__ = ("id", "paused_at", "resumed_at")

    def __init__(self, id_: int, paused_at: datetime, resumed_at: datetime | None) -> None:
        self.id, self.paused_at, self.resumed_at = id_, paused_at, resumed_at

    def __lt__(self, other: _Pause) -> bool:  # ordered as `_pauses` orders them
        return self.paused_at < other.paused_at


class _Ticket:
    __slots__ = ("id", "ticket_type", "opened_at", "first_response_at", "resolved_at",
                 "closed_at", "deleted_at", "pauses")

    def __init__(self, id_: int, ticket_type: str, opened_at: datetime,
                 first_response_at: datetime | None = None, resolved_at: datetime | None = None,
                 closed_at: datetime | None = None, deleted_at: datetime | None = None) -> None:
        self.id, self.ticket_type, self.opened_at = id_, ticket_type, opened_at
        self.first_response_at, self.resolved_at = first_response_at, resolved_at
        self.closed_at, self.deleted_at = closed_at, deleted_at
        self.pauses: list[_Pause] = []


class _Visit:
    __slots__ = ("id", "device_id", "done_on", "deleted_at")

    def __init__(self, id_: int, device_id: int, done_on: date | None = None,
                 deleted_at: datetime | None = None) -> None:
        self.id, self.device_id, self.done_on, self.deleted_at = id_, device_id, done_on, \
            deleted_at


class _Request:
    __slots__ = ("id", "requested_at", "delivered_at", "deleted_at")

    def __init__(self, id_: int, requested_at: datetime, delivered_at: datetime | None = None,
                 deleted_at: datetime | None = None) -> None:
        self.id, self.requested_at, self.delivered_at, self.deleted_at = \
            id_, requested_at, delivered_at, deleted_at


class _Invoice:
    __slots__ = ("id", "invoice_number", "contract_id", "issued_on", "total", "currency",
                 "credited", "applications")

    def __init__(self, id_: int, number: str, contract_id: int, issued_on: date,
                 total: Decimal, currency: str) -> None:
        self.id, self.invoice_number, self.contract_id = id_, number, contract_id
        self.issued_on, self.total, self.currency = issued_on, total, currency
        self.credited = ZERO  # lookups.invoice_credited
        self.applications: list[tuple[_Payment, Decimal]] = []

    def open_amount(self) -> Decimal:
        """lookups.open_amount: total − live applications − credit notes."""
        applied = sum((a for p, a in self.applications if p.reversal is None), ZERO)
        return self.total - applied - self.credited


class _Payment:
    __slots__ = ("id", "payment_number", "account_id", "received_on", "amount", "currency",
                 "applied", "reversal")

    def __init__(self, id_: int, number: str, account_id: int, received_on: date,
                 amount: Decimal, currency: str) -> None:
        self.id, self.payment_number, self.account_id = id_, number, account_id
        self.received_on, self.amount, self.currency = received_on, amount, currency
        self.applied: list[Decimal] = []
        self.reversal: tuple[str, date] | None = None  # (reversal_number, reversed_on)

    def unapplied_amount(self) -> Decimal:
        """lookups.unapplied_amount."""
        if self.reversal is not None:
            return ZERO
        return self.amount - sum(self.applied, ZERO)


def _live(row: Any) -> Any:
    """`find_*` without include_withdrawn: a withdrawn row is not found."""
    return row if row is not None and row.deleted_at is None else None


class FastOperations:
    """Checks and buffers the fast-path calls of one write transaction at a time.

    Per batch: `begin(session, audit)`, then `handles(module, func)` and
    `call(module, func, actor, fields)` for each planned op in timeline order
    (`before_domain(module, func)` / `after_domain(module, func)` around the ops left to
    the domain layer), then `flush()` before the commit and `committed()` after it. A batch
    that is not committed (an error anywhere) makes the mirrors reload.
    """

    def __init__(self, *, dbapi: bool | None = None) -> None:
        # dbapi: SQLite's own executemany (None = when the database is SQLite)
        self.dbapi = dbapi
        self.session: Session | None = None
        self.audit: Counter = Counter()
        self.calls: Counter[str] = Counter()
        self._stale = True
        self._clean = True
        self._actors: dict[str, str] = {}
        self._handlers: dict[tuple[str, str], Callable[..., None]] = {
            **{("operation", name): getattr(self, name) for name in OPERATION},
            **{("billing", name): getattr(self, name) for name in BILLING}}
        self._reset_buffers()

    # ------------------------------------------------------------------ batch protocol

    def begin(self, session: Session, audit: Counter) -> None:
        if not self._clean:
            self._stale = True
        self._clean = False
        self.session, self.audit, self.now = session, audit, utcnow()
        self._reset_buffers()
        event.listen(session, "after_flush", self._after_flush)
        if self._stale:
            self._load(session)

    def handles(self, module: str, func_name: str) -> bool:
        return (module, func_name) in self._handlers

    def call(self, module: str, func_name: str, actor: str, fields: dict[str, Any]) -> None:
        if self._stale:
            self.flush()
            self._load(self.session)
        self._handlers[(module, func_name)](actor, **fields)
        self.calls[f"{module}.{func_name}"] += 1

    @staticmethod
    def _touches(module: str, func_name: str) -> bool:
        """Whether a domain call may read or write the mirrored tables (withdraw_ticket,
        say): every other function of those modules, not the unrelated ones."""
        return module in ("operation", "billing") and (module, func_name) not in UNRELATED

    def before_domain(self, module: str, func_name: str) -> None:
        """A domain call that may read these tables sees every row planned before it."""
        if self._touches(module, func_name):
            self.flush()
            if self.session is not None:
                self.session.expire_all()  # rows it may hold were just changed underneath

    def after_domain(self, module: str, func_name: str) -> None:
        if self._touches(module, func_name):
            self._stale = True  # it may have changed a row the mirrors hold

    def flush(self) -> None:
        """Write the buffered rows (in the batch's transaction); the buffers start over."""
        session = self.session
        if session is None or not (any(self._new.values()) or any(self._changes.values())):
            return
        session.flush()
        conn = session.connection()
        dbapi = self.dbapi if self.dbapi is not None else conn.dialect.name == "sqlite"
        for table in TABLES:
            rows = self._new[table.name]
            if rows:
                _insert_rows(conn, table, rows, dbapi)
                if conn.dialect.name == "postgresql":
                    # explicit ids: move the id sequence past them for later inserts
                    conn.execute(text("select setval(pg_get_serial_sequence(:t, 'id'), :n)"),
                                 {"t": table.name, "n": self._next_id[table.name] - 1})
        for table in TABLES:
            changes = self._changes[table.name]
            if changes:
                _update_rows(conn, table, changes, dbapi)
        self._reset_buffers()

    def committed(self) -> None:
        self._clean = True
        self.session = None

    # ------------------------------------------------------------------ mirrors and buffers

    def _reset_buffers(self) -> None:
        self._new: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
        self._pending: dict[tuple[str, int], dict[str, Any]] = {}
        self._changes: dict[str, dict[int, dict[str, Any]]] = {t.name: {} for t in TABLES}

    def _load(self, session: Session | None) -> None:
        """The mirrors from the database (empty when a generation starts)."""
        assert session is not None, "begin() first"
        assert not any(self._new.values()) and not any(self._changes.values())
        self.devices: dict[str, _Device] = {}
        self.devices_by_id: dict[int, _Device] = {}
        for row in session.execute(select(Device.id, Device.serial, Device.contract_id,
                                          Device.installed_on, Device.removed_on)):
            self._put_device(*row)
        self.contracts: dict[str, _Contract] = {}
        self.contracts_by_id: dict[int, _Contract] = {}
        for row in session.execute(select(*(getattr(Contract, c) for c in CONTRACT_COLUMNS))):
            self._put_contract(_Contract(*row))
        self.accounts: dict[str, tuple[int, datetime | None]] = {}
        self.account_codes: dict[int, str] = {}
        for id_, code, deleted in session.execute(
                select(Account.id, Account.account_code, Account.deleted_at)):
            self._put_account(id_, code, deleted)
        self._load_billing(session)
        self.tickets: dict[str, _Ticket] = {}
        by_id: dict[int, _Ticket] = {}
        for (id_, number, type_, opened, responded, resolved, closed,
             deleted) in session.execute(select(
                 Ticket.id, Ticket.ticket_number, Ticket.ticket_type, Ticket.opened_at,
                 Ticket.first_response_at, Ticket.resolved_at, Ticket.closed_at,
                 Ticket.deleted_at)):
            by_id[id_] = self.tickets[number] = _Ticket(id_, type_, opened, responded,
                                                         resolved, closed, deleted)
        for id_, ticket_id, paused, resumed in session.execute(select(
                TicketPause.id, TicketPause.ticket_id, TicketPause.paused_at,
                TicketPause.resumed_at).order_by(TicketPause.ticket_id, TicketPause.paused_at)):
            by_id[ticket_id].pauses.append(_Pause(id_, paused, resumed))
        self.visits: dict[str, _Visit] = {
            code: _Visit(id_, device_id, done, deleted)
            for id_, code, device_id, done, deleted in session.execute(select(
                MaintenanceVisit.id, MaintenanceVisit.visit_code, MaintenanceVisit.device_id,
                MaintenanceVisit.done_on, MaintenanceVisit.deleted_at))}
        self.requests: dict[str, _Request] = {
            number: _Request(id_, requested, delivered, deleted)
            for id_, number, requested, delivered, deleted in session.execute(select(
                ConsumableRequest.id, ConsumableRequest.request_number,
                ConsumableRequest.requested_at, ConsumableRequest.delivered_at,
                ConsumableRequest.deleted_at))}
        self.planned: set[int] = set(session.scalars(select(MaintenancePlan.device_id)))
        self.events: set[tuple[int, datetime, str]] = {
            tuple(r) for r in session.execute(select(  # type: ignore[misc]
                DeviceEvent.device_id, DeviceEvent.event_at, DeviceEvent.event_type))}
        self._next_id: dict[str, int] = {
            t.name: (session.scalar(select(func.max(t.c.id))) or 0) + 1 for t in TABLES}
        self._stale = False

    def _load_billing(self, session: Session) -> None:
        self.invoices: dict[str, _Invoice] = {}
        invoices: dict[int, _Invoice] = {}
        for id_, number, contract_id, issued, total, currency in session.execute(select(
                Invoice.id, Invoice.invoice_number, Invoice.contract_id, Invoice.issued_on,
                Invoice.total, Invoice.currency)):
            invoices[id_] = self.invoices[number] = _Invoice(id_, number, contract_id, issued,
                                                              total, currency)
        for invoice_id, total in session.execute(
                select(CreditNote.invoice_id, CreditNote.total).order_by(CreditNote.id)):
            invoices[invoice_id].credited += total
        self.credit_notes: set[str] = set(session.scalars(select(CreditNote.credit_note_number)))
        self.payments: dict[str, _Payment] = {}
        payments: dict[int, _Payment] = {}
        for id_, number, account_id, received, amount, currency in session.execute(select(
                Payment.id, Payment.payment_number, Payment.account_id, Payment.received_on,
                Payment.amount, Payment.currency)):
            payments[id_] = self.payments[number] = _Payment(id_, number, account_id,
                                                              received, amount, currency)
        self.applications: set[tuple[int, int]] = set()
        for payment_id, invoice_id, amount in session.execute(select(
                PaymentApplication.payment_id, PaymentApplication.invoice_id,
                PaymentApplication.amount).order_by(PaymentApplication.id)):
            self.applications.add((payment_id, invoice_id))
            payments[payment_id].applied.append(amount)
            invoices[invoice_id].applications.append((payments[payment_id], amount))
        self.reversals: set[str] = set()
        for number, payment_id, on in session.execute(select(
                PaymentReversal.reversal_number, PaymentReversal.payment_id,
                PaymentReversal.reversed_on)):
            self.reversals.add(number)
            payments[payment_id].reversal = (number, on)

    def _put_contract(self, contract: _Contract) -> None:
        old = self.contracts_by_id.get(contract.id)
        if old is not None and old.contract_number != contract.contract_number:
            self.contracts.pop(old.contract_number, None)
        self.contracts[contract.contract_number] = self.contracts_by_id[contract.id] = contract

    def _put_account(self, id_: int, code: str, deleted_at: datetime | None) -> None:
        old = self.account_codes.get(id_)
        if old is not None and old != code:
            self.accounts.pop(old, None)
        self.accounts[code], self.account_codes[id_] = (id_, deleted_at), code

    def _put_device(self, id_: int, serial: str, contract_id: int, installed_on: date,
                    removed_on: date | None) -> None:
        self.devices[serial] = self.devices_by_id[id_] = _Device(
            id_, serial, contract_id, installed_on, removed_on)

    def _after_flush(self, session: Session, _context: Any) -> None:
        """Devices, contracts and accounts written by domain calls of the batch, as they now
        are (a write to a mirrored table by a domain call makes the mirrors reload)."""
        for obj in (*session.new, *session.dirty):
            if isinstance(obj, Device | Contract | Account) and inspect(obj).expired_attributes:
                self._stale = True  # never load inside a flush: reload at the next call
            elif isinstance(obj, Device):
                old = self.devices_by_id.get(obj.id)
                if old is not None and old.serial != obj.serial:
                    self.devices.pop(old.serial, None)
                self._put_device(obj.id, obj.serial, obj.contract_id, obj.installed_on,
                                 obj.removed_on)
            elif isinstance(obj, Contract):
                self._put_contract(_Contract(*(getattr(obj, c) for c in CONTRACT_COLUMNS)))
            elif isinstance(obj, Account):
                self._put_account(obj.id, obj.account_code, obj.deleted_at)
            elif getattr(obj, "__tablename__", None) in TABLE_NAMES:
                self._stale = True

    def _insert(self, table: str, actor: str, values: dict[str, Any]) -> int:
        """writes.insert: the row with created_by, then its audit (counted)."""
        id_ = self._next_id[table]
        self._next_id[table] = id_ + 1
        row = {"id": id_, **values, "created_at": self.now, "created_by": actor,
               "updated_at": self.now}
        self._new[table].append(row)
        self._pending[(table, id_)] = row
        self.audit[(actor, "create", table)] += 1
        return id_

    def _update(self, table: str, actor: str, id_: int, **changes: Any) -> None:
        """writes.update: the changes and a new updated_at, then its audit (counted)."""
        changes["updated_at"] = self.now
        row = self._pending.get((table, id_))
        if row is not None:
            row.update(changes)
        else:
            self._changes[table].setdefault(id_, {}).update(changes)
        self.audit[(actor, "update", table)] += 1

    def _actor(self, actor: str) -> str:
        checked = self._actors.get(actor)
        if checked is None:
            checked = self._actors[actor] = check_actor(actor)
        return checked

    def _device_ref(self, v: Checker, serial: Any) -> tuple[str | None, _Device | None]:
        """lookups.device_ref."""
        serial_ = v.text("serial", serial, Device.serial, required=True)
        return serial_, v.known("serial", serial_, self.devices.get(serial_), "device")

    def _contract_ref(self, v: Checker, contract_number: Any
                      ) -> tuple[str | None, _Contract | None]:
        """lookups.contract_ref."""
        number = v.text("contract_number", contract_number, Contract.contract_number,
                        required=True)
        return number, v.known("contract_number", number, self.contracts.get(number),
                               "contract")

    def _ticket_ref(self, v: Checker, ticket_number: Any) -> tuple[str | None, _Ticket | None]:
        """operation._ticket_ref."""
        number = v.text("ticket_number", ticket_number, Ticket.ticket_number, required=True)
        return number, v.known("ticket_number", number, _live(self.tickets.get(number)),
                               "ticket")

    # ------------------------------------------------------------------ tickets
    # Each method is its domain function in operation.py: the same coercions, and the
    # rules through the domain's own check_* helpers, with the lookups answered from the
    # mirrors.

    def open_ticket(self, actor: Any, *, ticket_number: Any, contract_number: Any,
                    ticket_type: Any, opened_at: Any, priority: Any = "medium",
                    serial: Any = None, description: Any = None) -> None:
        actor = self._actor(actor)
        v = Checker()
        number = v.text("ticket_number", ticket_number, Ticket.ticket_number, required=True)
        contract_no, contract = self._contract_ref(v, contract_number)
        type_ = v.choice("ticket_type", ticket_type, TICKET_TYPES)
        opened = v.timestamp("opened_at", opened_at, required=True)
        priority_ = v.choice("priority", priority, PRIORITIES, default="medium")
        description_ = v.text("description", description, Ticket.description, multiline=True)
        device = None
        if serial is not None and serial != "":
            _, device = self._device_ref(v, serial)
        v.unique("ticket_number", number, self.tickets.get(number), "ticket")
        check_ticket_opening(v, contract_no, contract, device, opened)  # type: ignore[arg-type]
        v.check()
        id_ = self._insert("tickets", actor, {
            "ticket_number": number, "contract_id": contract.id,
            "device_id": device.id if device else None, "ticket_type": type_,
            "priority": priority_, "opened_at": opened, "description": description_})
        self.tickets[number] = _Ticket(id_, type_, opened)

    def respond_ticket(self, actor: Any, *, ticket_number: Any, first_response_at: Any
                       ) -> None:
        actor = self._actor(actor)
        v = Checker()
        number, ticket = self._ticket_ref(v, ticket_number)
        at = v.timestamp("first_response_at", first_response_at, required=True)
        if ticket is not None:
            check_first_response(v, ticket, at)  # type: ignore[arg-type]
        v.check()
        ticket.first_response_at = at
        self._update("tickets", actor, ticket.id, first_response_at=at)

    def pause_ticket(self, actor: Any, *, ticket_number: Any, paused_at: Any) -> None:
        actor = self._actor(actor)
        v = Checker()
        number, ticket = self._ticket_ref(v, ticket_number)
        at = v.timestamp("paused_at", paused_at, required=True)
        if ticket is not None:
            check_pause(v, number, ticket, at, ticket.pauses)  # type: ignore[arg-type]
        v.check()
        key = f"{number}:{at.isoformat()}"
        if any(p.paused_at == at for p in ticket.pauses):
            # the unique (ticket_id, paused_at) the database would refuse (writes.insert)
            raise ValidationError(
                "paused_at", "'{key}' already exists (written concurrently by another user)",
                key=key)
        id_ = self._insert("ticket_pauses", actor, {"ticket_id": ticket.id, "paused_at": at})
        insort(ticket.pauses, _Pause(id_, at, None))

    def resume_ticket(self, actor: Any, *, ticket_number: Any, resumed_at: Any) -> None:
        actor = self._actor(actor)
        v = Checker()
        number, ticket = self._ticket_ref(v, ticket_number)
        at = v.timestamp("resumed_at", resumed_at, required=True)
        pause = None
        if ticket is not None:
            pause = check_resume(v, number, at, ticket.pauses)  # type: ignore[arg-type]
        v.check()
        pause.resumed_at = at
        self._update("ticket_pauses", actor, pause.id, resumed_at=at)

    def resolve_ticket(self, actor: Any, *, ticket_number: Any, resolved_at: Any,
                       first_time_fix: Any = None) -> None:
        actor = self._actor(actor)
        v = Checker()
        number, ticket = self._ticket_ref(v, ticket_number)
        at = v.timestamp("resolved_at", resolved_at, required=True)
        fix = v.boolean("first_time_fix", first_time_fix)
        if ticket is not None:
            check_resolution(v, number, ticket, at, fix, ticket.pauses)  # type: ignore[arg-type]
        v.check()
        ticket.resolved_at = at
        self._update("tickets", actor, ticket.id, resolved_at=at, first_time_fix=fix)

    def close_ticket(self, actor: Any, *, ticket_number: Any, closed_at: Any) -> None:
        actor = self._actor(actor)
        v = Checker()
        number, ticket = self._ticket_ref(v, ticket_number)
        at = v.timestamp("closed_at", closed_at, required=True)
        if ticket is not None:
            check_closing(v, number, ticket, at)  # type: ignore[arg-type]
        v.check()
        ticket.closed_at = at
        self._update("tickets", actor, ticket.id, closed_at=at)

    # ------------------------------------------------------------------ maintenance

    def create_maintenance_plan(self, actor: Any, *, serial: Any, interval_months: Any,
                                starts_on: Any) -> None:
        actor = self._actor(actor)
        v = Checker()
        serial_, device = self._device_ref(v, serial)
        interval = v.integer("interval_months", interval_months, required=True, minimum=1,
                             maximum=MAX_INTERVAL_MONTHS)
        starts = v.date("starts_on", starts_on, required=True)
        check_device_life(v, "starts_on", starts, device)  # type: ignore[arg-type]
        if device is not None and device.id in self.planned:
            v.fail("serial", "device '{serial}' already has a maintenance plan", serial=serial_)
        v.check()
        self._insert("maintenance_plans", actor, {
            "device_id": device.id, "interval_months": interval, "starts_on": starts})
        self.planned.add(device.id)

    def schedule_visit(self, actor: Any, *, visit_code: Any, serial: Any, due_on: Any) -> None:
        actor = self._actor(actor)
        v = Checker()
        code = v.text("visit_code", visit_code, MaintenanceVisit.visit_code, required=True)
        _, device = self._device_ref(v, serial)
        due = v.date("due_on", due_on, required=True)
        v.unique("visit_code", code, self.visits.get(code), "visit")
        check_device_life(v, "due_on", due, device)  # type: ignore[arg-type]
        v.check()
        id_ = self._insert("maintenance_visits", actor, {
            "visit_code": code, "device_id": device.id, "due_on": due})
        self.visits[code] = _Visit(id_, device.id)

    def complete_visit(self, actor: Any, *, visit_code: Any, done_on: Any) -> None:
        actor = self._actor(actor)
        v = Checker()
        code = v.text("visit_code", visit_code, MaintenanceVisit.visit_code, required=True)
        done = v.date("done_on", done_on, required=True)
        visit = v.known("visit_code", code, _live(self.visits.get(code)), "visit")
        if visit is not None:
            check_visit_completion(v, visit, done,  # type: ignore[arg-type]
                                   self.devices_by_id.get(visit.device_id))
        v.check()
        visit.done_on = done
        self._update("maintenance_visits", actor, visit.id, done_on=done)

    # ------------------------------------------------------------------ consumables

    def request_consumable(self, actor: Any, *, request_number: Any, serial: Any, item: Any,
                           quantity: Any, requested_at: Any) -> None:
        actor = self._actor(actor)
        v = Checker()
        number = v.text("request_number", request_number, ConsumableRequest.request_number,
                        required=True)
        _, device = self._device_ref(v, serial)
        item_ = v.text("item", item, ConsumableRequest.item, required=True)
        qty = v.integer("quantity", quantity, required=True, minimum=1,
                        maximum=MAX_CONSUMABLE_QUANTITY)
        at = v.timestamp("requested_at", requested_at, required=True)
        v.unique("request_number", number, self.requests.get(number), "consumable request")
        check_device_life(v, "requested_at", _day(at), device)  # type: ignore[arg-type]
        v.check()
        id_ = self._insert("consumable_requests", actor, {
            "request_number": number, "device_id": device.id, "item": item_,
            "quantity": qty, "requested_at": at})
        self.requests[number] = _Request(id_, at)

    def deliver_consumable(self, actor: Any, *, request_number: Any, delivered_at: Any
                           ) -> None:
        actor = self._actor(actor)
        v = Checker()
        number = v.text("request_number", request_number, ConsumableRequest.request_number,
                        required=True)
        at = v.timestamp("delivered_at", delivered_at, required=True)
        request = v.known("request_number", number, _live(self.requests.get(number)),
                          "consumable request")
        if request is not None:
            check_delivery(v, request, at)  # type: ignore[arg-type]
        v.check()
        request.delivered_at = at
        self._update("consumable_requests", actor, request.id, delivered_at=at)

    # ------------------------------------------------------------------ monitoring

    def record_device_event(self, actor: Any, *, serial: Any, event_type: Any,
                            event_at: Any) -> None:
        actor = self._actor(actor)
        v = Checker()
        serial_, device = self._device_ref(v, serial)
        type_ = v.choice("event_type", event_type, EVENT_TYPES)
        at = v.timestamp("event_at", event_at, required=True)
        check_device_life(v, "event_at", _day(at), device)  # type: ignore[arg-type]
        key = (device.id, at, type_) if device is not None else None
        if key is not None and type_ is not None and at is not None and key in self.events:
            v.fail("event_at", "this {type} event of device '{serial}' at {at} already exists",
                   type=type_, serial=serial_, at=at)
        v.check()
        self._insert("device_events", actor, {
            "device_id": device.id, "event_type": type_, "event_at": at})
        self.events.add(key)  # type: ignore[arg-type]


    # ------------------------------------------------------------------ billing documents
    # Each is its function in billing.py: the same coercions, and the rules through the
    # domain's own check_* helpers (and _check_balanced); balances from the mirrors.

    def issue_invoice(self, actor: Any, *, invoice_number: Any, contract_number: Any,
                      period_start: Any, issued_on: Any, subtotal: Any, tax_amount: Any,
                      total: Any, currency: Any, due_on: Any = None) -> None:
        actor = self._actor(actor)
        v = Checker()
        number = v.text("invoice_number", invoice_number, Invoice.invoice_number, required=True)
        contract_no, contract = self._contract_ref(v, contract_number)
        period = v.date("period_start", period_start, required=True)
        issued = v.date("issued_on", issued_on, required=True)
        due = v.date("due_on", due_on)
        sub = v.money("subtotal", subtotal, required=True)
        tax = v.money("tax_amount", tax_amount, required=True)
        tot = v.money("total", total, required=True)
        currency_ = v.currency("currency", currency)
        check_invoice(v, number, self.invoices.get(number), contract_no,
                      contract,  # type: ignore[arg-type]
                      period=period, issued=issued, due=due, subtotal=sub, tax=tax, total=tot,
                      currency=currency_)
        v.check()
        id_ = self._insert("invoices", actor, {
            "invoice_number": number, "contract_id": contract.id, "period_start": period,
            "issued_on": issued, "due_on": due, "subtotal": sub, "tax_amount": tax,
            "total": tot, "currency": currency_})
        self.invoices[number] = _Invoice(id_, number, contract.id, issued, tot, currency_)

    def issue_credit_note(self, actor: Any, *, credit_note_number: Any, invoice_number: Any,
                          issued_on: Any, subtotal: Any, tax_amount: Any, total: Any,
                          reason: Any = None) -> None:
        actor = self._actor(actor)
        v = Checker()
        number = v.text("credit_note_number", credit_note_number,
                        CreditNote.credit_note_number, required=True)
        inv_no = v.text("invoice_number", invoice_number, Invoice.invoice_number, required=True)
        issued = v.date("issued_on", issued_on, required=True)
        sub = v.money("subtotal", subtotal, required=True)
        tax = v.money("tax_amount", tax_amount, required=True)
        tot = v.money("total", total, required=True, positive=True)
        reason_ = v.text("reason", reason, CreditNote.reason)
        _check_balanced(v, sub, tax, tot)
        v.unique("credit_note_number", number, number if number in self.credit_notes else None,
                 "credit note")
        invoice = v.known("invoice_number", inv_no, self.invoices.get(inv_no), "invoice")
        if invoice is not None:
            check_credit(v, inv_no, invoice, invoice.credited, issued,  # type: ignore[arg-type]
                         tot)
        v.check()
        self._insert("credit_notes", actor, {
            "credit_note_number": number, "invoice_id": invoice.id, "issued_on": issued,
            "subtotal": sub, "tax_amount": tax, "total": tot, "reason": reason_})
        self.credit_notes.add(number)
        invoice.credited += tot

    def record_payment(self, actor: Any, *, payment_number: Any, account_code: Any,
                       received_on: Any, amount: Any, currency: Any, method: Any = None) -> None:
        actor = self._actor(actor)
        v = Checker()
        number = v.text("payment_number", payment_number, Payment.payment_number, required=True)
        acct_code = v.text("account_code", account_code, Account.account_code, required=True)
        received = v.date("received_on", received_on, required=True)
        amount_ = v.money("amount", amount, required=True, positive=True)
        currency_ = v.currency("currency", currency)
        method_ = v.text("method", method, Payment.method)
        account = self.accounts.get(acct_code)  # find_account: not withdrawn
        account = v.known("account_code", acct_code,
                          account if account is not None and account[1] is None else None,
                          "account")
        v.unique("payment_number", number, self.payments.get(number), "payment")
        v.check()
        id_ = self._insert("payments", actor, {
            "payment_number": number, "account_id": account[0], "received_on": received,
            "amount": amount_, "currency": currency_, "method": method_})
        self.payments[number] = _Payment(id_, number, account[0], received, amount_, currency_)

    def apply_payment(self, actor: Any, *, payment_number: Any, invoice_number: Any,
                      amount: Any, applied_on: Any = None) -> None:
        actor = self._actor(actor)
        v = Checker()
        pay_no = v.text("payment_number", payment_number, Payment.payment_number, required=True)
        inv_no = v.text("invoice_number", invoice_number, Invoice.invoice_number, required=True)
        amount_ = v.money("amount", amount, required=True, positive=True)
        applied = v.date("applied_on", applied_on)
        payment = v.known("payment_number", pay_no, self.payments.get(pay_no), "payment")
        invoice = v.known("invoice_number", inv_no, self.invoices.get(inv_no), "invoice")
        if payment is not None and invoice is not None:
            check_application(
                v, payment, invoice, amount_, applied,  # type: ignore[arg-type]
                reversed_on=payment.reversal[1] if payment.reversal is not None else None,
                account_id=self.contracts_by_id[invoice.contract_id].account_id,
                already_applied=(payment.id, invoice.id) in self.applications,
                unapplied=payment.unapplied_amount(), still_open=invoice.open_amount())
        v.check()
        on = applied or max(payment.received_on, invoice.issued_on)
        self._insert("payment_applications", actor, {
            "payment_id": payment.id, "invoice_id": invoice.id, "amount": amount_,
            "applied_on": on})
        self.applications.add((payment.id, invoice.id))
        payment.applied.append(amount_)
        invoice.applications.append((payment, amount_))

    def reverse_payment(self, actor: Any, *, reversal_number: Any, payment_number: Any,
                        reversed_on: Any, reason: Any) -> None:
        actor = self._actor(actor)
        v = Checker()
        number = v.text("reversal_number", reversal_number, PaymentReversal.reversal_number,
                        required=True)
        pay_no = v.text("payment_number", payment_number, Payment.payment_number, required=True)
        on = v.date("reversed_on", reversed_on, required=True)
        reason_ = v.text("reason", reason, PaymentReversal.reason, required=True)
        payment = v.known("payment_number", pay_no, self.payments.get(pay_no), "payment")
        v.unique("reversal_number", number, number if number in self.reversals else None,
                 "payment reversal")
        if payment is not None:
            check_reversal(v, pay_no, payment,  # type: ignore[arg-type]
                           payment.reversal[0] if payment.reversal is not None else None, on)
        v.check()
        self._insert("payment_reversals", actor, {
            "reversal_number": number, "payment_id": payment.id, "reversed_on": on,
            "reason": reason_})
        self.reversals.add(number)
        payment.reversal = (number, on)

    def record_collection_action(self, actor: Any, *, invoice_number: Any, action_type: Any,
                                 action_on: Any, promised_on: Any = None,
                                 promised_amount: Any = None, notes: Any = None) -> None:
        actor = self._actor(actor)
        v = Checker()
        inv_no = v.text("invoice_number", invoice_number, Invoice.invoice_number, required=True)
        type_ = v.choice("action_type", action_type, COLLECTION_ACTIONS)
        on = v.date("action_on", action_on, required=True)
        promised = v.date("promised_on", promised_on)
        amount = v.money("promised_amount", promised_amount, positive=True)
        notes_ = v.text("notes", notes, CollectionAction.notes, multiline=True)
        invoice = v.known("invoice_number", inv_no, self.invoices.get(inv_no), "invoice")
        check_collection_action(v, invoice, type_, on, promised, amount)  # type: ignore[arg-type]
        v.check()
        self._insert("collection_actions", actor, {
            "invoice_id": invoice.id, "action_type": type_, "action_on": on,
            "promised_on": promised, "promised_amount": amount, "notes": notes_})


# ---------------------------------------------------------------------- writing


def _processors(conn: Connection, table: Table, names: list[str]) -> list[Any]:
    """The columns' bind processors: values stored exactly as the ORM stores them."""
    dialect = conn.dialect
    return [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]


def _insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]],
                 dbapi: bool) -> None:
    names = [c.name for c in table.columns]
    # a column the row leaves out takes its model default, as an ORM insert would
    defaults = {c.name: c.default.arg for c in table.columns
                if c.default is not None and c.default.is_scalar}
    rows = [{**{n: v for n, v in defaults.items() if n not in row}, **row} for row in rows]
    if dbapi:
        procs = _processors(conn, table, names)
        marks = ", ".join("?" * len(names))
        conn.exec_driver_sql(
            f"insert into {table.name} ({', '.join(names)}) values ({marks})",  # noqa: S608
            [tuple(p(row.get(n)) if p else row.get(n) for n, p in zip(names, procs, strict=True))
             for row in rows])
    else:
        conn.execute(insert(table), [{n: row.get(n) for n in names} for row in rows])


def _update_rows(conn: Connection, table: Table, changes: dict[int, dict[str, Any]],
                 dbapi: bool) -> None:
    """One executemany per set of changed columns: `update … set … where id = ?`."""
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for id_, values in changes.items():
        groups.setdefault(tuple(sorted(values)), []).append((id_, values))
    for names, items in groups.items():
        if dbapi:
            procs = _processors(conn, table, list(names))
            sets = ", ".join(f"{n} = ?" for n in names)
            conn.exec_driver_sql(
                f"update {table.name} set {sets} where id = ?",  # noqa: S608
                [(*(p(values[n]) if p else values[n]
                    for n, p in zip(names, procs, strict=True)), id_)
                 for id_, values in items])
        else:
            stmt = (update(table).where(table.c.id == bindparam("b_id"))
                    .values({n: bindparam(f"b_{n}") for n in names}))
            conn.execute(stmt, [{"b_id": id_, **{f"b_{n}": values[n] for n in names}}
                                for id_, values in items])
