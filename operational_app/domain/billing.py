"""Stage 5 — billing: meter readings, invoices, credit notes, payments and their
application, payment reversals, collection actions, exchange rates.

Posted documents (invoices, credit notes, payments, applications, reversals) are only ever
inserted here; corrections are new reversing documents (docs/stages-and-kpis.md; the migrations'
triggers refuse UPDATE and DELETE on them). Balance checks lock the parent row first so two
writers cannot both spend the same open amount (docs/domain-rules.md, "Concurrency").

The documents the bulk demo path also writes (invoices, credit notes, payments, their
applications, reversals, collection actions) are operations written once, against
`Lookups` and a `Writer` (docs/domain-api.md, "Lookups and writers"): parse and check
against the lookups — their balances by the one open-amount rule in lookups.py — then
write through the writer; `on_session` makes each the function the app calls.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from operational_app.domain import fields, meter_rules, writes
from operational_app.domain.fields import Checker, check_actor, first_of_month
from operational_app.domain.lookups import (
    Lookups,
    check_device_life,
    device_ref,
    find_device_model,
    known_contract,
    last_day_in_force,
    latest_meter_reading,
)
from operational_app.domain.messages import msg
from operational_app.domain.writes import Writer, on_session
from operational_app.store.models import (
    Account,
    CollectionAction,
    Contract,
    CreditNote,
    Device,
    DeviceModel,
    FxRate,
    Invoice,
    MeterReading,
    Payment,
    PaymentApplication,
    PaymentReversal,
    utcnow,
)

READING_SOURCES = ("agent", "manual")
COLLECTION_ACTIONS = ("call", "email", "visit", "promise_to_pay", "escalation")
FX_CURRENCIES = ("USD",)  # rates are MXN per unit; MXN itself is 1 by definition


# --------------------------------------------------------------------------- meter readings


def _same_key_reading(
    session: Session, device_id: int, read_on: date, meter_reset: bool
) -> MeterReading | None:
    """The reading with this (device, date, reset) key, withdrawn or not (the key is unique)."""
    return session.scalars(select(MeterReading).where(
        MeterReading.device_id == device_id, MeterReading.read_on == read_on,
        MeterReading.meter_reset == meter_reset)).first()


def reading_point(row: MeterReading) -> meter_rules.Point:
    return meter_rules.Point(row.read_on, row.meter_reset, row.mono_counter, row.color_counter,
                             counts=row.review_status in meter_rules.COUNTING)


def install_point(device: Device) -> meter_rules.Point:
    return meter_rules.Point(device.installed_on, False, device.install_mono_counter,
                             device.install_color_counter, is_install=True)


def model_info(session: Session, device: Device) -> meter_rules.ModelInfo:
    """The device's model as device_models records it (colour, rated volume), if it does."""
    model = find_device_model(session, device.model) if device.model else None
    if model is None:
        return meter_rules.ModelInfo()
    return meter_rules.ModelInfo(not model.is_color, model.rated_monthly_volume)


def _counting(device_id: int, statuses: tuple[str, ...] = meter_rules.COUNTING) -> Any:
    return select(MeterReading).where(
        MeterReading.device_id == device_id, MeterReading.deleted_at.is_(None),
        MeterReading.review_status.in_(statuses))


ACTUAL = (*meter_rules.COUNTING, "held")  # what the hold rules look at


def reading_history(
    session: Session, device: Device, read: date, reset: bool, *,
    stuck_days: int | None = None,
) -> tuple[meter_rules.History, meter_rules.Point | None, meter_rules.Point | None]:
    """The stretch of the device's history the rules need around (read, reset): the
    neighbours that count, and with `stuck_days` the window the hold rules look at
    (meter_rules.needed_from, from the previous actual reading) plus the one point before
    it. The batch path gives the rules the whole history instead; both answer alike."""
    # reading order (meter_rules.order_key): on one date the old meter's read, then the reset
    same_day = MeterReading.read_on == read
    earlier = or_(MeterReading.read_on < read,
                  and_(same_day, MeterReading.meter_reset.is_(False))) if reset else \
        MeterReading.read_on < read
    later = MeterReading.read_on > read if reset else \
        or_(MeterReading.read_on > read, and_(same_day, MeterReading.meter_reset.is_(True)))
    latest_first = (MeterReading.read_on.desc(), MeterReading.meter_reset.desc())
    if stuck_days is None or reset:  # the fit only: the readings that count around it
        prev = session.scalars(_counting(device.id).where(earlier).order_by(*latest_first)
                               .limit(1)).first()
        nxt = session.scalars(_counting(device.id).where(later).order_by(
            MeterReading.read_on, MeterReading.meter_reset).limit(1)).first()
        points = [reading_point(r) for r in (prev, nxt) if r is not None]
        if prev is None:
            points.append(install_point(device))
    else:  # and the hold rules: every actual reading from needed_from on, and one before
        last = session.scalars(_counting(device.id, ACTUAL).where(earlier)
                               .order_by(*latest_first).limit(1)).first()
        anchor = reading_point(last) if last is not None else install_point(device)
        start = meter_rules.needed_from(anchor, read, stuck_days)
        rows = session.scalars(_counting(device.id, ACTUAL).where(
            MeterReading.read_on >= start)).all()
        prior = session.scalars(_counting(device.id, ACTUAL).where(
            MeterReading.read_on < start).order_by(*latest_first).limit(1)).first()
        points = [reading_point(r) for r in rows]
        points.append(reading_point(prior) if prior is not None else install_point(device))
        before_rows = [p for p in points if p.sort_key < meter_rules.order_key(read, reset)]
        if not any(p.counts for p in before_rows):  # the counting one is further back
            prev = session.scalars(_counting(device.id).where(earlier).order_by(
                *latest_first).limit(1)).first()
            points.append(reading_point(prev) if prev is not None else install_point(device))
    history = meter_rules.History(list({p.sort_key: p for p in points}.values()))
    before, after = history.neighbours(read, reset)
    return history, before, after


def check_reading_date(v: Checker, device: Device | None, read: date | None,
                       today: date | None = None) -> None:
    """Not in the future (`today`: the batch path asks the clock once), not outside the
    device's life."""
    today = today or fields.today()
    if read is not None and read > today:
        v.fail("read_on", "must not be in the future (today is {today})", today=today)
    check_device_life(v, "read_on", read, device)


def check_same_key(v: Checker, serial: str | None, same: tuple[str, int, int] | None,
                   read: date, reset: bool) -> None:
    """`same` is the live reading already stored under this key: (review status, mono,
    color); a withdrawn one does not count (its row is reused)."""
    if same is not None:
        status, mono, color = same
        kind = msg("meter-reset reading") if reset else msg("reading")
        held = msg("") if status in meter_rules.COUNTING else \
            msg(", {status} for review", status=status)
        v.fail("read_on", "a {kind} of device {serial} on {read} already exists (mono {mono}, "
                          "color {color}{held})", kind=kind, serial=serial, read=read, mono=mono,
               color=color, held=held)


def live_key(row: MeterReading | None) -> tuple[str, int, int] | None:
    if row is None or row.deleted_at is not None:
        return None
    return row.review_status, row.mono_counter, row.color_counter


def review_fields(reasons: list[str], review: bool) -> dict[str, Any]:
    """The review columns of a new (or revived) reading."""
    return {"review_status": "held" if reasons else "counted",
            "review_reason": "; ".join(reasons)[:500] if reasons else None,
            "review_note": None, "decided_by": None, "decided_at": None}


def record_meter_reading(
    session: Session,
    actor: str,
    *,
    serial: Any,
    read_on: Any,
    mono_counter: Any,
    color_counter: Any,
    source: Any = "agent",
    meter_reset: Any = False,
    review: bool = True,
) -> MeterReading:
    """A reading of the device's lifetime counters. `meter_reset=true` marks a new meter: its
    counters are the new meter's start and may be lower than the old meter's.

    A late reading (dated before the device's latest one) is accepted when it fits between
    its neighbours on the same meter. With `review` (forms, agents, profiles) a suspicious
    reading is stored `held`: it waits for the billing area's decision and does not count
    for billing meanwhile (docs/meter-readings.md); history brought from an earlier system
    is imported with `review=False`."""
    actor = check_actor(actor)
    v = Checker()
    serial_, device = device_ref(v, session, serial, lock=True)
    read = v.date("read_on", read_on, required=True)
    mono = v.integer("mono_counter", mono_counter, required=True, big=True)
    color = v.integer("color_counter", color_counter, required=True, big=True)
    source_ = v.choice("source", source, READING_SOURCES, default="agent")
    reset = v.boolean("meter_reset", meter_reset, default=False)
    check_reading_date(v, device, read)
    revive = None
    reasons: list[str] = []
    if device is not None and read is not None and reset is not None:
        same = _same_key_reading(session, device.id, read, reset)
        check_same_key(v, serial_, live_key(same), read, reset)
        if not v.has_error("read_on"):
            revive = same
            t = meter_rules.thresholds(session) if review else None
            history, before, after = reading_history(
                session, device, read, reset, stuck_days=t.stuck_days if t else None)
            meter_rules.check_fits(v, serial_, before, after, mono, color, reset)
            if t is not None and mono is not None and color is not None:
                reasons = meter_rules.hold_reasons(
                    history, history.previous(read, reset), read, mono, color, reset,
                    model_info(session, device), t)
    v.check()
    key = f"{serial_}:{read}{':reset' if reset else ''}"
    values = {"mono_counter": mono, "color_counter": color, "source": source_,
              **review_fields(reasons, review)}
    if revive is not None:  # the unique key still holds the withdrawn row: reuse it
        return writes.update(session, actor, revive, key, deleted_at=None, deleted_by=None,
                             **values)
    row = MeterReading(device_id=device.id, read_on=read, meter_reset=reset, **values)
    return writes.insert(session, actor, row, key, "read_on")


def _live_reading(v: Checker, session: Session, serial: Any, read_on: Any, meter_reset: Any
                  ) -> tuple[str | None, Device | None, date | None, bool | None,
                             MeterReading | None]:
    serial_, device = device_ref(v, session, serial, lock=True)
    read = v.date("read_on", read_on, required=True)
    reset = v.boolean("meter_reset", meter_reset, default=False)
    row = None
    if device is not None and read is not None and reset is not None:
        row = _same_key_reading(session, device.id, read, reset)
        if row is None or row.deleted_at is not None:
            v.fail("read_on", "device {serial} has no reading on {read}", serial=serial_, read=read)
            row = None
    return serial_, device, read, reset, row


def withdraw_meter_reading(
    session: Session, actor: str, *, serial: Any, read_on: Any, meter_reset: Any = False
) -> MeterReading:
    """Only the device's latest reading can be withdrawn (a held one at any place: it bounds
    nothing), so a replacement is never withdrawn from under its meter's readings."""
    actor = check_actor(actor)
    v = Checker()
    serial_, device, read, reset, row = _live_reading(v, session, serial, read_on, meter_reset)
    if row is not None and row.review_status in meter_rules.COUNTING \
            and latest_meter_reading(session, device.id) is not row:
        v.fail("read_on", "only device {serial}'s latest reading can be withdrawn", serial=serial_)
    v.check()
    return writes.withdraw(session, actor, row, f"{serial_}:{read}{':reset' if reset else ''}")


def _held(v: Checker, serial: str | None, row: MeterReading | None) -> MeterReading | None:
    if row is not None and row.review_status != "held":
        v.fail("read_on", "device {serial}'s reading of {read_on} is not held for review (it "
                          "is {review_status})", serial=serial, read_on=row.read_on,
               review_status=row.review_status)
        return None
    return row


def approve_meter_reading(
    session: Session, actor: str, *, serial: Any, read_on: Any, meter_reset: Any = False,
    note: Any = None,
) -> MeterReading:
    """The billing area accepts a held reading: it counts for billing from now on. It must
    still fit between the readings that count on its meter (a later one may have arrived)."""
    actor = check_actor(actor)
    v = Checker()
    serial_, device, read, reset, row = _live_reading(v, session, serial, read_on, meter_reset)
    note_ = v.text("note", note, MeterReading.review_note)
    row = _held(v, serial_, row)
    if row is not None:
        _, before, after = reading_history(session, device, read, reset)
        fit = Checker()
        meter_rules.check_fits(fit, serial_, before, after, row.mono_counter,
                               row.color_counter, reset)
        for e in fit.errors:
            v.fail(e.field, "{reason}: reject the reading instead", reason=e.message)
    v.check()
    return writes.update(session, actor, row, f"{serial_}:{read}{':reset' if reset else ''}",
                         action="approve", review_status="approved", review_note=note_,
                         decided_by=actor, decided_at=utcnow())


def reject_meter_reading(
    session: Session, actor: str, *, serial: Any, read_on: Any, meter_reset: Any = False,
    note: Any = None,
) -> MeterReading:
    """The billing area refuses a held reading: it is withdrawn, with the reason."""
    actor = check_actor(actor)
    v = Checker()
    serial_, _device, read, reset, row = _live_reading(v, session, serial, read_on,
                                                       meter_reset)
    note_ = v.text("note", note, MeterReading.review_note, required=True)
    row = _held(v, serial_, row)
    v.check()
    now = utcnow()
    return writes.update(session, actor, row, f"{serial_}:{read}{':reset' if reset else ''}",
                         action="reject", review_status="rejected", review_note=note_,
                         decided_by=actor, decided_at=now, deleted_at=now, deleted_by=actor)


def set_device_model(
    session: Session, actor: str, *, model: Any, is_color: Any,
    rated_monthly_volume: Any = None,
) -> DeviceModel:
    """What the meter review knows of a model; setting it again replaces it (audited)."""
    actor = check_actor(actor)
    v = Checker()
    name = v.text("model", model, DeviceModel.model, required=True)
    color = v.boolean("is_color", is_color, required=True)
    rated = v.integer("rated_monthly_volume", rated_monthly_volume, minimum=1)
    v.check()
    current = find_device_model(session, name)
    if current is not None:
        return writes.update(session, actor, current, name, is_color=color,
                             rated_monthly_volume=rated)
    return writes.insert(session, actor, DeviceModel(model=name, is_color=color,
                                                     rated_monthly_volume=rated), name, "model")


# --------------------------------------------------------------------------- invoices


def _check_balanced(v: Checker, subtotal: Decimal | None, tax: Decimal | None,
                    total: Decimal | None) -> None:
    if subtotal is not None and tax is not None and total is not None:
        if subtotal + tax != total:
            v.fail("total", "unbalanced totals: {subtotal_field} {subtotal} + {tax_field} {tax} = "
                            "{sum}, not {total}", subtotal_field="subtotal", subtotal=subtotal,
                   tax_field="tax_amount", tax=tax, sum=subtotal + tax, total=total)


def _check_billable_period(v: Checker, contract: Contract, period: date) -> None:
    """docs/billing.md "Periods and plans": billable from activation (or start) through end or
    closure; periods are calendar months named by their first day."""
    if period.day != 1:
        v.fail("period_start", "must be the first day of a month")
        return
    first = first_of_month(contract.activated_on or contract.start_date)
    last = last_day_in_force(contract)
    if not first <= period <= last:
        v.fail("period_start", "is outside contract {contract_number}'s billable months "
                               "({first} to {last})", contract_number=contract.contract_number,
               first=first, last=first_of_month(last))


def check_invoice(v: Checker, number: str | None, existing: object, contract_no: str | None,
                  contract: Contract | None, *, period: date | None, issued: date | None,
                  due: date | None, subtotal: Decimal | None, tax: Decimal | None,
                  total: Decimal | None, currency: str | None) -> None:
    """issue_invoice's rules on the fields and resolved rows (also the demo's bulk path)."""
    _check_balanced(v, subtotal, tax, total)
    v.not_before("issued_on", issued, period, "the start of the billed period")
    v.not_before("due_on", due, issued, "the issue date")
    v.unique("invoice_number", number, existing, "invoice")
    if contract is not None:
        if period is not None:
            _check_billable_period(v, contract, period)
        if currency is not None and currency != contract.currency:
            v.fail("currency", "must be contract {contract_no}'s currency ({currency})",
                   contract_no=contract_no, currency=contract.currency)


@on_session
def issue_invoice(
    look: Lookups,
    write: Writer,
    actor: str,
    *,
    invoice_number: Any,
    contract_number: Any,
    period_start: Any,
    issued_on: Any,
    subtotal: Any,
    tax_amount: Any,
    total: Any,
    currency: Any,
    due_on: Any = None,
) -> Invoice:
    actor = check_actor(actor)
    v = Checker()
    number = v.text("invoice_number", invoice_number, Invoice.invoice_number, required=True)
    contract_no, contract = known_contract(v, contract_number, look.contract)
    period = v.date("period_start", period_start, required=True)
    issued = v.date("issued_on", issued_on, required=True)
    due = v.date("due_on", due_on)
    sub = v.money("subtotal", subtotal, required=True)
    tax = v.money("tax_amount", tax_amount, required=True)
    tot = v.money("total", total, required=True)
    currency_ = v.currency("currency", currency)
    check_invoice(v, number, look.invoice(number), contract_no, contract,
                  period=period, issued=issued, due=due, subtotal=sub, tax=tax, total=tot,
                  currency=currency_)
    v.check()
    return write.insert(actor, Invoice, {
        "invoice_number": number, "contract_id": contract.id, "period_start": period,
        "issued_on": issued, "due_on": due, "subtotal": sub, "tax_amount": tax, "total": tot,
        "currency": currency_}, number, "invoice_number")


def check_credit(v: Checker, inv_no: str | None, invoice: Invoice, credited: Decimal,
                 issued: date | None, total: Decimal | None) -> None:
    """issue_credit_note's rules on a found invoice (also the demo's bulk path)."""
    v.not_before("issued_on", issued, invoice.issued_on, "the invoice's issue date")
    left = invoice.total - credited
    if total is not None and total > left:
        v.fail("total", "{total} exceeds what is left to credit on invoice {invoice} ({left}: "
                        "its total {invoice_total} minus earlier credit notes)", total=total,
               invoice=inv_no, left=left, invoice_total=invoice.total)


@on_session
def issue_credit_note(
    look: Lookups,
    write: Writer,
    actor: str,
    *,
    credit_note_number: Any,
    invoice_number: Any,
    issued_on: Any,
    subtotal: Any,
    tax_amount: Any,
    total: Any,
    reason: Any = None,
) -> CreditNote:
    """Corrects an invoice; all credit notes together never exceed the invoice total."""
    actor = check_actor(actor)
    v = Checker()
    number = v.text("credit_note_number", credit_note_number, CreditNote.credit_note_number,
                    required=True)
    inv_no = v.text("invoice_number", invoice_number, Invoice.invoice_number, required=True)
    issued = v.date("issued_on", issued_on, required=True)
    sub = v.money("subtotal", subtotal, required=True)
    tax = v.money("tax_amount", tax_amount, required=True)
    tot = v.money("total", total, required=True, positive=True)
    reason_ = v.text("reason", reason, CreditNote.reason)
    _check_balanced(v, sub, tax, tot)
    v.unique("credit_note_number", number, look.credit_note(number), "credit note")
    invoice = v.known("invoice_number", inv_no, look.invoice(inv_no, lock=True), "invoice")
    if invoice is not None:
        check_credit(v, inv_no, invoice, look.invoice_credited(invoice), issued, tot)
    v.check()
    return write.insert(actor, CreditNote, {
        "credit_note_number": number, "invoice_id": invoice.id, "issued_on": issued,
        "subtotal": sub, "tax_amount": tax, "total": tot, "reason": reason_},
        number, "credit_note_number")


# --------------------------------------------------------------------------- payments


@on_session
def record_payment(
    look: Lookups,
    write: Writer,
    actor: str,
    *,
    payment_number: Any,
    account_code: Any,
    received_on: Any,
    amount: Any,
    currency: Any,
    method: Any = None,
) -> Payment:
    """Money received from an account; it stays unapplied (customer credit) until
    `apply_payment` assigns it to invoices."""
    actor = check_actor(actor)
    v = Checker()
    number = v.text("payment_number", payment_number, Payment.payment_number, required=True)
    acct_code = v.text("account_code", account_code, Account.account_code, required=True)
    received = v.date("received_on", received_on, required=True)
    amount_ = v.money("amount", amount, required=True, positive=True)
    currency_ = v.currency("currency", currency)
    method_ = v.text("method", method, Payment.method)
    account = v.known("account_code", acct_code, look.account(acct_code), "account")
    v.unique("payment_number", number, look.payment(number), "payment")
    v.check()
    return write.insert(actor, Payment, {
        "payment_number": number, "account_id": account.id, "received_on": received,
        "amount": amount_, "currency": currency_, "method": method_},
        number, "payment_number")


def check_application(
    v: Checker, payment: Payment, invoice: Invoice, amount: Decimal | None,
    applied: date | None, *, reversed_on: date | None, account_id: int, already_applied: bool,
    unapplied: Decimal, still_open: Decimal,
) -> None:
    """apply_payment's rules on a found payment and invoice (also the demo's bulk path)."""
    if reversed_on is not None:
        v.fail("payment_number", "payment {payment_number} was reversed on {reversed_on}: it "
                                 "cannot be applied", payment_number=payment.payment_number,
               reversed_on=reversed_on)
    else:
        if account_id != payment.account_id:
            v.fail("invoice_number", "invoice {invoice_number} belongs to another account than "
                                     "payment {payment_number}",
                   invoice_number=invoice.invoice_number, payment_number=payment.payment_number)
        if invoice.currency != payment.currency:
            v.fail("invoice_number", "invoice {invoice_number} is in {currency}, payment "
                                     "{payment_number} in {other_currency}",
                   invoice_number=invoice.invoice_number, currency=invoice.currency,
                   payment_number=payment.payment_number, other_currency=payment.currency)
        if already_applied:
            v.fail("invoice_number", "payment {payment_number} is already applied to invoice "
                                     "{invoice_number}", payment_number=payment.payment_number,
                   invoice_number=invoice.invoice_number)
        if amount is not None and amount > unapplied:
            v.fail("amount", "{amount} exceeds payment {payment_number}'s unapplied amount "
                             "({unapplied})", amount=amount, payment_number=payment.payment_number,
                   unapplied=unapplied)
        if amount is not None and amount > still_open:
            v.fail("amount", "{amount} exceeds invoice {invoice_number}'s open amount "
                             "({still_open}): over-payment is refused; leave the rest "
                             "unapplied as customer credit", amount=amount,
                   invoice_number=invoice.invoice_number, still_open=still_open)
    v.not_before("applied_on", applied, payment.received_on, "the payment's date")
    v.not_before("applied_on", applied, invoice.issued_on, "the invoice's issue date")


@on_session
def apply_payment(
    look: Lookups,
    write: Writer,
    actor: str,
    *,
    payment_number: Any,
    invoice_number: Any,
    amount: Any,
    applied_on: Any = None,
) -> PaymentApplication:
    """Apply part of a payment to an invoice of the same account and currency.

    `applied_on` defaults to the later of the payment and invoice dates (deterministic, so a
    re-import or the demo generator gives the same row); aging uses the payment's date."""
    actor = check_actor(actor)
    v = Checker()
    pay_no = v.text("payment_number", payment_number, Payment.payment_number, required=True)
    inv_no = v.text("invoice_number", invoice_number, Invoice.invoice_number, required=True)
    amount_ = v.money("amount", amount, required=True, positive=True)
    applied = v.date("applied_on", applied_on)
    # Lock order payment → invoice everywhere, so two writers never deadlock.
    payment = v.known("payment_number", pay_no, look.payment(pay_no, lock=True), "payment")
    invoice = v.known("invoice_number", inv_no, look.invoice(inv_no, lock=True), "invoice")
    if payment is not None and invoice is not None:
        reversal = look.reversal_of(payment)
        check_application(
            v, payment, invoice, amount_, applied,
            reversed_on=reversal.reversed_on if reversal is not None else None,
            account_id=look.contract_by_id(invoice.contract_id).account_id,
            already_applied=look.is_applied(payment, invoice),
            unapplied=look.unapplied_amount(payment),
            still_open=look.open_amount(invoice))
    v.check()
    on = applied or max(payment.received_on, invoice.issued_on)
    return write.insert(actor, PaymentApplication, {
        "payment_id": payment.id, "invoice_id": invoice.id, "amount": amount_,
        "applied_on": on}, f"{pay_no}:{inv_no}", "invoice_number")


def check_reversal(v: Checker, pay_no: str | None, payment: Payment,
                   earlier_number: str | None, on: date | None) -> None:
    """reverse_payment's rules on a found payment (also the demo's bulk path)."""
    if earlier_number is not None:
        v.fail("payment_number", "payment {payment} is already reversed ({earlier_number})",
               payment=pay_no, earlier_number=earlier_number)
    v.not_before("reversed_on", on, payment.received_on, "the payment's date")


@on_session
def reverse_payment(
    look: Lookups,
    write: Writer,
    actor: str,
    *,
    reversal_number: Any,
    payment_number: Any,
    reversed_on: Any,
    reason: Any,
) -> PaymentReversal:
    """A bounced or mistaken payment. The payment and its applications stay posted; from
    now on they no longer count (its invoices are open again)."""
    actor = check_actor(actor)
    v = Checker()
    number = v.text("reversal_number", reversal_number, PaymentReversal.reversal_number,
                    required=True)
    pay_no = v.text("payment_number", payment_number, Payment.payment_number, required=True)
    on = v.date("reversed_on", reversed_on, required=True)
    reason_ = v.text("reason", reason, PaymentReversal.reason, required=True)
    payment = v.known("payment_number", pay_no, look.payment(pay_no, lock=True), "payment")
    v.unique("reversal_number", number, look.reversal(number), "payment reversal")
    if payment is not None:
        earlier = look.reversal_of(payment)
        check_reversal(v, pay_no, payment,
                       earlier.reversal_number if earlier is not None else None, on)
    v.check()
    return write.insert(actor, PaymentReversal, {
        "reversal_number": number, "payment_id": payment.id, "reversed_on": on,
        "reason": reason_}, number, "reversal_number")


# --------------------------------------------------------------------------- collections


def check_collection_action(v: Checker, invoice: Invoice | None, type_: str | None,
                            on: date | None, promised: date | None,
                            amount: Decimal | None) -> None:
    """record_collection_action's rules (also the demo's bulk path)."""
    if type_ == "promise_to_pay":
        for field, value in (("promised_on", promised), ("promised_amount", amount)):
            if value is None and not v.has_error(field):
                v.fail(field, "is required for a promise to pay")
        v.not_before("promised_on", promised, on, "the action date")
        if invoice is not None and amount is not None and amount > invoice.total:
            v.fail("promised_amount", "exceeds the invoice total ({total})", total=invoice.total)
    elif type_ is not None:
        for field, value in (("promised_on", promised), ("promised_amount", amount)):
            if value is not None:
                v.fail(field, "is only recorded for a promise to pay")
    if invoice is not None:
        v.not_before("action_on", on, invoice.issued_on, "the invoice's issue date")


@on_session
def record_collection_action(
    look: Lookups,
    write: Writer,
    actor: str,
    *,
    invoice_number: Any,
    action_type: Any,
    action_on: Any,
    promised_on: Any = None,
    promised_amount: Any = None,
    notes: Any = None,
) -> CollectionAction:
    """A promise to pay needs its date and amount; other actions carry neither."""
    actor = check_actor(actor)
    v = Checker()
    inv_no = v.text("invoice_number", invoice_number, Invoice.invoice_number, required=True)
    type_ = v.choice("action_type", action_type, COLLECTION_ACTIONS)
    on = v.date("action_on", action_on, required=True)
    promised = v.date("promised_on", promised_on)
    amount = v.money("promised_amount", promised_amount, positive=True)
    notes_ = v.text("notes", notes, CollectionAction.notes, multiline=True)
    invoice = v.known("invoice_number", inv_no, look.invoice(inv_no), "invoice")
    check_collection_action(v, invoice, type_, on, promised, amount)
    v.check()
    return write.insert(actor, CollectionAction, {
        "invoice_id": invoice.id, "action_type": type_, "action_on": on,
        "promised_on": promised, "promised_amount": amount, "notes": notes_},
        f"{inv_no}:{type_}:{on}", "invoice_number")


# --------------------------------------------------------------------------- exchange rates


def set_fx_rate(
    session: Session, actor: str, *, rate_date: Any, currency: Any, mxn_per_unit: Any
) -> FxRate:
    """The day's rate; setting the same day again replaces it (audited)."""
    actor = check_actor(actor)
    v = Checker()
    day = v.date("rate_date", rate_date, required=True)
    currency_ = v.choice("currency", currency, FX_CURRENCIES)
    rate = v.decimal("mxn_per_unit", mxn_per_unit, places=fields.RATE_PLACES, required=True,
                     positive=True)
    v.check()
    key = f"{currency_}:{day}"
    current = session.scalars(select(FxRate).where(
        FxRate.rate_date == day, FxRate.currency == currency_)).first()
    if current is not None:
        return writes.update(session, actor, current, key, mxn_per_unit=rate)
    return writes.insert(session, actor, FxRate(rate_date=day, currency=currency_,
                                                mxn_per_unit=rate), key, "rate_date")
