"""The bulk demo path's lookups and writer for the high-volume writes of the timeline.

Most of the non-reading writes the timeline plans are the operation stage's — tickets and
their status changes, consumable requests and deliveries, monitoring events, maintenance
plans and visits (~340 k at medium, ~2.8 M at large) — and the billing documents —
invoices, payments, their applications, collection actions, credit notes, reversals
(~75 k at medium). Through the session each costs a few ORM SELECTs and flushes
(~300-1,500 a second; apply_payment ~450). `FastOperations` runs the same domain operations
(`fn.op` of operation.py and billing.py: parse, check, write — docs/domain-api.md, "Lookups
and writers") with another `Lookups` and `Writer`; it holds no rule of its own:

- as `Lookups` it answers from in-memory mirrors of the rows: serials, contracts, accounts,
  tickets and their pauses, visits, requests, invoices, payments, reversals, and the
  unique keys of those tables. The balances (what is credited on an invoice, its open
  amount, a payment's unapplied amount) are computed by the one rule owner,
  `lookups.credited_of` / `open_amount_of` / `unapplied_of`, on the mirrored amounts;
- as `Writer` it keeps each row the operation writes (all its columns: the model's
  defaults, `created_by`, the batch's clock) and its audit row — `audit.record`'s, with the
  `before_json` / `after_json` snapshots `writes.insert` / `writes.update` would record —
  for the week, and writes them at the end of the week's transaction with one
  `executemany` per table and kind of statement (SQLite: the DBAPI's own, values formatted
  by the column types' bind processors; other databases: Core `insert(Table)` and
  `update(Table)`), parents before children, then the audit rows in write order. A change
  to a row inserted the same week is folded into its insert. Ids are assigned here, in
  timeline order, so they are the ids the session path would get (on PostgreSQL the id
  sequences are moved past them). An insert that would break one of the table's unique
  keys is refused with `writes.insert`'s message, as the database would refuse it.

A refused call raises the operation's `ValidationError`, which the executor turns into
`GenerationError` exactly as for a session call. The audit rows of the domain calls of the
same week (installs, renewals, …) join the same buffer (`audit.BUFFER`), so every write of
the week has its audit row, in write order.

The mirrors stay exact because nothing else writes these tables during a generation: the
functions of those modules not handled here (`withdraw_*`) still run through the session,
after the pending rows are written, and make the mirrors reload (fx rates and meter
readings do not touch them). Devices, contracts and accounts are written by domain calls
(install, removal, activation, renewal, closure) in the same transaction: a session
`after_flush` hook copies every flushed Device, Contract and Account into the mirrors, so
a ticket opened the day its device is installed, or an invoice after a renewal, is judged
as the session path would judge it. tests/bench/test_bulk_rules.py checks that the rows
and audit rows are the session path's, row for row, and that refused calls get the same
messages.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Table,
    UniqueConstraint,
    bindparam,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from operational_app.domain import audit, billing, operation
from operational_app.domain.errors import ValidationError
from operational_app.domain.lookups import credited_of, open_amount_of, unapplied_of
from operational_app.store.models import (
    Account,
    AuditLog,
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
MODELS: tuple[type, ...] = (
    Ticket, TicketPause, MaintenancePlan, MaintenanceVisit, ConsumableRequest, DeviceEvent,
    Invoice, CreditNote, Payment, PaymentApplication, PaymentReversal, CollectionAction)
TABLES: tuple[Table, ...] = tuple(m.__table__ for m in MODELS)  # type: ignore[attr-defined]
TABLE_NAMES = frozenset(t.name for t in TABLES)
# mirrored whole (the operations update them: the audit snapshots need every column)
WHOLE = (Ticket, TicketPause, MaintenanceVisit, ConsumableRequest)
AUDIT = AuditLog.__table__
AUDIT_COLUMNS = tuple(c.name for c in AUDIT.columns if c.name != "id")


def _unique_keys(table: Table) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(c.name for c in k.columns) for k in table.constraints
                 if isinstance(k, UniqueConstraint))


def _blank(table: Table) -> dict[str, Any]:
    """A new row's columns before its values: the model's scalar defaults, else None."""
    return {c.name: c.default.arg if c.default is not None and c.default.is_scalar else None
            for c in table.columns}


class _Row:
    """A mirrored row: its column values, read as the attributes an ORM row has."""

    __slots__ = ("model", "values")

    def __init__(self, model: type, values: dict[str, Any]) -> None:
        self.model, self.values = model, values

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


class _Device:
    """What the operations read of a device."""

    __slots__ = ("id", "serial", "contract_id", "installed_on", "removed_on")

    def __init__(self, id_: int, serial: str, contract_id: int, installed_on: date,
                 removed_on: date | None) -> None:
        self.id, self.serial, self.contract_id = id_, serial, contract_id
        self.installed_on, self.removed_on = installed_on, removed_on


class _Contract:
    """What the operations read of a contract."""

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


class _Account:
    __slots__ = ("id", "account_code", "deleted_at")

    def __init__(self, id_: int, code: str, deleted_at: datetime | None) -> None:
        self.id, self.account_code, self.deleted_at = id_, code, deleted_at


def _live(row: Any) -> Any:
    """A lookup without include_withdrawn: a withdrawn row is not found."""
    return row if row is not None and row.deleted_at is None else None


class FastOperations:
    """The `Lookups` and the `Writer` of the fast-path calls, one write transaction at a time.

    Per batch: `begin(session)`, then `handles(module, func)` and
    `call(module, func, actor, fields)` for each planned op in timeline order
    (`before_domain(module, func)` / `after_domain(module, func)` around the ops left to
    the session), then `flush()` before the commit and `committed()` after it. A batch
    that is not committed (an error anywhere) makes the mirrors reload.
    """

    def __init__(self, *, dbapi: bool | None = None) -> None:
        # dbapi: SQLite's own executemany (None = when the database is SQLite)
        self.dbapi = dbapi
        self.session: Session | None = None
        self._stale = True
        self._clean = True
        self._ops: dict[tuple[str, str], Callable[..., Any]] = {
            **{("operation", name): getattr(operation, name).op for name in OPERATION},
            **{("billing", name): getattr(billing, name).op for name in BILLING}}
        self._blank = {t.name: _blank(t) for t in TABLES}
        self._keys_of = {t.name: _unique_keys(t) for t in TABLES}
        self._indexers: dict[str, Callable[[_Row], None]] = {
            "tickets": self._new_ticket, "ticket_pauses": self._new_pause,
            "maintenance_visits": self._new_visit,
            "consumable_requests": self._new_request, "invoices": self._new_invoice,
            "credit_notes": self._new_credit_note, "payments": self._new_payment,
            "payment_applications": self._new_application,
            "payment_reversals": self._new_reversal}
        self._audit: list[dict[str, Any]] = []
        self._reset_buffers()

    # ------------------------------------------------------------------ batch protocol

    def begin(self, session: Session) -> None:
        if not self._clean:
            self._stale = True
        self._clean = False
        self.session, self.now = session, utcnow()
        self._reset_buffers()
        session.info[audit.BUFFER] = self._audit
        event.listen(session, "after_flush", self._after_flush)
        if self._stale:
            self._load(session)

    def handles(self, module: str, func_name: str) -> bool:
        return (module, func_name) in self._ops

    def call(self, module: str, func_name: str, actor: str, fields: dict[str, Any]) -> None:
        if self._stale:
            self.flush()
            self._load(self.session)
        self._ops[(module, func_name)](self, self, actor, **fields)

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
        """Write the buffered rows, then the audit rows (in the batch's transaction); the
        buffers start over."""
        session = self.session
        if session is None or not (any(self._new.values()) or any(self._changes.values())
                                   or self._audit):
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
        if self._audit:
            for row in self._audit:
                row["at"] = row["updated_at"] = self.now
            _insert_rows(conn, AUDIT, self._audit, dbapi, AUDIT_COLUMNS)
        self._reset_buffers()

    def committed(self) -> None:
        self._clean = True
        if self.session is not None:
            self.session.info.pop(audit.BUFFER, None)
        self.session = None

    # ------------------------------------------------------------------ mirrors and buffers

    def _reset_buffers(self) -> None:
        self._new: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
        self._pending: set[tuple[str, int]] = set()
        self._changes: dict[str, dict[int, dict[str, Any]]] = {t.name: {} for t in TABLES}
        self._audit.clear()

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
        self.accounts: dict[str, _Account] = {}
        self.account_codes: dict[int, str] = {}
        for id_, code, deleted in session.execute(
                select(Account.id, Account.account_code, Account.deleted_at)):
            self._put_account(id_, code, deleted)
        self.keys: dict[str, dict[tuple[str, ...], set[tuple[Any, ...]]]] = {}
        for table in TABLES:
            self.keys[table.name] = {
                cols: {tuple(r) for r in session.execute(select(*(table.c[c] for c in cols)))}
                for cols in self._keys_of[table.name]}
        whole = {m: [_Row(m, dict(r)) for r in session.execute(
            select(m.__table__).order_by(m.__table__.c.id)).mappings()]  # type: ignore[attr-defined]
            for m in WHOLE}
        self.tickets: dict[str, _Row] = {r.ticket_number: r for r in whole[Ticket]}
        self.ticket_pauses: dict[int, list[_Row]] = {r.id: [] for r in whole[Ticket]}
        for pause in sorted(whole[TicketPause], key=lambda p: p.paused_at):
            self.ticket_pauses[pause.ticket_id].append(pause)
        self.visits: dict[str, _Row] = {r.visit_code: r for r in whole[MaintenanceVisit]}
        self.requests: dict[str, _Row] = {
            r.request_number: r for r in whole[ConsumableRequest]}
        self._load_billing(session)
        self._next_id: dict[str, int] = {
            t.name: (session.scalar(select(func.max(t.c.id))) or 0) + 1 for t in TABLES}
        self._stale = False

    def _load_billing(self, session: Session) -> None:
        def rows(model: type, *names: str) -> list[_Row]:
            table = model.__table__  # type: ignore[attr-defined]
            return [_Row(model, dict(r)) for r in session.execute(
                select(*(table.c[n] for n in names)).order_by(table.c.id)).mappings()]

        self.invoices: dict[str, _Row] = {}
        self.credits: dict[int, list[Decimal]] = {}
        self.invoice_applications: dict[int, list[tuple[int, Decimal]]] = {}
        for r in rows(Invoice, "id", "invoice_number", "contract_id", "issued_on", "total",
                      "currency"):
            self._new_invoice(r)
        for r in rows(CreditNote, "id", "invoice_id", "total"):
            self._new_credit_note(r)
        self.payments: dict[str, _Row] = {}
        self.payment_applications: dict[int, list[Decimal]] = {}
        for r in rows(Payment, "id", "payment_number", "account_id", "received_on", "amount",
                      "currency"):
            self._new_payment(r)
        for r in rows(PaymentApplication, "id", "payment_id", "invoice_id", "amount"):
            self._new_application(r)
        self.reversals: dict[str, _Row] = {}
        self.reversed: dict[int, _Row] = {}
        for r in rows(PaymentReversal, "id", "reversal_number", "payment_id", "reversed_on"):
            self._new_reversal(r)

    # the indexes a written row joins (the lookups below read them)

    def _new_ticket(self, row: _Row) -> None:
        self.tickets[row.ticket_number] = row
        self.ticket_pauses[row.id] = []

    def _new_pause(self, row: _Row) -> None:
        insort(self.ticket_pauses[row.ticket_id], row, key=lambda p: p.paused_at)

    def _new_visit(self, row: _Row) -> None:
        self.visits[row.visit_code] = row

    def _new_request(self, row: _Row) -> None:
        self.requests[row.request_number] = row

    def _new_invoice(self, row: _Row) -> None:
        self.invoices[row.invoice_number] = row
        self.credits[row.id] = []
        self.invoice_applications[row.id] = []

    def _new_credit_note(self, row: _Row) -> None:
        self.credits[row.invoice_id].append(row.total)

    def _new_payment(self, row: _Row) -> None:
        self.payments[row.payment_number] = row
        self.payment_applications[row.id] = []

    def _new_application(self, row: _Row) -> None:
        self.invoice_applications[row.invoice_id].append((row.payment_id, row.amount))
        self.payment_applications[row.payment_id].append(row.amount)

    def _new_reversal(self, row: _Row) -> None:
        self.reversals[row.reversal_number] = row
        self.reversed[row.payment_id] = row

    def _put_contract(self, contract: _Contract) -> None:
        old = self.contracts_by_id.get(contract.id)
        if old is not None and old.contract_number != contract.contract_number:
            self.contracts.pop(old.contract_number, None)
        self.contracts[contract.contract_number] = self.contracts_by_id[contract.id] = contract

    def _put_account(self, id_: int, code: str, deleted_at: datetime | None) -> None:
        old = self.account_codes.get(id_)
        if old is not None and old != code:
            self.accounts.pop(old, None)
        self.accounts[code], self.account_codes[id_] = _Account(id_, code, deleted_at), code

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

    # ------------------------------------------------------------------ Writer

    def insert(self, actor: str, model: type, values: dict[str, Any], key: str,
               key_field: str) -> _Row:
        """writes.insert: the row (with created_by and the model's defaults), checked
        against the table's unique keys as the database would, then its audit row."""
        table = model.__tablename__  # type: ignore[attr-defined]
        id_ = self._next_id[table]
        row = {**self._blank[table], **values, "id": id_, "created_at": self.now,
               "created_by": actor, "updated_at": self.now}
        keys = self.keys[table]
        taken = [(cols, tuple(row[c] for c in cols)) for cols in keys]
        for cols, value in taken:
            if None not in value and value in keys[cols]:
                raise ValidationError(
                    key_field, "'{key}' already exists (written concurrently by another user)",
                    key=key)
        for cols, value in taken:
            keys[cols].add(value)
        self._next_id[table] = id_ + 1
        self._new[table].append(row)
        self._pending.add((table, id_))
        written = _Row(model, row)
        indexer = self._indexers.get(table)
        if indexer is not None:
            indexer(written)
        audit.record(self.session, actor, "create", table, key, None,  # type: ignore[arg-type]
                     audit.snapshot_of(model, row))
        return written

    def update(self, actor: str, row: _Row, key: str, **changes: Any) -> _Row:
        """writes.update: the changes and a new updated_at, audited before and after."""
        table = row.model.__tablename__  # type: ignore[attr-defined]
        before = audit.snapshot_of(row.model, row.values)
        changes["updated_at"] = self.now
        row.values.update(changes)  # a row inserted this week: its pending insert
        if (table, row.id) not in self._pending:
            self._changes[table].setdefault(row.id, {}).update(changes)
        audit.record(self.session, actor, "update", table, key, before,  # type: ignore[arg-type]
                     audit.snapshot_of(row.model, row.values))
        return row

    # ------------------------------------------------------------------ Lookups

    def contract(self, number: str | None) -> _Contract | None:
        return self.contracts.get(number)  # type: ignore[arg-type]

    def contract_by_id(self, id_: int) -> _Contract:
        return self.contracts_by_id[id_]

    def device(self, serial: str | None) -> _Device | None:
        return self.devices.get(serial)  # type: ignore[arg-type]

    def device_by_id(self, id_: int) -> _Device | None:
        return self.devices_by_id.get(id_)

    def account(self, code: str | None) -> _Account | None:
        return _live(self.accounts.get(code))  # type: ignore[arg-type]

    def ticket(self, number: str | None, *, lock: bool = False,
               include_withdrawn: bool = False) -> _Row | None:
        row = self.tickets.get(number)  # type: ignore[arg-type]
        return row if include_withdrawn else _live(row)

    def pauses(self, ticket: _Row) -> list[_Row]:
        return self.ticket_pauses.get(ticket.id, [])

    def visit(self, code: str | None, *, lock: bool = False,
              include_withdrawn: bool = False) -> _Row | None:
        row = self.visits.get(code)  # type: ignore[arg-type]
        return row if include_withdrawn else _live(row)

    def consumable_request(self, number: str | None, *, lock: bool = False,
                           include_withdrawn: bool = False) -> _Row | None:
        row = self.requests.get(number)  # type: ignore[arg-type]
        return row if include_withdrawn else _live(row)

    def has_maintenance_plan(self, device: _Device) -> bool:
        return (device.id,) in self.keys["maintenance_plans"][("device_id",)]

    def has_device_event(self, device: _Device, at: datetime, event_type: str) -> bool:
        return (device.id, at, event_type) in \
            self.keys["device_events"][("device_id", "event_at", "event_type")]

    def invoice(self, number: str | None, *, lock: bool = False) -> _Row | None:
        return self.invoices.get(number)  # type: ignore[arg-type]

    def credit_note(self, number: str | None) -> str | None:
        """The number when a credit note has it (the operation only asks whether)."""
        taken = self.keys["credit_notes"][("credit_note_number",)]
        return number if (number,) in taken else None

    def payment(self, number: str | None, *, lock: bool = False) -> _Row | None:
        return self.payments.get(number)  # type: ignore[arg-type]

    def reversal(self, number: str | None) -> _Row | None:
        return self.reversals.get(number) if number else None  # type: ignore[arg-type]

    def reversal_of(self, payment: _Row) -> _Row | None:
        return self.reversed.get(payment.id)

    def is_applied(self, payment: _Row, invoice: _Row) -> bool:
        return (payment.id, invoice.id) in \
            self.keys["payment_applications"][("payment_id", "invoice_id")]

    def invoice_credited(self, invoice: _Row) -> Decimal:
        return credited_of(self.credits[invoice.id])

    def open_amount(self, invoice: _Row) -> Decimal:
        reversed_ = self.reversed
        return open_amount_of(
            invoice.total,
            [amount for payment_id, amount in self.invoice_applications[invoice.id]
             if payment_id not in reversed_],
            self.credits[invoice.id])

    def unapplied_amount(self, payment: _Row) -> Decimal:
        return unapplied_of(payment.amount, self.payment_applications[payment.id],
                            payment.id in self.reversed)


# ---------------------------------------------------------------------- writing


def _processors(conn: Connection, table: Table, names: list[str]) -> list[Any]:
    """The columns' bind processors: values stored exactly as the ORM stores them."""
    dialect = conn.dialect
    return [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]


def _insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]],
                 dbapi: bool, columns: tuple[str, ...] | None = None) -> None:
    """`rows` (every column of `columns`, default all) by one executemany."""
    names = list(columns) if columns is not None else [c.name for c in table.columns]
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
