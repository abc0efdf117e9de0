# ruff: noqa: S608 - table and column names come from the models, not from input
"""The bulk demo path (operational_app/demo/bulk.py) writes a business that obeys the domain
rules: the same rows as the domain path where it bypasses the domain layer (meter readings,
and the operation and billing writes of its fast path, bulk_ops.py), the same refusals, and
every invariant the domain layer would have enforced, checked on the stored rows."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from operational_app.store.models import Base
from operational_app.store.types import ExactDecimal

# `make test` distributes by file (--dist loadfile): the module's three generations are
# built once, on one worker
pytestmark = [pytest.mark.e2e]

UNTIL = date(2026, 10, 31)
MONEY_TEXT = re.compile(r"^-?\d+\.\d{2}$")


FAST_FUNCS = {f"operation.{f}" for f in (
    "open_ticket", "respond_ticket", "pause_ticket", "resume_ticket", "resolve_ticket",
    "close_ticket", "create_maintenance_plan", "schedule_visit", "complete_visit",
    "request_consumable", "deliver_consumable", "record_device_event")} | {
    f"billing.{f}" for f in ("issue_invoice", "issue_credit_note", "record_payment",
                             "apply_payment", "reverse_payment", "record_collection_action")}
FAST_TABLES = ("tickets", "ticket_pauses", "maintenance_plans", "maintenance_visits",
               "consumable_requests", "device_events", "invoices", "credit_notes", "payments",
               "payment_applications", "payment_reversals", "collection_actions")
# wall-clock stamps differ between runs; password hashes are salted
# system timestamps (the machine's clock), posted_at included (the billing run's posting)
NOT_COMPARED = {"created_at", "updated_at", "at", "password_hash", "posted_at"}


@pytest.fixture(scope="module")
def fast_calls() -> Counter:
    return Counter()


@pytest.fixture(scope="module")
def dbs(tmp_path_factory: pytest.TempPathFactory, fast_calls: Counter
        ) -> tuple[Path, Path, Path]:
    """The domain path, the bulk path (its fast path on) and the bulk path with every
    non-reading write through the domain functions (`fast=False`)."""
    from operational_app.demo import bulk, bulk_ops, generator
    from operational_app.store.engine import dispose_engines

    base = tmp_path_factory.mktemp("bulk")
    domain_db, bulk_db, slow_db = base / "domain.db", base / "bulk.db", base / "slow.db"
    generator.generate(f"sqlite:///{domain_db}", scale="tiny", until=UNTIL, progress=None)
    real_call = bulk_ops.FastOperations.call

    def counted(self, module, func_name, actor, fields):
        fast_calls[f"{module}.{func_name}"] += 1
        return real_call(self, module, func_name, actor, fields)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bulk_ops.FastOperations, "call", counted)
        bulk.generate(f"sqlite:///{slow_db}", scale="tiny", until=UNTIL, progress=None,
                      fast=False)
        assert not fast_calls, "fast=False must not use the fast path"
        bulk.generate(f"sqlite:///{bulk_db}", scale="tiny", until=UNTIL, progress=None)
    dispose_engines()
    return domain_db, bulk_db, slow_db


def q(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


READINGS = ("select d.serial, r.read_on, r.mono_counter, r.color_counter, r.source, "
            "r.meter_reset, r.deleted_at from meter_readings r join devices d on d.id = r.device_id "
            "order by d.serial, r.read_on, r.meter_reset")


def test_bulk_writes_the_same_business_as_the_domain_path(dbs):
    domain_db, bulk_db, _ = dbs
    assert q(bulk_db, READINGS) == q(domain_db, READINGS)
    assert len(q(bulk_db, READINGS)) > 1000
    for table in sorted(Base.metadata.tables):
        if table in ("audit_log", "alembic_version"):
            continue
        cols = [c.name for c in Base.metadata.tables[table].columns
                if c.name not in ("id", "created_at", "updated_at", "password_hash", "posted_at")
                and not c.name.endswith("_id") and c.name != "deleted_at"]
        sql = f"select {', '.join(cols)} from {table} order by {', '.join(cols)}"
        assert q(bulk_db, sql) == q(domain_db, sql), table


def _compared(table: str) -> list[str]:
    if table == "audit_log":
        return ["username", "action", "entity", "entity_key", "before_json", "after_json"]
    return [c.name for c in Base.metadata.tables[table].columns if c.name not in NOT_COMPARED]


def _without_stamps(rows: list[tuple]) -> list[tuple]:
    """Audit rows with the system timestamps of their snapshots left out (the clock at the
    write: the CFDI phase's per-row audit of settings and documents carries them)."""
    def strip(text: str | None) -> object:
        if not text:
            return text
        data = json.loads(text)
        return {k: v for k, v in data.items() if k not in NOT_COMPARED} \
            if isinstance(data, dict) else data
    return [(*r[:4], strip(r[4]), strip(r[5])) for r in rows]


def test_fast_path_writes_the_domain_functions_rows(dbs, fast_calls):
    """Row for row, ids and foreign keys included, in every table (the audit rows too, one
    per write): the fast path writes what the domain functions write."""
    _, fast_db, slow_db = dbs
    assert set(fast_calls) == FAST_FUNCS, "tiny exercises every fast-path function"
    for table in FAST_TABLES:
        assert q(fast_db, f"select count(*) from {table}")[0][0] > 0, table
    for table in sorted(Base.metadata.tables):
        cols = _compared(table)
        sql = f"select {', '.join(cols)} from {table} order by id"
        if table == "audit_log":
            assert _without_stamps(q(fast_db, sql)) == _without_stamps(q(slow_db, sql)), table
        else:
            assert q(fast_db, sql) == q(slow_db, sql), table
    # stored alike, byte for byte (SQLite keeps what it is given: text stamps, 0/1 flags)
    for table in FAST_TABLES:
        cols = [c.name for c in Base.metadata.tables[table].columns]
        sql = (f"select {', '.join(f'typeof({c}), length({c})' for c in cols)} "
               f"from {table} order by id")
        assert q(fast_db, sql) == q(slow_db, sql), table


def test_operation_rows_obey_the_domain_rules(dbs):
    db = dbs[1]
    life = ("join devices d on d.id = x.device_id where date({at}) < d.installed_on "
            "or (d.removed_on is not null and date({at}) > d.removed_on)")
    for table, at in (("consumable_requests", "x.requested_at"),
                      ("device_events", "x.event_at"), ("maintenance_visits", "x.due_on"),
                      ("maintenance_visits", "x.done_on"), ("tickets", "x.opened_at"),
                      ("maintenance_plans", "x.starts_on")):
        assert q(db, f"select x.id from {table} x " + life.format(at=at)) == [], (table, at)
    assert q(db, "select ticket_number from tickets where first_response_at < opened_at "
                 "or resolved_at < first_response_at or closed_at < resolved_at "
                 "or (closed_at is not null and resolved_at is null) "
                 "or (ticket_type = 'corrective' and resolved_at is not null "
                 "and first_time_fix is null)") == []
    assert q(db, "select t.ticket_number from tickets t join contracts c "
                 "on c.id = t.contract_id left join devices d on d.id = t.device_id "
                 "where c.activated_on is null or date(t.opened_at) < c.activated_on "
                 "or (d.id is not null and d.contract_id <> t.contract_id)") == []
    assert q(db, "select p.id from ticket_pauses p join tickets t on t.id = p.ticket_id "
                 "where p.paused_at < t.opened_at or p.resumed_at < p.paused_at "
                 "or (t.resolved_at is not null and (p.resumed_at is null "
                 "or t.resolved_at < p.resumed_at))") == []
    assert q(db, "select request_number from consumable_requests "
                 "where delivered_at < requested_at") == []


def _refusal(url: str, calls: list[tuple[str, dict]], fast: bool) -> str:
    """Run `calls` in one transaction (rolled back); the last must be refused: its message.
    A call is (function, fields), the function named `module.function` outside operation."""
    from operational_app.demo.bulk_ops import FastOperations
    from operational_app.demo.timeline import _domain_function
    from operational_app.domain.errors import ValidationError
    from operational_app.store.engine import write_session

    ops = FastOperations()
    with pytest.raises(ValidationError) as caught, write_session(url) as session:
        ops.begin(session)
        for n, (func, fields) in enumerate(calls, start=1):
            module, _, name = func.rpartition(".")
            module = module or "operation"
            try:
                if fast:
                    ops.call(module, name, "operacion", fields)
                else:
                    _domain_function(module, name)(session, "operacion", **fields)
            except ValidationError:
                assert n == len(calls), f"{func} {fields} refused before the last call"
                raise
    return str(caught.value)


def test_fast_path_refuses_what_the_domain_refuses(dbs):
    """Each rule of the fast-path functions (operation and billing): the fast path refuses
    the same calls with the same message (the executor turns it into GenerationError)."""
    db = dbs[2]
    ts = datetime.fromisoformat
    hour, day = timedelta(hours=1), timedelta(days=1)
    req, req_at = q(db, "select request_number, requested_at from consumable_requests "
                        "where delivered_at is not null order by id limit 1")[0]
    gone, gone_in, gone_on = q(db, "select serial, installed_on, removed_on from devices "
                                   "where removed_on is not null order by id limit 1")[0]
    ev_serial, ev_type, ev_at = q(db, "select d.serial, e.event_type, e.event_at "
                                      "from device_events e join devices d "
                                      "on d.id = e.device_id order by e.id limit 1")[0]
    tk, tk_at, contract, activated, serial = q(
        db, "select t.ticket_number, t.opened_at, c.contract_number, c.activated_on, "
            "d.serial from tickets t join contracts c on c.id = t.contract_id "
            "join devices d on d.id = t.device_id where t.closed_at is not null "
            "and d.removed_on is null order by t.id limit 1")[0]
    other = q(db, "select d.serial from devices d join contracts c on c.id = d.contract_id "
                  "where c.contract_number <> ? order by d.id limit 1", (contract,))[0][0]
    planned = q(db, "select d.serial from maintenance_plans p join devices d "
                    "on d.id = p.device_id order by p.id limit 1")[0][0]
    visit, done = q(db, "select visit_code, done_on from maintenance_visits "
                        "where done_on is not null order by id limit 1")[0]
    t0 = ts(tk_at)
    new = {"contract_number": contract, "serial": serial, "ticket_type": "corrective",
           "opened_at": t0}

    def opened(number: str, *more: tuple[str, dict]) -> list[tuple[str, dict]]:
        return [("open_ticket", {"ticket_number": number, **new}), *more]

    cases = {
        "unknown request": [("deliver_consumable", {"request_number": "CON-999999",
                                                    "delivered_at": t0})],
        "delivered twice, before its request": [("deliver_consumable", {
            "request_number": req, "delivered_at": ts(req_at) - hour})],
        "request: duplicate, quantity 0, before install": [("request_consumable", {
            "request_number": req, "serial": gone, "item": "Tóner negro", "quantity": 0,
            "requested_at": datetime.combine(date.fromisoformat(gone_in) - day, time(10))})],
        "request: blank item, too many, after removal": [("request_consumable", {
            "request_number": "CON-T1", "serial": gone, "item": " ", "quantity": 10_001,
            "requested_at": datetime.combine(date.fromisoformat(gone_on) + day, time(10))})],
        "event: bad type after removal": [("record_device_event", {
            "serial": gone, "event_type": "sideways",
            "event_at": datetime.combine(date.fromisoformat(gone_on) + day, time(3))})],
        "event: duplicate": [("record_device_event", {
            "serial": ev_serial, "event_type": ev_type, "event_at": ev_at})],
        "event: unknown device, no time": [("record_device_event", {
            "serial": "NOPE-1", "event_type": "UP", "event_at": None})],
        "ticket: duplicate, other contract's device, before activation": [("open_ticket", {
            "ticket_number": tk, "contract_number": contract, "serial": other,
            "ticket_type": "corrective", "priority": "urgent",
            "opened_at": datetime.combine(date.fromisoformat(activated) - day, time(9))})],
        "ticket: unknown contract, type, bad time": [("open_ticket", {
            "ticket_number": "TK-T0", "contract_number": "C-NOPE", "ticket_type": "warranty",
            "opened_at": "2026-13-01T10:00", "description": "=cmd"})],
        "respond twice, before opening": [("respond_ticket", {
            "ticket_number": tk, "first_response_at": t0 - hour})],
        "resolve twice, bad flag": [("resolve_ticket", {
            "ticket_number": tk, "resolved_at": t0, "first_time_fix": "maybe"})],
        "close twice": [("close_ticket", {"ticket_number": tk, "closed_at": t0})],
        "pause a resolved ticket": [("pause_ticket", {"ticket_number": tk,
                                                      "paused_at": t0 + hour})],
        "resume a ticket not paused": [("resume_ticket", {"ticket_number": tk,
                                                          "resumed_at": t0 + hour})],
        "unknown ticket": [("close_ticket", {"ticket_number": "TK-NOPE", "closed_at": t0})],
        "corrective resolved without first-time fix": opened(
            "TK-T1", ("respond_ticket", {"ticket_number": "TK-T1",
                                         "first_response_at": t0 + hour}),
            ("resolve_ticket", {"ticket_number": "TK-T1", "resolved_at": t0})),
        "response after the resolution": opened(
            "TK-T2", ("resolve_ticket", {"ticket_number": "TK-T2", "resolved_at": t0 + hour,
                                         "first_time_fix": True}),
            ("respond_ticket", {"ticket_number": "TK-T2",
                                "first_response_at": t0 + 2 * hour})),
        "paused twice": opened(
            "TK-T3", ("pause_ticket", {"ticket_number": "TK-T3", "paused_at": t0 + hour}),
            ("pause_ticket", {"ticket_number": "TK-T3", "paused_at": t0 + 2 * hour})),
        "resolved while paused": opened(
            "TK-T4", ("pause_ticket", {"ticket_number": "TK-T4", "paused_at": t0 + hour}),
            ("resolve_ticket", {"ticket_number": "TK-T4", "resolved_at": t0 + 2 * hour,
                                "first_time_fix": False})),
        "resumed before the pause": opened(
            "TK-T5", ("pause_ticket", {"ticket_number": "TK-T5", "paused_at": t0 + 2 * hour}),
            ("resume_ticket", {"ticket_number": "TK-T5", "resumed_at": t0 + hour})),
        "paused again before the last resume": opened(
            "TK-T6", ("pause_ticket", {"ticket_number": "TK-T6", "paused_at": t0 + hour}),
            ("resume_ticket", {"ticket_number": "TK-T6", "resumed_at": t0 + 3 * hour}),
            ("pause_ticket", {"ticket_number": "TK-T6", "paused_at": t0 + 2 * hour})),
        "resolved before the last resume": opened(
            "TK-T7", ("pause_ticket", {"ticket_number": "TK-T7", "paused_at": t0 + hour}),
            ("resume_ticket", {"ticket_number": "TK-T7", "resumed_at": t0 + 3 * hour}),
            ("resolve_ticket", {"ticket_number": "TK-T7", "resolved_at": t0 + 2 * hour,
                                "first_time_fix": True})),
        "paused twice at the same moment (unique key)": opened(
            "TK-T8", ("pause_ticket", {"ticket_number": "TK-T8", "paused_at": t0 + hour}),
            ("resume_ticket", {"ticket_number": "TK-T8", "resumed_at": t0 + hour}),
            ("pause_ticket", {"ticket_number": "TK-T8", "paused_at": t0 + hour})),
        "closed unresolved, before opening": opened(
            "TK-T9", ("close_ticket", {"ticket_number": "TK-T9", "closed_at": t0 - hour})),
        "second maintenance plan, interval 25": [("create_maintenance_plan", {
            "serial": planned, "interval_months": 25, "starts_on": "2020-01-01"})],
        "visit: duplicate code, before install": [("schedule_visit", {
            "visit_code": visit, "serial": gone,
            "due_on": date.fromisoformat(gone_in) - day})],
        "visit done twice": [("complete_visit", {"visit_code": visit, "done_on": done})],
        "unknown visit": [("complete_visit", {"visit_code": "MP-NOPE",
                                              "done_on": "2026-02-30"})],
        "visit done after the removal": [
            ("schedule_visit", {"visit_code": "MP-T1", "serial": gone, "due_on": gone_on}),
            ("complete_visit", {"visit_code": "MP-T1",
                                "done_on": date.fromisoformat(gone_on) + day})],
    }
    cases.update(_billing_refusals(db))
    url = f"sqlite:///{db}"
    for name, calls in cases.items():
        expected = _refusal(url, calls, fast=False)
        assert _refusal(url, calls, fast=True) == expected, name


def _billing_refusals(db: Path) -> dict[str, list[tuple[str, dict]]]:
    day = timedelta(days=1)
    inv, contract, account, period, issued, total, currency = q(
        db, "select i.invoice_number, c.contract_number, a.account_code, i.period_start, "
            "i.issued_on, i.total, i.currency from invoices i join contracts c "
            "on c.id = i.contract_id join accounts a on a.id = c.account_id "
            # an invoice nothing credited yet (the last ones may be credited duplicates)
            "where not exists (select 1 from credit_notes n where n.invoice_id = i.id) "
            "order by i.id desc limit 1")[0]
    other_inv = q(db, "select i.invoice_number from invoices i join contracts c "
                      "on c.id = i.contract_id join accounts a on a.id = c.account_id "
                      "where a.account_code <> ? order by i.id desc limit 1", (account,))[0][0]
    pay, pay_inv, received = q(
        db, "select p.payment_number, i.invoice_number, p.received_on "
            "from payment_applications x join payments p on p.id = x.payment_id "
            "join invoices i on i.id = x.invoice_id where p.id not in "
            "(select payment_id from payment_reversals) order by x.id limit 1")[0]
    bounced, rev = q(db, "select p.payment_number, r.reversal_number from payment_reversals r "
                         "join payments p on p.id = r.payment_id")[0]
    note = q(db, "select credit_note_number from credit_notes")[0][0]
    issued_d = date.fromisoformat(issued)
    pay_new = {"payment_number": "PAG-T1", "account_code": account, "received_on": issued,
               "amount": "100.00", "currency": currency}
    return {
        "invoice: duplicate, unbalanced, mid-month, due before issue": [("billing.issue_invoice", {
            "invoice_number": inv, "contract_number": contract, "period_start": "2026-03-15",
            "issued_on": issued, "due_on": issued_d - day, "subtotal": "100.00",
            "tax_amount": "16.00", "total": "116.01", "currency": "USD"})],
        "invoice: outside the billable months, issued before the period": [(
            "billing.issue_invoice", {
                "invoice_number": "FAC-T1", "contract_number": contract,
                "period_start": "2099-01-01", "issued_on": "2098-12-01", "subtotal": "1",
                "tax_amount": "0.16", "total": "1.16", "currency": currency})],
        "invoice: unknown contract, 3 decimals": [("billing.issue_invoice", {
            "invoice_number": "FAC-T2", "contract_number": "C-NOPE", "period_start": period,
            "issued_on": issued, "subtotal": "1.001", "tax_amount": "0", "total": "1",
            "currency": "MXN"})],
        "credit note: duplicate, too much, before the invoice": [("billing.issue_credit_note", {
            "credit_note_number": note, "invoice_number": inv, "issued_on": issued_d - day,
            "subtotal": total, "tax_amount": "0.01",
            "total": str(Decimal(total) + Decimal("0.01"))})],
        "credit note: unknown invoice, zero": [("billing.issue_credit_note", {
            "credit_note_number": "NC-T1", "invoice_number": "FAC-NOPE", "issued_on": issued,
            "subtotal": "0", "tax_amount": "0", "total": "0"})],
        "credit notes together beyond the total": [
            ("billing.issue_credit_note", {
                "credit_note_number": "NC-T2", "invoice_number": inv, "issued_on": issued,
                "subtotal": total, "tax_amount": "0", "total": total}),
            ("billing.issue_credit_note", {
                "credit_note_number": "NC-T3", "invoice_number": inv, "issued_on": issued,
                "subtotal": "0.01", "tax_amount": "0", "total": "0.01"})],
        "payment: unknown account, duplicate, negative, EUR": [("billing.record_payment", {
            "payment_number": pay, "account_code": "ACC-NOPE", "received_on": issued,
            "amount": "-5", "currency": "EUR", "method": "=1+1"})],
        "apply: reversed payment": [("billing.apply_payment", {
            "payment_number": bounced, "invoice_number": inv, "amount": "1.00"})],
        "apply: twice, more than left, before the payment": [("billing.apply_payment", {
            "payment_number": pay, "invoice_number": pay_inv, "amount": "99999999.00",
            "applied_on": date.fromisoformat(received) - day})],
        "apply: another account's invoice": [("billing.record_payment", pay_new), (
            "billing.apply_payment", {"payment_number": "PAG-T1", "invoice_number": other_inv,
                                      "amount": "1.00"})],
        "apply: more than the payment has left": [
            ("billing.record_payment", pay_new),
            ("billing.issue_invoice", {
                "invoice_number": "FAC-T3", "contract_number": contract, "period_start": period,
                "issued_on": issued, "subtotal": "500.00", "tax_amount": "0.00",
                "total": "500.00", "currency": currency}),
            ("billing.apply_payment", {"payment_number": "PAG-T1", "invoice_number": "FAC-T3",
                                       "amount": "60.00"}),
            ("billing.apply_payment", {"payment_number": "PAG-T1", "invoice_number": inv,
                                       "amount": "40.01"})],
        "apply: more than the invoice has open after a credit note": [
            ("billing.record_payment", pay_new),
            ("billing.issue_invoice", {
                "invoice_number": "FAC-T4", "contract_number": contract, "period_start": period,
                "issued_on": issued, "subtotal": "50.00", "tax_amount": "0.00",
                "total": "50.00", "currency": currency}),
            ("billing.issue_credit_note", {
                "credit_note_number": "NC-T4", "invoice_number": "FAC-T4", "issued_on": issued,
                "subtotal": "10.00", "tax_amount": "0.00", "total": "10.00"}),
            ("billing.apply_payment", {"payment_number": "PAG-T1", "invoice_number": "FAC-T4",
                                       "amount": "40.01"})],
        "apply: unknown payment and invoice": [("billing.apply_payment", {
            "payment_number": "PAG-NOPE", "invoice_number": "FAC-NOPE", "amount": "1"})],
        "reverse: twice, duplicate number, before the payment, no reason": [(
            "billing.reverse_payment", {
                "reversal_number": rev, "payment_number": bounced, "reversed_on": "2001-01-01",
                "reason": " "})],
        "apply after a reversal": [
            ("billing.record_payment", pay_new),
            ("billing.reverse_payment", {"reversal_number": "REV-T1", "payment_number": "PAG-T1",
                                         "reversed_on": issued, "reason": "Cheque devuelto"}),
            ("billing.apply_payment", {"payment_number": "PAG-T1", "invoice_number": inv,
                                       "amount": "1.00"})],
        "collection: promise without date and amount, before the invoice": [(
            "billing.record_collection_action", {
                "invoice_number": inv, "action_type": "promise_to_pay",
                "action_on": issued_d - day})],
        "collection: promise beyond the total, before the action": [(
            "billing.record_collection_action", {
                "invoice_number": inv, "action_type": "Promise_To_Pay", "action_on": issued,
                "promised_on": issued_d - day,
                "promised_amount": str(Decimal(total) + Decimal("1.00"))})],
        "collection: a call with a promise's fields": [("billing.record_collection_action", {
            "invoice_number": inv, "action_type": "call", "action_on": issued,
            "promised_on": issued, "promised_amount": "5.00", "notes": "<b>x"})],
        "collection: unknown invoice and type": [("billing.record_collection_action", {
            "invoice_number": "FAC-NOPE", "action_type": "letter", "action_on": issued})],
    }


def test_a_refused_fast_call_stops_the_generation_and_writes_nothing(dbs, tmp_path):
    from operational_app.demo.bulk import BulkExecutor
    from operational_app.demo.timeline import GenerationError, Op
    from operational_app.store.engine import dispose_engines

    db = tmp_path / "copy.db"
    shutil.copy(dbs[2], db)
    serial, = q(db, "select serial from devices where removed_on is null order by id")[0]
    day = date(2026, 10, 20)
    batch = [
        Op(day, 5, 1, "operation", "request_consumable", "operacion", {
            "request_number": "CON-T1", "serial": serial, "item": "Tóner negro",
            "quantity": 1, "requested_at": datetime.combine(day, time(10))}),
        Op(day, 5, 2, "operation", "deliver_consumable", "operacion",
           lambda: {"request_number": "CON-T2", "delivered_at": datetime.combine(day, time(9))}),
    ]
    audit_rows = q(db, "select count(*) from audit_log")
    executor = BulkExecutor(f"sqlite:///{db}")
    with pytest.raises(GenerationError, match="unknown consumable request 'CON-T2'"):
        executor.run(iter(batch))
    dispose_engines()
    assert q(db, "select count(*) from consumable_requests where request_number = 'CON-T1'"
             ) == [(0,)]
    assert q(db, "select count(*) from audit_log") == audit_rows  # not even the batch's row


def test_domain_calls_on_the_operation_tables_see_the_fast_rows(dbs, tmp_path):
    """An operation call left to the domain layer (withdraw_ticket) sees the rows planned
    before it in the same week, and the fast path sees its change afterwards."""
    from operational_app.demo.bulk import BulkExecutor
    from operational_app.demo.timeline import GenerationError, Op
    from operational_app.store.engine import dispose_engines

    contract, serial, opened = q(
        dbs[2], "select c.contract_number, d.serial, t.opened_at from tickets t "
                "join contracts c on c.id = t.contract_id join devices d on d.id = t.device_id "
                "where d.removed_on is null order by t.id desc limit 1")[0]
    at = datetime.fromisoformat(opened)

    def op(seq: int, func: str, **fields) -> Op:
        return Op(at.date(), 5, seq, "operation", func, "operacion", fields)

    def ticket(number: str) -> dict:
        return {"ticket_number": number, "contract_number": contract, "serial": serial,
                "ticket_type": "request", "opened_at": at}

    rows = {}
    for fast in (False, True):
        db = tmp_path / f"copy-{fast}.db"
        shutil.copy(dbs[2], db)
        executor = BulkExecutor(f"sqlite:///{db}", fast=fast)
        executor.run(iter([
            op(1, "open_ticket", **ticket("TK-T1")),
            op(2, "withdraw_ticket", ticket_number="TK-T1"),
            op(3, "open_ticket", **ticket("TK-T2")),
            op(4, "respond_ticket", ticket_number="TK-T2", first_response_at=at),
        ]))
        with pytest.raises(GenerationError, match="unknown ticket 'TK-T1'"):
            executor.run(iter([op(5, "respond_ticket", ticket_number="TK-T1",
                                  first_response_at=at)]))
        dispose_engines()
        rows[fast] = q(db, "select id, ticket_number, first_response_at, deleted_by, "
                           "deleted_at is not null from tickets where ticket_number like "
                           "'TK-T%' order by id")
    assert len(rows[True]) == 2 and rows[True][0][-1] == 1
    assert rows[True] == rows[False]


def test_fast_path_on_postgresql_writes_the_same_rows(dbs, pg_url):
    """The Core path (insert(Table)/update(Table), explicit ids, sequences moved past them)
    on PostgreSQL: the same rows as the domain functions wrote on SQLite."""
    from operational_app.demo import bulk
    from operational_app.domain import operation
    from operational_app.store.engine import dispose_engines, write_session
    from operational_app.store.models import Contract, Ticket

    bulk.generate(pg_url, scale="tiny", until=UNTIL, progress=None)
    pg, lite = create_engine(pg_url), create_engine(f"sqlite:///{dbs[2]}")
    try:
        for name in (*FAST_TABLES, "audit_log"):
            table = Base.metadata.tables[name]
            stmt = select(*(table.c[c] for c in _compared(name))).order_by(table.c.id)
            if name == "audit_log":
                stmt = stmt.where(table.c.entity.in_(FAST_TABLES))
            with pg.connect() as a, lite.connect() as b:
                got, want = a.execute(stmt).all(), b.execute(stmt).all()
                if name == "audit_log":  # the CFDI phase's per-row snapshots carry the clock
                    got, want = _without_stamps(got), _without_stamps(want)
                assert got == want, name
        with write_session(pg_url) as session:
            last = session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
            new = operation.open_ticket(
                session, "operacion", ticket_number="TK-TEST-1",
                contract_number=session.get(Contract, last.contract_id).contract_number,
                ticket_type="request", opened_at=last.opened_at)
            assert new.id == last.id + 1  # the id sequence was moved past the explicit ids
    finally:
        pg.dispose()
        lite.dispose()
        dispose_engines()


def test_counters_never_regress_without_a_meter_reset(dbs):
    rows = q(dbs[1], "select device_id, read_on, meter_reset, mono_counter, color_counter "
                     "from meter_readings where deleted_at is null "
                     "order by device_id, read_on, meter_reset")
    prev = None
    for device, _day, reset, mono, color in rows:
        if prev is not None and prev[0] == device and not reset:
            assert mono >= prev[3] and color >= prev[4], (prev, (device, _day, mono, color))
        prev = (device, _day, reset, mono, color)


def test_no_reading_before_install_or_after_removal(dbs):
    bad = q(dbs[1], "select d.serial, r.read_on, d.installed_on, d.removed_on "
                    "from meter_readings r join devices d on d.id = r.device_id "
                    "where r.read_on < d.installed_on "
                    "or (d.removed_on is not null and r.read_on > d.removed_on)")
    assert bad == []
    assert q(dbs[1], f"select count(*) from meter_readings where read_on > '{UNTIL}'") == [(0,)]


def test_money_balances_and_applications_fit(dbs):
    db = dbs[1]
    # compared in cents, exactly (money is text on SQLite)
    cents = q(db, "select invoice_number, subtotal, tax_amount, total from invoices")
    assert [r for r in cents if _c(r[1]) + _c(r[2]) != _c(r[3])] == []
    notes = q(db, "select credit_note_number, subtotal, tax_amount, total from credit_notes")
    assert [r for r in notes if _c(r[1]) + _c(r[2]) != _c(r[3])] == []
    live = "where a.deleted_at is null" if _has(db, "payment_applications", "deleted_at") else ""
    per_invoice = q(db, "select i.invoice_number, i.total, group_concat(a.amount, '|') "
                        "from payment_applications a join invoices i on i.id = a.invoice_id "
                        f"{live} group by i.id")
    assert per_invoice, "the business has payment applications"
    assert [r for r in per_invoice if sum(_c(x) for x in r[2].split("|")) > _c(r[1])] == []
    per_payment = q(db, "select p.payment_number, p.amount, group_concat(a.amount, '|') "
                        "from payment_applications a join payments p on p.id = a.payment_id "
                        "group by p.id")
    assert [r for r in per_payment if sum(_c(x) for x in r[2].split("|")) > _c(r[1])] == []


def test_business_keys_unique_and_money_text_canonical(dbs):
    db = dbs[1]
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            cols = [c.name for c in getattr(constraint, "columns", [])]
            if not cols or constraint.__class__.__name__ not in ("UniqueConstraint",
                                                                 "PrimaryKeyConstraint"):
                continue
            dup = q(db, f"select {', '.join(cols)}, count(*) from {table.name} "
                        f"group by {', '.join(cols)} having count(*) > 1")
            assert dup == [], (table.name, cols)
        for col in table.columns:
            if col.unique:
                assert q(db, f"select {col.name} from {table.name} group by {col.name} "
                             f"having count(*) > 1") == [], (table.name, col.name)
            if isinstance(col.type, ExactDecimal) and col.type.scale == 2:
                values = [v for (v,) in q(db, f"select {col.name} from {table.name} "
                                              f"where {col.name} is not null")]
                assert [v for v in values if not MONEY_TEXT.match(str(v))] == [], \
                    (table.name, col.name)


def test_one_audit_row_per_write_and_per_reading_batch(dbs):
    db = dbs[1]
    batches = q(db, "select username, entity_key, after_json from audit_log "
                    "where action = 'bulk' and entity = 'meter_readings'")
    assert batches and all(user == "operacion" for user, _, _ in batches)
    assert len({key for _, key, _ in batches}) == len(batches)
    audited = sum(json.loads(after)["rows"] for _, _, after in batches)
    assert audited == q(db, "select count(*) from meter_readings")[0][0]
    # the readings are the only batch rows: every other write has its own audit row, as on
    # the domain path — the fast path's, the billing runs', the CFDI phase's
    assert q(db, "select distinct entity from audit_log where action = 'bulk'") == \
        [("meter_readings",)]
    for table in FAST_TABLES:
        created = q(db, "select count(*) from audit_log where action = 'create' "
                        "and entity = ?", (table,))[0][0]
        assert created == q(db, f"select count(*) from {table}")[0][0], table
        ids = {json.loads(a)["id"] for (a,) in q(
            db, "select after_json from audit_log where action = 'create' and entity = ?",
            (table,))}
        assert ids == {i for (i,) in q(db, f"select id from {table}")}, table
    updated = q(db, "select count(*) from audit_log where action = 'update' "
                    "and entity = 'tickets'")[0][0]
    assert updated >= q(db, "select count(*) from tickets where closed_at is not null")[0][0]
    users = {u for (u,) in q(db, "select distinct username from audit_log")}
    assert {"admin", "finanzas", "director", "operacion"} <= users, users


def _c(text: str) -> int:
    whole, _, frac = str(text).lstrip("-").partition(".")
    value = int(whole) * 100 + int((frac + "00")[:2])
    return -value if str(text).startswith("-") else value


def _has(db: Path, table: str, column: str) -> bool:
    return any(r[1] == column for r in q(db, f"pragma table_info({table})"))
