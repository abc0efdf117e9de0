"""The billing run — `seiton bill PERIOD` (docs/billing-run.md).

The run never computes a charge: it reads the warehouse's charges and their lines
(`marts.fct_billing_charges`, `marts.fct_billing_charge_lines`, one computation in dbt) and
turns them into documents:

1. draft — for every charged contract of the period without a posted run invoice, a draft
   invoice whose lines are the charge's lines (taxes split per line by domain/taxes.py);
2. regenerate — a live draft whose charge fingerprint changed is replaced (soft deleted and
   drafted again); an unchanged one is left as it is;
3. adjust — when the run already posted the period and the charge changed since, a draft
   for the difference: an invoice (purpose `adjustment`) for a positive one, a credit note
   against the posted invoice for a negative one. Posted documents are never edited;
4. post (`--post`) — each live draft gets its series and the series' next folio (gap-less:
   the series row is locked for the whole run and increased in the same transaction as the
   documents) and becomes an immutable invoice or credit note with its lines.

The whole run is one transaction: a refused or killed run leaves nothing. The series rows
are locked first, so two runs at once queue — SELECT … FOR UPDATE on PostgreSQL, the write
transaction itself (BEGIN IMMEDIATE, store/engine.py) on SQLite. Every write is audited
with the user, and the run itself leaves one audit row with its counts. Only finance and
admin users run it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.domain import audit, fields, messages, settings, writes
from operational_app.domain.billing import check_credit
from operational_app.domain.errors import FieldError, ValidationError
from operational_app.domain.fields import Checker, check_actor
from operational_app.domain.lookups import find_user, invoice_credited, last_day_in_force
from operational_app.domain.taxes import allocate_line_taxes, document_tax
from operational_app.store.models import (
    BillingExclusion,
    Contract,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceDraft,
    InvoiceDraftLine,
    InvoiceLine,
    InvoiceSeries,
    PricePlan,
    utcnow,
)

RUN_ROLES = ("finance", "admin")
ZERO = Decimal("0.00")
MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre")
# test hook of the crash test (tests/billing_run): sleep this long after each posted
# document, so a SIGKILL lands in the middle of a run
_PAUSE_ENV = "SEITON_BILL_PAUSE_AFTER_POST"


class RunRefused(ValidationError):
    """The run as asked cannot be done; nothing was written."""


# --------------------------------------------------------------------------- the charges


@dataclass(frozen=True)
class ChargeLine:
    line_number: int
    kind: str
    meter: str | None
    tier_from_page: int | None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    is_estimated: bool


@dataclass(frozen=True)
class Charge:
    """One contract × period of marts.fct_billing_charges with its lines."""

    contract_number: str
    period_start: date
    currency: str
    tax_rate: Decimal
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal
    has_estimated_reads: bool
    lines: tuple[ChargeLine, ...]

    @property
    def fingerprint(self) -> str:
        """What the draft was made from: a changed charge has another fingerprint."""
        return _fingerprint([
            self.currency, str(self.tax_rate), str(self.subtotal), str(self.tax_amount),
            [[ln.kind, ln.meter, ln.tier_from_page, str(ln.quantity), str(ln.unit_price),
              str(ln.amount), ln.is_estimated] for ln in self.lines]])


def _fingerprint(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


CHARGES_SQL = """
select contract_number, period_start, currency, tax_rate, subtotal, tax_amount, total,
       has_estimated_reads
from marts.fct_billing_charges where period_start = ?
"""
LINES_SQL = """
select contract_number, line_number, kind, meter, tier_from_page, quantity, unit_price,
       amount, has_estimated_reads
from marts.fct_billing_charge_lines where period_start = ?
order by contract_number, line_number
"""


def read_charges(warehouse: Path, period: date) -> dict[str, Charge]:
    """The period's charges and lines from the published warehouse (read-only)."""
    import duckdb

    if not Path(warehouse).exists():
        raise RunRefused("warehouse", f"no published warehouse at {warehouse}: run "
                                      "`seiton refresh` first")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        charges = con.execute(CHARGES_SQL, [period]).fetchall()
        lines = con.execute(LINES_SQL, [period]).fetchall()
    by_contract: dict[str, list[ChargeLine]] = defaultdict(list)
    for number, n, kind, meter, tier, qty, price, amount, est in lines:
        by_contract[number].append(ChargeLine(int(n), kind, meter, tier, Decimal(qty),
                                              Decimal(price), Decimal(amount), bool(est)))
    return {
        number: Charge(number, start, currency, Decimal(rate), Decimal(sub), Decimal(tax),
                       Decimal(tot), bool(est), tuple(by_contract.get(number, ())))
        for number, start, currency, rate, sub, tax, tot, est in charges
    }


# --------------------------------------------------------------------------- the report


@dataclass
class Item:
    """One line of the run's report: what was (or would be) done for a contract."""

    action: str  # drafted | regenerated | unchanged | posted | adjustment | excluded | outside | nothing
    contract_number: str
    document_type: str = "invoice"
    purpose: str = "charge"
    subtotal: Decimal = ZERO
    tax_amount: Decimal = ZERO
    total: Decimal = ZERO
    currency: str = "MXN"
    number: str | None = None  # the posted document's number
    note: str | messages.Msg = ""


@dataclass
class RunReport:
    period: date
    post: bool
    dry_run: bool = False
    items: list[Item] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for i in self.items if i.action == action)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for i in self.items:
            out[i.action] += 1
        return dict(out)

    def lines(self, lang: str | None = None) -> list[str]:
        """The report, one line per contract and a summary; in `lang` (None or "en": the
        English the CLI has always printed). Amounts stay plain decimals: they are the ones
        the documents carry."""
        def word(text: str) -> str:
            return messages.RUN_WORDS.get(text, text) if lang == "es" else text

        out = []
        for i in self.items:
            what = "credit note" if i.document_type == "credit_note" else "invoice"
            if i.purpose == "adjustment":
                what = f"adjustment {what}"
            shown = i.note.render(lang) if isinstance(i.note, messages.Msg) else i.note
            note = f" — {shown}" if shown else ""
            if i.action in ("excluded", "outside", "nothing"):
                out.append(f"{i.contract_number}: {word(i.action)}{note}")
                continue
            money = f"{i.subtotal} + {i.tax_amount} = {i.total} {i.currency}"
            num = f" {i.number}" if i.number else ""
            template = ("{contract}: would be {action} {document}" if self.dry_run
                        else "{contract}: {action} {document}")
            out.append(messages.render(template, {"contract": i.contract_number,
                                                  "action": word(i.action),
                                                  "document": word(what)}, lang)
                       + f"{num} {money}{note}")
        summary = ", ".join(messages.render("{n} {action}", {"n": n, "action": word(a)}, lang)
                            for a, n in sorted(self.counts().items())) \
            or messages.render("nothing", None, lang)
        dry = messages.render(" (dry run, nothing written)", None, lang) if self.dry_run else ""
        out.append(messages.render("billing run {period}{dry}: {summary}",
                                   {"period": f"{self.period:%Y-%m}", "dry": dry,
                                    "summary": summary}, lang))
        return out


# --------------------------------------------------------------------------- checks


def check_runner(session: Session, actor: Any) -> str:
    """The acting user must be an active finance or admin user."""
    name = check_actor(actor)
    user = find_user(session, name)
    if user is None:
        raise RunRefused("user", f"unknown user '{name}': the billing run needs a finance "
                                 "or admin user")
    if not user.is_active:
        raise RunRefused("user", f"user '{name}' is deactivated")
    if user.role not in RUN_ROLES:
        raise RunRefused("user", f"user '{name}' has role {user.role}; only finance or admin "
                                 "users run, post and exclude in the billing run")
    return user.username


def parse_period(value: Any) -> date:
    """`2026-03` (or a date on the 1st) → 2026-03-01."""
    if isinstance(value, date):
        if value.day != 1:
            raise RunRefused("period", "must be a month (its first day)")
        return value
    text = str(value or "").strip()
    try:
        year, month = text.split("-")[:2]
        if len(year) != 4 or len(month) != 2 or text.count("-") > 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise RunRefused("period", f"must be a month as YYYY-MM, not {text!r}") from None


def period_end(period: date) -> date:
    nxt = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def check_period_over(period: date, today: date | None = None) -> None:
    """A period is billed once it is over: not a future month, not the running one."""
    today = today or fields.today()
    if period > today:
        raise RunRefused("period", f"{period:%Y-%m} is in the future (today is {today})")
    if period_end(period) >= today:
        raise RunRefused("period", f"{period:%Y-%m} is not over yet (it ends "
                                   f"{period_end(period)}; today is {today})")


def _billable(contract: Contract, period: date) -> bool:
    first = fields.first_of_month(contract.activated_on or contract.start_date)
    return first <= period <= last_day_in_force(contract)


# --------------------------------------------------------------------------- series


def _series_row(session: Session, actor: str, series: str, document_type: str
                ) -> InvoiceSeries:
    """The series row, locked for the rest of the transaction (created at folio 1 the
    first time; a concurrent creator makes this insert a no-op, then both lock it)."""
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        now = utcnow()
        inserted = session.execute(
            dialect_insert(InvoiceSeries).values(
                series=series, document_type=document_type, next_folio=1, created_at=now,
                created_by=actor, updated_at=now).on_conflict_do_nothing(
                index_elements=["series"]).returning(InvoiceSeries.id)).first()
        if inserted is not None:
            audit.record(session, actor, "create", "invoice_series", series, None,
                         {"series": series, "document_type": document_type, "next_folio": 1})
    row = session.scalars(select(InvoiceSeries).where(InvoiceSeries.series == series)
                          .with_for_update().execution_options(populate_existing=True)).one()
    if row.document_type != document_type:
        raise RunRefused("series", f"series {series} is a {row.document_type} series, not "
                                   f"a {document_type} one")
    return row


def take_folio(session: Session, actor: Any, series: Any, document_type: str = "invoice"
               ) -> int:
    """The series' next folio, taken for a document issued outside a run (a CFDI substitute
    stamped from the PAC's portal, docs/cfdi.md): the same gap-less sequence, locked and
    audited like a posting, so a later run never gives that folio again."""
    user = check_actor(actor)
    row = _series_row(session, user, str(series), document_type)
    folio = row.next_folio
    row.next_folio = folio + 1
    row.updated_at = utcnow()
    session.flush()
    audit.record(session, user, "update", "invoice_series", row.series,
                 {"next_folio": folio}, {"next_folio": folio + 1})
    return folio


# --------------------------------------------------------------------------- descriptions


def _month_es(period: date) -> str:
    return f"{MONTHS_ES[period.month - 1]} {period.year}"


def describe(line: ChargeLine, period: date) -> str:
    month = _month_es(period)
    if line.kind == "fixed_fee":
        return f"Renta mensual fija del servicio de impresión, {month}"
    if line.kind == "true_up":
        return f"Complemento al cargo mínimo mensual, {month}"
    meter = "monocromáticas" if line.meter == "mono" else "a color"
    tier = f" desde la página {line.tier_from_page:,}" if line.tier_from_page else ""
    text = f"Páginas excedentes {meter}{tier}, {month}"
    return text + (" (lectura estimada)" if line.is_estimated else "")


# --------------------------------------------------------------------------- state


@dataclass
class _ContractState:
    contract: Contract
    live: list[InvoiceDraft] = field(default_factory=list)  # unposted drafts
    posted: list[InvoiceDraft] = field(default_factory=list)  # the run's posted documents
    outside: list[Invoice] = field(default_factory=list)  # invoices not posted by the run
    exclusion: BillingExclusion | None = None

    def run_net(self) -> tuple[Decimal, Decimal]:
        """Subtotal and tax the run has posted for the period: invoices less credit notes."""
        sub = tax = ZERO
        for d in self.posted:
            sign = -1 if d.document_type == "credit_note" else 1
            sub += sign * d.subtotal
            tax += sign * d.tax_amount
        return sub, tax

    def charge_invoice(self) -> InvoiceDraft | None:
        for d in self.posted:
            if d.purpose == "charge":
                return d
        return None


def _state(session: Session, period: date) -> dict[int, _ContractState]:
    contracts = {c.id: c for c in session.scalars(select(Contract))}
    states: dict[int, _ContractState] = {}

    def of(contract_id: int) -> _ContractState:
        if contract_id not in states:
            states[contract_id] = _ContractState(contracts[contract_id])
        return states[contract_id]

    for d in session.scalars(select(InvoiceDraft).where(
            InvoiceDraft.period_start == period, InvoiceDraft.deleted_at.is_(None))
            .order_by(InvoiceDraft.id)):
        (of(d.contract_id).posted if d.status == "posted" else of(d.contract_id).live).append(d)
    run_invoice_ids = {d.posted_invoice_id for s in states.values() for d in s.posted}
    for inv in session.scalars(select(Invoice).where(Invoice.period_start == period)):
        if inv.id not in run_invoice_ids:
            of(inv.contract_id).outside.append(inv)
    for ex in session.scalars(select(BillingExclusion).where(
            BillingExclusion.period_start == period, BillingExclusion.deleted_at.is_(None))):
        of(ex.contract_id).exclusion = ex
    for c in contracts.values():
        of(c.id)
    return states


# --------------------------------------------------------------------------- the run


def _insert(session: Session, actor: str, rows: Iterable[Any], key) -> None:
    """Insert rows with one flush and audit each (the run writes thousands at large)."""
    rows = list(rows)
    for r in rows:
        r.created_by = actor
    session.add_all(rows)
    session.flush()
    for r in rows:
        audit.record(session, actor, "create", r.__tablename__, key(r), None, audit.snapshot(r))


def _withdraw(session: Session, actor: str, draft: InvoiceDraft, number: str) -> None:
    writes.withdraw(session, actor, draft, f"{number}|{draft.period_start:%Y-%m}|{draft.id}")


def _draft_key(number: str, d: InvoiceDraft) -> str:
    return f"{number}|{d.period_start:%Y-%m}|{d.purpose}|{d.document_type}"


def _new_draft(contract: Contract, period: date, charge_fp: str, currency: str,
               rate: Decimal, lines: list[tuple[ChargeLine, str]], *, purpose: str = "charge",
               document_type: str = "invoice", related: int | None = None,
               tax: Decimal | None = None) -> tuple[InvoiceDraft, list[InvoiceDraftLine]]:
    amounts = [ln.amount for ln, _ in lines]
    subtotal = sum(amounts, ZERO)
    tax = document_tax(subtotal, rate) if tax is None else tax
    taxes = allocate_line_taxes(amounts, rate, tax)
    draft = InvoiceDraft(contract_id=contract.id, period_start=period,
                         document_type=document_type, purpose=purpose,
                         related_invoice_id=related, subtotal=subtotal, tax_amount=tax,
                         total=subtotal + tax, currency=currency, tax_rate=rate,
                         charge_fingerprint=charge_fp, status="draft")
    draft_lines = [InvoiceDraftLine(line_number=i, kind=ln.kind, meter=ln.meter,
                                    tier_from_page=ln.tier_from_page, description=desc,
                                    quantity=ln.quantity, unit_price=ln.unit_price,
                                    amount=ln.amount, tax_amount=t, is_estimated=ln.is_estimated)
                   for i, ((ln, desc), t) in enumerate(zip(lines, taxes, strict=True), start=1)]
    return draft, draft_lines


def run(session: Session, actor: Any, *, period: Any, charges: dict[str, Charge],
        post: bool = False, issue_date: Any = None, today: date | None = None) -> RunReport:
    """Draft, regenerate, adjust and (with `post`) post the period, in the caller's
    transaction. Raises RunRefused (nothing written once the caller rolls back)."""
    user = check_runner(session, actor)
    period_ = parse_period(period)
    today = today or fields.today()
    check_period_over(period_, today)
    v = Checker()
    issued = v.date("issue_date", issue_date) if issue_date is not None else None
    v.check()
    if issued is not None:
        if issued <= period_end(period_):
            raise RunRefused("issue_date", f"must be after the period's end "
                                           f"({period_end(period_)}), not {issued}")
        if issued > today:
            raise RunRefused("issue_date", f"must not be in the future (today is {today})")
    if not charges:
        raise RunRefused("period", f"{period_:%Y-%m} has no charges in the warehouse: "
                                   "nothing to bill (were its readings loaded and the "
                                   "warehouse refreshed?)")
    wrong = sorted(n for n, c in charges.items() if c.period_start != period_)
    if wrong:
        raise RunRefused("charges", f"charges of another period given for {wrong[0]}")

    # the run's lock: nothing is read before it is held (a concurrent run waits here)
    invoice_series = _series_row(session, user, settings.value(session, settings.INVOICE_SERIES)
                                 or "F", "invoice")
    note_series = _series_row(session, user, settings.value(session, settings.CREDIT_NOTE_SERIES)
                              or "NC", "credit_note")

    states = _state(session, period_)
    by_number = {s.contract.contract_number: s for s in states.values()}
    unknown = sorted(set(charges) - set(by_number))
    if unknown:
        raise RunRefused("contract_number", f"the warehouse charges contract {unknown[0]}, "
                                            "which the operational DB does not have")
    with_plan = set(session.scalars(select(PricePlan.contract_id).distinct()))
    no_plan = sorted(s.contract.contract_number for s in states.values()
                     if s.contract.id not in with_plan and s.exclusion is None
                     and _billable(s.contract, period_))
    if no_plan:
        raise RunRefused("contract_number", f"contract {no_plan[0]} is billable in "
                                            f"{period_:%Y-%m} but has no price plan: add "
                                            "its plan or exclude it from the run with a reason"
                         + (f" ({len(no_plan) - 1} more)" if len(no_plan) > 1 else ""))

    report = RunReport(period_, post)
    new: list[tuple[str, InvoiceDraft, list[InvoiceDraftLine], str]] = []
    for number in sorted(set(charges) | {n for n, s in by_number.items()
                                          if s.posted or s.live or s.exclusion}):
        s = by_number[number]
        charge = charges.get(number)
        _plan_contract(session, user, s, charge, period_, report, new)
    if new:
        _insert(session, user, [d for _, d, _, _ in new],
                lambda d: _draft_key(by_number_id(states, d.contract_id), d))
        for _, d, lines, _ in new:
            for ln in lines:
                ln.draft_id = d.id
        _insert(session, user, [ln for _, _, lines, _ in new for ln in lines],
                lambda ln: f"draft {ln.draft_id} line {ln.line_number}")
    if post:
        _post_all(session, user, states, period_, issued or today, invoice_series,
                  note_series, report)
    if new or report.count("posted"):  # a run that changed nothing leaves nothing behind
        audit.record(session, user, "billing_run", "invoice_drafts", f"{period_:%Y-%m}", None,
                     {"period": period_.isoformat(), "post": post, **report.counts()})
    session.flush()
    return report


def by_number_id(states: dict[int, _ContractState], contract_id: int) -> str:
    return states[contract_id].contract.contract_number


def _plan_contract(session: Session, user: str, s: _ContractState, charge: Charge | None,
                   period: date, report: RunReport,
                   new: list[tuple[str, InvoiceDraft, list[InvoiceDraftLine], str]]) -> None:
    number = s.contract.contract_number
    currency = charge.currency if charge else s.contract.currency

    def drop_live(keep: InvoiceDraft | None = None) -> None:
        for d in s.live:
            if d is not keep:
                _withdraw(session, user, d, number)
        s.live = [keep] if keep is not None else []

    if s.exclusion is not None:
        drop_live()
        report.items.append(Item("excluded", number, currency=currency,
                                 note=s.exclusion.reason))
        return
    if not s.posted:
        if s.outside:
            drop_live()
            report.items.append(Item("outside", number, currency=currency,
                                     note=messages.msg(
                                         "invoiced outside the run: {numbers}",
                                         numbers=", ".join(i.invoice_number for i in s.outside))))
            return
        if charge is None or charge.subtotal <= 0:
            drop_live()
            if charge is not None:
                report.items.append(Item("nothing", number, currency=currency,
                                         note=messages.msg("the charge is 0.00")))
            return
        fp = charge.fingerprint
        same = [d for d in s.live if d.purpose == "charge" and d.charge_fingerprint == fp]
        if same:
            drop_live(keep=same[0])
            d = same[0]
            report.items.append(Item("unchanged", number, subtotal=d.subtotal,
                                     tax_amount=d.tax_amount, total=d.total, currency=currency))
            return
        action = "regenerated" if s.live else "drafted"
        drop_live()
        lines = [(ln, describe(ln, period)) for ln in charge.lines]
        draft, draft_lines = _new_draft(s.contract, period, fp, charge.currency,
                                        charge.tax_rate, lines, tax=charge.tax_amount)
        s.live = [draft]
        new.append((number, draft, draft_lines, action))
        report.items.append(Item(action, number, subtotal=draft.subtotal,
                                 tax_amount=draft.tax_amount, total=draft.total,
                                 currency=currency))
        return

    # the run posted this period already: propose an adjustment for a changed charge
    expected = charge.subtotal if charge is not None else ZERO
    posted_sub, _ = s.run_net()
    diff = expected - posted_sub
    if diff == 0:
        drop_live()
        return
    base = s.charge_invoice() or s.posted[0]
    target_id = base.posted_invoice_id
    fp = _fingerprint([charge.fingerprint if charge else None, str(posted_sub),
                       [d.id for d in s.posted]])
    same = [d for d in s.live if d.purpose == "adjustment" and d.charge_fingerprint == fp]
    doc_type = "invoice" if diff > 0 else "credit_note"
    if same:
        drop_live(keep=same[0])
        d = same[0]
        report.items.append(Item("unchanged", number, d.document_type, "adjustment",
                                 d.subtotal, d.tax_amount, d.total, currency))
        return
    drop_live()
    target = session.get(Invoice, target_id)
    month = _month_es(period)
    verb = "Cargo adicional" if diff > 0 else "Bonificación"
    line = ChargeLine(1, "adjustment", None, None, Decimal(1), abs(diff), abs(diff),
                      bool(charge and charge.has_estimated_reads))
    desc = (f"{verb} por ajuste del cargo de {month} (lecturas recibidas después de "
            f"emitir la factura {target.invoice_number})")
    rate = charge.tax_rate if charge is not None else base.tax_rate
    draft, draft_lines = _new_draft(s.contract, period, fp, currency, rate, [(line, desc)],
                                    purpose="adjustment", document_type=doc_type,
                                    related=target_id)
    s.live = [draft]
    new.append((number, draft, draft_lines, "adjustment"))
    report.items.append(Item("adjustment", number, doc_type, "adjustment", draft.subtotal,
                             draft.tax_amount, draft.total, currency,
                             note=messages.msg(
                                 "against {invoice}: charge {expected}, posted {posted}",
                                 invoice=target.invoice_number, expected=expected,
                                 posted=posted_sub)))


def _post_all(session: Session, user: str, states: dict[int, _ContractState], period: date,
              default_issue: date, invoice_series: InvoiceSeries, note_series: InvoiceSeries,
              report: RunReport) -> None:
    drafts = sorted((d for s in states.values() for d in s.live),
                    key=lambda d: (d.purpose != "charge", states[d.contract_id]
                                   .contract.contract_number, d.id))
    if not drafts:
        return
    ids = [d.id for d in drafts]
    lines_of: dict[int, list[InvoiceDraftLine]] = defaultdict(list)
    for ln in session.scalars(select(InvoiceDraftLine).where(InvoiceDraftLine.draft_id.in_(ids))
                              .order_by(InvoiceDraftLine.draft_id, InvoiceDraftLine.line_number)):
        lines_of[ln.draft_id].append(ln)
    items = {(i.contract_number, i.purpose, i.document_type): i for i in report.items}
    pause = float(os.environ.get(_PAUSE_ENV) or 0)
    inv_before, note_before = invoice_series.next_folio, note_series.next_folio
    errors: list[FieldError] = []
    posted_docs: list[tuple[InvoiceDraft, Any]] = []
    for d in drafts:
        contract = states[d.contract_id].contract
        number = contract.contract_number
        issued = d.issued_on or default_issue
        if d.document_type == "invoice":
            folio = invoice_series.next_folio
            doc_number = f"{invoice_series.series}{folio}"
            if session.scalars(select(Invoice.id).where(Invoice.invoice_number == doc_number)
                               ).first() is not None:
                raise RunRefused("invoice_number", f"{doc_number} (series "
                                 f"{invoice_series.series}, next folio {folio}) already exists "
                                 "as an invoice typed by hand: fix the series' next folio")
            invoice_series.next_folio = folio + 1
            doc: Any = Invoice(
                invoice_number=doc_number, contract_id=contract.id, period_start=period,
                issued_on=issued, due_on=issued + timedelta(days=contract.payment_terms_days),
                subtotal=d.subtotal, tax_amount=d.tax_amount, total=d.total,
                currency=d.currency, series=invoice_series.series, folio=folio,
                origin="billing_run",
                adjusts_invoice_id=d.related_invoice_id if d.purpose == "adjustment" else None)
        else:
            target = session.get(Invoice, d.related_invoice_id, with_for_update=True)
            v = Checker()
            check_credit(v, target.invoice_number, target, invoice_credited(session, target),
                         issued, d.total)
            errors += [FieldError(e.field, "{number}: {reason}", params={"number": number,
                                                                         "reason": e.message}) for e in v.errors]
            folio = note_series.next_folio
            doc_number = f"{note_series.series}{folio}"
            note_series.next_folio = folio + 1
            doc = CreditNote(
                credit_note_number=doc_number, invoice_id=target.id, issued_on=issued,
                subtotal=d.subtotal, tax_amount=d.tax_amount, total=d.total,
                reason=f"Ajuste del cargo de {_month_es(period)}", series=note_series.series,
                folio=folio, origin="billing_run")
        if d.issued_on is None and issued < period:
            errors.append(FieldError("issued_on", "{number}: before the period", params={
                                                                                         "number": number}))
        posted_docs.append((d, doc))
        item = items.get((number, d.purpose, d.document_type))
        if item is not None:
            item.action, item.number = "posted", doc_number
        else:
            report.items.append(Item("posted", number, d.document_type, d.purpose, d.subtotal,
                                     d.tax_amount, d.total, d.currency, doc_number))
    if errors:
        raise RunRefused(errors=errors)
    _insert(session, user, [doc for _, doc in posted_docs],
            lambda r: r.invoice_number if isinstance(r, Invoice) else r.credit_note_number)
    doc_lines: list[Any] = []
    now = utcnow()
    for d, doc in posted_docs:
        for ln in lines_of[d.id]:
            common = dict(line_number=ln.line_number, kind=ln.kind, meter=ln.meter,
                          tier_from_page=ln.tier_from_page, description=ln.description,
                          quantity=ln.quantity, unit_price=ln.unit_price, amount=ln.amount,
                          tax_amount=ln.tax_amount, is_estimated=ln.is_estimated)
            doc_lines.append(InvoiceLine(invoice_id=doc.id, **common) if isinstance(doc, Invoice)
                             else CreditNoteLine(credit_note_id=doc.id, **common))
        before = audit.snapshot(d)
        d.status = "posted"
        d.issued_on = d.issued_on or default_issue
        d.posted_at = now
        d.posted_by = user
        d.updated_at = now
        if isinstance(doc, Invoice):
            d.posted_invoice_id = doc.id
        else:
            d.posted_credit_note_id = doc.id
        session.flush()
        audit.record(session, user, "post", "invoice_drafts",
                     _draft_key(states[d.contract_id].contract.contract_number, d), before,
                     audit.snapshot(d))
        if pause:  # the crash test kills the run here, between two posted documents
            print(f"posted {doc.invoice_number if isinstance(doc, Invoice) else doc.credit_note_number}",
                  file=sys.stderr, flush=True)
            time.sleep(pause)
    _insert(session, user, doc_lines,
            lambda r: f"{getattr(r, 'invoice_id', None) or r.credit_note_id}:{r.line_number}")
    for row, before in ((invoice_series, inv_before), (note_series, note_before)):
        if row.next_folio != before:
            row.updated_at = now
            session.flush()
            audit.record(session, user, "update", "invoice_series", row.series,
                         {"next_folio": before}, {"next_folio": row.next_folio})


# --------------------------------------------------------------------------- exclusions, issue dates


def exclude(session: Session, actor: Any, *, contract_number: Any, period: Any,
            reason: Any) -> BillingExclusion:
    """Leave a contract out of a period's run, with the reason (kept and shown)."""
    user = check_runner(session, actor)
    period_ = parse_period(period)
    v = Checker()
    number = v.text("contract_number", contract_number, Contract.contract_number,
                    required=True)
    why = v.text("reason", reason, BillingExclusion.reason, required=True)
    contract = v.known("contract_number", number, session.scalars(
        select(Contract).where(Contract.contract_number == number)).first(), "contract")
    if contract is not None:
        if session.scalars(select(BillingExclusion).where(
                BillingExclusion.contract_id == contract.id,
                BillingExclusion.period_start == period_,
                BillingExclusion.deleted_at.is_(None))).first() is not None:
            v.fail("contract_number", "{number} is already excluded from {period:%Y-%m}",
                   number=number, period=period_)
        posted = session.scalars(select(InvoiceDraft).where(
            InvoiceDraft.contract_id == contract.id, InvoiceDraft.period_start == period_,
            InvoiceDraft.status == "posted", InvoiceDraft.deleted_at.is_(None))).first()
        if posted is not None:
            v.fail("contract_number", "{number} is already invoiced for {period:%Y-%m} by the "
                                      "run: correct it with a credit note instead", number=number,
                   period=period_)
    v.check()
    row = BillingExclusion(contract_id=contract.id, period_start=period_, reason=why)
    return writes.insert(session, user, row, f"{number}|{period_:%Y-%m}", "contract_number")


def lift_exclusion(session: Session, actor: Any, *, contract_number: Any, period: Any
                   ) -> BillingExclusion:
    user = check_runner(session, actor)
    period_ = parse_period(period)
    row = session.scalars(select(BillingExclusion).join(Contract).where(
        Contract.contract_number == str(contract_number or "").strip(),
        BillingExclusion.period_start == period_,
        BillingExclusion.deleted_at.is_(None))).first()
    if row is None:
        raise RunRefused("contract_number", f"{contract_number} is not excluded from "
                                            f"{period_:%Y-%m}")
    return writes.withdraw(session, user, row, f"{contract_number}|{period_:%Y-%m}")


def set_issue_date(session: Session, actor: Any, *, draft_id: Any, issued_on: Any
                   ) -> InvoiceDraft:
    """A draft's own issue date (else the run's); its due date follows at posting."""
    user = check_runner(session, actor)
    v = Checker()
    issued = v.date("issued_on", issued_on, required=True)
    draft = session.get(InvoiceDraft, int(draft_id)) if str(draft_id).isdigit() else None
    if draft is None or draft.deleted_at is not None:
        v.fail("draft_id", "unknown draft {draft_id}", draft_id=draft_id)
    elif draft.status == "posted":
        v.fail("draft_id", "the draft is posted: a posted invoice is never changed")
    elif issued is not None:
        if issued <= period_end(draft.period_start):
            v.fail("issued_on", "must be after the period's end ({period_end})",
                   period_end=period_end(draft.period_start))
        if issued > fields.today():
            v.fail("issued_on", "must not be in the future (today is {today})",
                   today=fields.today())
    v.check()
    contract = session.get(Contract, draft.contract_id)
    return writes.update(session, user, draft, _draft_key(contract.contract_number, draft),
                         issued_on=issued)


# --------------------------------------------------------------------------- reading drafts


def drafts_of(session: Session, period: date) -> list[tuple[InvoiceDraft, str, list[InvoiceDraftLine]]]:
    """The period's live drafts (unposted and posted) with their contract number and lines."""
    drafts = list(session.scalars(select(InvoiceDraft).where(
        InvoiceDraft.period_start == period, InvoiceDraft.deleted_at.is_(None))
        .order_by(InvoiceDraft.id)))
    numbers = {c.id: c.contract_number for c in session.scalars(select(Contract))}
    lines: dict[int, list[InvoiceDraftLine]] = defaultdict(list)
    if drafts:
        for ln in session.scalars(select(InvoiceDraftLine).where(
                InvoiceDraftLine.draft_id.in_([d.id for d in drafts]))
                .order_by(InvoiceDraftLine.line_number)):
            lines[ln.draft_id].append(ln)
    return [(d, numbers[d.contract_id], lines[d.id]) for d in drafts]


def exclusions_of(session: Session, period: date) -> list[tuple[str, str, str]]:
    """(contract number, reason, who) of the period's live exclusions."""
    rows = session.execute(select(Contract.contract_number, BillingExclusion.reason,
                                  BillingExclusion.created_by).join(Contract).where(
        BillingExclusion.period_start == period, BillingExclusion.deleted_at.is_(None))
        .order_by(Contract.contract_number)).all()
    return [tuple(r) for r in rows]


# --------------------------------------------------------------------------- the command


class _DryRun(Exception):
    def __init__(self, report: RunReport) -> None:
        self.report = report


def check_last_refresh(status: dict) -> None:
    """The charges must come from a good build: refuse when the last refresh failed."""
    if status.get("last_error"):
        raise RunRefused("warehouse", "the last warehouse refresh failed "
                                      f"({status.get('last_failure_at')}: "
                                      f"{str(status['last_error']).splitlines()[0][:200]}); "
                                      "fix it and refresh before billing")


def bill(actor: Any, period: Any, *, post: bool = False, dry_run: bool = False,
         issue_date: Any = None, refresh: bool = True, url: str | None = None,
         progress: Any = None) -> RunReport:
    """`seiton bill PERIOD`: refresh the warehouse (unless told not to), read the period's
    charges, run in one write transaction — rolled back for a dry run."""
    from operational_app.store.engine import read_session, write_session
    from seiton.config import load_settings
    from seiton.warehouse.refresh import RefreshError, read_status
    from seiton.warehouse.refresh import refresh as refresh_warehouse

    config = load_settings()
    url = url or config.operational_url
    period_ = parse_period(period)
    with read_session(url) as session:  # refuse early: no refresh for a refused user
        check_runner(session, actor)
    check_period_over(period_)
    if refresh:
        try:
            refresh_warehouse(config, progress or (lambda _msg: None), quiet_dbt=True)
        except RefreshError as exc:
            raise RunRefused("warehouse", f"the warehouse refresh failed: {exc}") from exc
    check_last_refresh(read_status(config))
    charges = read_charges(config.published_warehouse, period_)
    try:
        with write_session(url) as session:
            report = run(session, actor, period=period_, charges=charges, post=post,
                         issue_date=issue_date)
            if dry_run:
                report.dry_run = True
                raise _DryRun(report)
    except _DryRun as done:
        return done.report
    return report
