"""The one place the entry pages read the operational DB: pick-lists and latest records.

Reads use `read_session` (deferred transactions: they never block a writer). Pick-lists are
small `{business key: description}` dicts cached briefly (`PICK_TTL`) and keyed by the DB
URL; every successful write clears them (`invalidate`). Tables are the latest
`TABLE_LIMIT` rows, read on every rerun so a write shows at once. Money is summed in Python
(it is text on SQLite), after a float pre-filter that only narrows the candidates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Float, Select, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from operational_app.domain import fields
from operational_app.domain.lookups import open_amounts, unapplied_amounts
from operational_app.store.engine import read_session
from operational_app.store.models import (
    Account,
    Amendment,
    Closure,
    CollectionAction,
    ConsumableRequest,
    Contract,
    ContractReview,
    CreditNote,
    Device,
    DeviceEvent,
    FormalizationStep,
    ImplementationMilestone,
    ImplementationPlan,
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
    Renewal,
    SlaTerm,
    Ticket,
    TicketPause,
)
from seiton.config import load_settings

PICK_LIMIT = 2000  # newest first; older keys can still be typed into the pick-list
TABLE_LIMIT = 200
PICK_TTL = 30  # seconds: other users' writes show within this, the user's own at once
OPEN_STAGES = ("prospect", "qualified", "diagnosis", "proposal", "negotiation")


def _url() -> str:
    return load_settings().operational_url


def _frame(session: Session, query: Select[Any]) -> pd.DataFrame:
    result = session.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _like(text: str | None, *columns: Any) -> Any:
    """Case-insensitive literal substring match on any of the columns (% and _ escaped)."""
    return or_(*(col.icontains(text, autoescape=True) for col in columns))


# --------------------------------------------------------------------------- balances


def _maybe_open_invoice_ids(session: Session, account_code: str | None = None) -> list[int]:
    """Invoices that may still be open, found with float sums (money is text on SQLite);
    the exact Decimal check (`open_amounts`) decides."""
    live = PaymentApplication.payment_id.not_in(select(PaymentReversal.payment_id))
    applied = (select(func.coalesce(func.sum(cast(PaymentApplication.amount, Float)), 0.0))
               .where(PaymentApplication.invoice_id == Invoice.id, live).scalar_subquery())
    credited = (select(func.coalesce(func.sum(cast(CreditNote.total, Float)), 0.0))
                .where(CreditNote.invoice_id == Invoice.id).scalar_subquery())
    query = select(Invoice.id).where(cast(Invoice.total, Float) - applied - credited > 0.004)
    if account_code is not None:
        query = query.join(Contract, Contract.id == Invoice.contract_id).join(
            Account, Account.id == Contract.account_id).where(Account.account_code == account_code)
    return list(session.scalars(query.order_by(Invoice.id.desc()).limit(PICK_LIMIT * 5)))


def open_invoices(session: Session, account_code: str | None = None) -> pd.DataFrame:
    """Invoices with an open amount, oldest due first (what collections and payment
    application work from)."""
    candidates = _maybe_open_invoice_ids(session, account_code)
    amounts = {k: v for k, v in open_amounts(session, candidates).items() if v > 0}
    if not amounts:
        return pd.DataFrame(columns=["invoice_number", "contract_number", "account_code",
                                     "issued_on", "due_on", "total", "open_amount", "currency"])
    frame = _frame(session, select(
        Invoice.id, Invoice.invoice_number, Contract.contract_number, Account.account_code,
        Invoice.issued_on, Invoice.due_on, Invoice.total, Invoice.currency,
    ).join(Contract, Contract.id == Invoice.contract_id)
     .join(Account, Account.id == Contract.account_id)
     .where(Invoice.id.in_(list(amounts))))
    frame["open_amount"] = frame["id"].map(amounts)
    frame = frame.sort_values(["due_on", "invoice_number"], na_position="last")
    return frame[["invoice_number", "contract_number", "account_code", "issued_on", "due_on",
                  "total", "open_amount", "currency"]].reset_index(drop=True)


# --------------------------------------------------------------------------- pick-lists


def _pick_accounts(s: Session, _arg: Any) -> dict[str, str]:
    rows = s.execute(select(Account.account_code, Account.name)
                     .where(Account.deleted_at.is_(None))
                     .order_by(Account.id.desc()).limit(PICK_LIMIT))
    return {code: name for code, name in rows}


def _pick_opportunities(s: Session, arg: Any) -> dict[str, str]:
    query = (select(Opportunity.opportunity_code, Account.name, Opportunity.stage)
             .join(Account, Account.id == Opportunity.account_id)
             .where(Opportunity.deleted_at.is_(None)))
    if arg == "open":
        query = query.where(Opportunity.stage.in_(OPEN_STAGES))
    elif arg == "won_free":  # won, and no contract made from it yet
        query = query.where(Opportunity.stage == "won", ~exists().where(
            Contract.opportunity_id == Opportunity.id))
    rows = s.execute(query.order_by(Opportunity.id.desc()).limit(PICK_LIMIT))
    return {code: f"{name} · {stage}" for code, name, stage in rows}


def _pick_proposals(s: Session, _arg: Any) -> dict[str, str]:
    rows = s.execute(select(Proposal.proposal_code, Opportunity.opportunity_code, Proposal.status)
                     .join(Opportunity, Opportunity.id == Proposal.opportunity_id)
                     .where(Proposal.deleted_at.is_(None), Proposal.status.in_(("draft", "sent")))
                     .order_by(Proposal.id.desc()).limit(PICK_LIMIT))
    return {code: f"{opp} · {status}" for code, opp, status in rows}


def _pick_contracts(s: Session, arg: Any) -> dict[str, str]:
    query = select(Contract.contract_number, Account.name, Contract.currency,
                   Contract.end_date).join(Account, Account.id == Contract.account_id)
    if arg == "pending":
        query = query.where(Contract.activated_on.is_(None), Contract.closed_on.is_(None))
    elif arg == "active":
        query = query.where(Contract.activated_on.is_not(None), Contract.closed_on.is_(None))
    elif arg == "open":
        query = query.where(Contract.closed_on.is_(None))
    rows = s.execute(query.order_by(Contract.id.desc()).limit(PICK_LIMIT))
    return {num: f"{name} · {cur} · → {end}" for num, name, cur, end in rows}


def _pick_devices(s: Session, arg: Any) -> dict[str, str]:
    query = (select(Device.serial, Contract.contract_number, Device.model)
             .join(Contract, Contract.id == Device.contract_id))
    if arg == "installed":
        query = query.where(Device.removed_on.is_(None))
    rows = s.execute(query.order_by(Device.id.desc()).limit(PICK_LIMIT))
    return {serial: " · ".join(x for x in (number, model) if x) for serial, number, model in rows}


def _pick_tickets(s: Session, _arg: Any) -> dict[str, str]:
    rows = s.execute(select(Ticket.ticket_number, Contract.contract_number, Ticket.ticket_type,
                            Ticket.resolved_at)
                     .join(Contract, Contract.id == Ticket.contract_id)
                     .where(Ticket.deleted_at.is_(None), Ticket.closed_at.is_(None))
                     .order_by(Ticket.id.desc()).limit(PICK_LIMIT))
    return {num: f"{contract} · {ttype}" + (" · ✓" if resolved else "")
            for num, contract, ttype, resolved in rows}


def _pick_visits(s: Session, _arg: Any) -> dict[str, str]:
    rows = s.execute(select(MaintenanceVisit.visit_code, Device.serial, MaintenanceVisit.due_on)
                     .join(Device, Device.id == MaintenanceVisit.device_id)
                     .where(MaintenanceVisit.deleted_at.is_(None),
                            MaintenanceVisit.done_on.is_(None))
                     .order_by(MaintenanceVisit.due_on, MaintenanceVisit.id).limit(PICK_LIMIT))
    return {code: f"{serial} · {due}" for code, serial, due in rows}


def _pick_consumables(s: Session, _arg: Any) -> dict[str, str]:
    rows = s.execute(select(ConsumableRequest.request_number, Device.serial,
                            ConsumableRequest.item, ConsumableRequest.quantity)
                     .join(Device, Device.id == ConsumableRequest.device_id)
                     .where(ConsumableRequest.deleted_at.is_(None),
                            ConsumableRequest.delivered_at.is_(None))
                     .order_by(ConsumableRequest.id.desc()).limit(PICK_LIMIT))
    return {num: f"{serial} · {item} × {qty}" for num, serial, item, qty in rows}


def _pick_invoices(s: Session, arg: Any) -> dict[str, str]:
    if arg == "open" or (isinstance(arg, tuple) and arg[0] == "open"):
        account = arg[1] if isinstance(arg, tuple) else None
        frame = open_invoices(s, account)
        return {r.invoice_number: f"{r.contract_number} · {r.open_amount:,.2f} {r.currency}"
                for r in frame.head(PICK_LIMIT).itertuples()}
    rows = s.execute(select(Invoice.invoice_number, Contract.contract_number, Invoice.total,
                            Invoice.currency)
                     .join(Contract, Contract.id == Invoice.contract_id)
                     .order_by(Invoice.id.desc()).limit(PICK_LIMIT))
    return {num: f"{contract} · {total:,.2f} {cur}" for num, contract, total, cur in rows}


def _pick_payments(s: Session, arg: Any) -> dict[str, str]:
    rows = s.execute(select(Payment.id, Payment.payment_number, Account.account_code,
                            Payment.amount, Payment.currency)
                     .join(Account, Account.id == Payment.account_id)
                     .where(Payment.id.not_in(select(PaymentReversal.payment_id)))
                     .order_by(Payment.id.desc()).limit(PICK_LIMIT)).all()
    if arg == "unapplied":
        left = unapplied_amounts(s, [r.id for r in rows])
        return {r.payment_number: f"{r.account_code} · {left[r.id]:,.2f} {r.currency}"
                for r in rows if left[r.id] > 0}
    return {r.payment_number: f"{r.account_code} · {r.amount:,.2f} {r.currency}" for r in rows}


PICKERS: dict[str, Callable[[Session, Any], dict[str, str]]] = {
    "accounts": _pick_accounts,
    "opportunities": _pick_opportunities,
    "proposals": _pick_proposals,
    "contracts": _pick_contracts,
    "devices": _pick_devices,
    "tickets": _pick_tickets,
    "visits": _pick_visits,
    "consumables": _pick_consumables,
    "invoices": _pick_invoices,
    "payments": _pick_payments,
}


@st.cache_data(ttl=PICK_TTL, show_spinner=False, max_entries=200)
def _cached_pick(url: str, name: str, arg: Any) -> dict[str, str]:
    with read_session(url) as session:
        return PICKERS[name](session, arg)


def picklist(name: str, arg: Any = None) -> dict[str, str]:
    return _cached_pick(_url(), name, arg)


@st.cache_data(ttl=PICK_TTL, show_spinner=False, max_entries=50)
def _cached_open_invoices(url: str, account_code: str | None) -> pd.DataFrame:
    with read_session(url) as session:
        return open_invoices(session, account_code)


def open_invoices_now(account_code: str | None = None) -> pd.DataFrame:
    """Open invoices (cached like the pick-lists: computing every balance is the costliest
    read of the pages)."""
    return _cached_open_invoices(_url(), account_code)


def invalidate() -> None:
    """After a write: the pick-lists must show (or drop) what was just written."""
    _cached_pick.clear()
    _cached_open_invoices.clear()


# --------------------------------------------------------------------------- tables


def read(build: Callable[[Session], pd.DataFrame]) -> pd.DataFrame:
    with read_session(_url()) as session:
        return build(session)


def accounts_table(search: str = "") -> pd.DataFrame:
    query = (select(Account.account_code, Account.name, Account.tax_id, Account.segment,
                    Account.region, Account.tax_rate, Account.created_by)
             .where(Account.deleted_at.is_(None)))
    if search:
        query = query.where(_like(search, Account.account_code, Account.name, Account.tax_id))
    return read(lambda s: _frame(s, query.order_by(Account.id.desc()).limit(TABLE_LIMIT)))


def opportunities_table(stage: str | None = None, search: str = "") -> pd.DataFrame:
    query = (select(Opportunity.opportunity_code, Account.account_code, Opportunity.owner,
                    Opportunity.stage, Opportunity.estimated_amount, Opportunity.currency,
                    Opportunity.created_on, Opportunity.closed_on, Opportunity.lost_reason,
                    Opportunity.source)
             .join(Account, Account.id == Opportunity.account_id)
             .where(Opportunity.deleted_at.is_(None)))
    if stage:
        query = query.where(Opportunity.stage == stage)
    if search:
        query = query.where(_like(search, Opportunity.opportunity_code, Account.account_code,
                                  Opportunity.owner))
    return read(lambda s: _frame(s, query.order_by(Opportunity.id.desc()).limit(TABLE_LIMIT)))


def proposals_table(status: str | None = None) -> pd.DataFrame:
    query = (select(Proposal.proposal_code, Opportunity.opportunity_code, Proposal.status,
                    Proposal.proposed_on, Proposal.price, Proposal.cost, Proposal.currency)
             .join(Opportunity, Opportunity.id == Proposal.opportunity_id)
             .where(Proposal.deleted_at.is_(None)))
    if status:
        query = query.where(Proposal.status == status)
    return read(lambda s: _frame(s, query.order_by(Proposal.id.desc()).limit(TABLE_LIMIT)))


def _contract_state(activated: Any, closed: Any) -> str:
    if closed is not None:
        return "closed"
    return "active" if activated is not None else "pending"


def contracts_table(state: str | None = None, search: str = "") -> pd.DataFrame:
    query = (select(Contract.contract_number, Account.account_code, Contract.start_date,
                    Contract.end_date, Contract.currency, Contract.payment_terms_days,
                    Contract.billing_day, Contract.activated_on, Contract.closed_on)
             .join(Account, Account.id == Contract.account_id))
    if state == "pending":
        query = query.where(Contract.activated_on.is_(None), Contract.closed_on.is_(None))
    elif state == "active":
        query = query.where(Contract.activated_on.is_not(None), Contract.closed_on.is_(None))
    elif state == "closed":
        query = query.where(Contract.closed_on.is_not(None))
    if search:
        query = query.where(_like(search, Contract.contract_number, Account.account_code))
    frame = read(lambda s: _frame(s, query.order_by(Contract.id.desc()).limit(TABLE_LIMIT)))
    if not frame.empty:
        frame.insert(2, "state", [_contract_state(a, c) for a, c in
                                  zip(frame["activated_on"], frame["closed_on"], strict=True)])
    return frame


def price_plans_table(contract_number: str | None = None) -> pd.DataFrame:
    query = (select(Contract.contract_number, PricePlan.effective_from,
                    PricePlan.fixed_monthly_fee, PricePlan.included_mono_pages,
                    PricePlan.included_color_pages, PricePlan.mono_rate, PricePlan.color_rate,
                    PricePlan.minimum_monthly_charge)
             .join(Contract, Contract.id == PricePlan.contract_id))
    if contract_number:
        query = query.where(Contract.contract_number == contract_number)
    return read(lambda s: _frame(s, query.order_by(PricePlan.id.desc()).limit(TABLE_LIMIT)))


def sla_table(contract_number: str | None = None) -> pd.DataFrame:
    query = (select(Contract.contract_number, SlaTerm.effective_from, SlaTerm.response_hours,
                    SlaTerm.resolution_hours, SlaTerm.uptime_target_pct)
             .join(Contract, Contract.id == SlaTerm.contract_id))
    if contract_number:
        query = query.where(Contract.contract_number == contract_number)
    return read(lambda s: _frame(s, query.order_by(SlaTerm.id.desc()).limit(TABLE_LIMIT)))


def steps_table(contract_number: str | None = None) -> pd.DataFrame:
    query = (select(Contract.contract_number, FormalizationStep.step, FormalizationStep.decision,
                    FormalizationStep.decided_on, FormalizationStep.decided_by,
                    FormalizationStep.notes)
             .join(Contract, Contract.id == FormalizationStep.contract_id))
    if contract_number:
        query = query.where(Contract.contract_number == contract_number)
    return read(lambda s: _frame(s, query.order_by(FormalizationStep.id.desc())
                                 .limit(TABLE_LIMIT)))


def step_status(contract_number: str, steps: Iterable[str]) -> pd.DataFrame:
    """Each required step's latest decision for one contract (what activation checks)."""
    def build(s: Session) -> pd.DataFrame:
        rows = s.execute(select(FormalizationStep.step, FormalizationStep.decision,
                                FormalizationStep.decided_on, FormalizationStep.decided_by)
                         .join(Contract, Contract.id == FormalizationStep.contract_id)
                         .where(Contract.contract_number == contract_number)
                         .order_by(FormalizationStep.decided_on, FormalizationStep.id)).all()
        latest = {r.step: r for r in rows}
        return pd.DataFrame([{
            "step": step,
            "decision": latest[step].decision if step in latest else None,
            "decided_on": latest[step].decided_on if step in latest else None,
            "decided_by": latest[step].decided_by if step in latest else None,
        } for step in steps])
    return read(build)


def implementation_table(search: str = "") -> pd.DataFrame:
    devices = (select(func.count(Device.id)).where(Device.contract_id == Contract.id)
               .scalar_subquery())
    query = (select(Contract.id, Contract.contract_number, Contract.activated_on,
                    ImplementationPlan.planned_on, ImplementationPlan.planned_go_live,
                    devices.label("devices"))
             .outerjoin(ImplementationPlan, ImplementationPlan.contract_id == Contract.id)
             .where(Contract.closed_on.is_(None),
                    or_(Contract.activated_on.is_not(None), ImplementationPlan.id.is_not(None))))
    if search:
        query = query.where(_like(search, Contract.contract_number))

    def build(s: Session) -> pd.DataFrame:
        frame = _frame(s, query.order_by(Contract.id.desc()).limit(TABLE_LIMIT))
        if frame.empty:
            return frame.drop(columns=["id"])
        done: dict[int, list] = defaultdict(list)
        for cid, milestone, on in s.execute(
                select(ImplementationMilestone.contract_id, ImplementationMilestone.milestone,
                       ImplementationMilestone.done_on)
                .where(ImplementationMilestone.contract_id.in_(frame["id"].tolist()),
                       ImplementationMilestone.deleted_at.is_(None))):
            done[cid].append((on, milestone))
        # the milestones reached, in order, by their names and dates as people read them
        from operational_app.pages.forms import option_label
        from seiton.webapp.formats import fmt_date

        frame["milestone"] = [", ".join(f"{option_label(m)} {fmt_date(on)}"
                                        for on, m in sorted(done[c])) for c in frame["id"]]
        return frame.drop(columns=["id"])
    return read(build)


def devices_table(search: str = "", installed_only: bool = False) -> pd.DataFrame:
    query = (select(Device.serial, Contract.contract_number, Device.model, Device.is_color,
                    Device.site, Device.installed_on, Device.removed_on,
                    Device.install_mono_counter, Device.install_color_counter)
             .join(Contract, Contract.id == Device.contract_id))
    if installed_only:
        query = query.where(Device.removed_on.is_(None))
    if search:
        query = query.where(_like(search, Device.serial, Contract.contract_number, Device.model))
    return read(lambda s: _frame(s, query.order_by(Device.id.desc()).limit(TABLE_LIMIT)))


def tickets_table(state: str | None = None, search: str = "") -> pd.DataFrame:
    open_pause = exists().where(TicketPause.ticket_id == Ticket.id,
                                TicketPause.resumed_at.is_(None))
    query = (select(Ticket.ticket_number, Contract.contract_number, Device.serial,
                    Ticket.ticket_type, Ticket.priority, Ticket.opened_at,
                    Ticket.first_response_at, open_pause.label("paused"), Ticket.resolved_at,
                    Ticket.first_time_fix, Ticket.closed_at, Ticket.description)
             .join(Contract, Contract.id == Ticket.contract_id)
             .outerjoin(Device, Device.id == Ticket.device_id)
             .where(Ticket.deleted_at.is_(None)))
    if state == "open":
        query = query.where(Ticket.resolved_at.is_(None))
    elif state == "resolved":
        query = query.where(Ticket.resolved_at.is_not(None), Ticket.closed_at.is_(None))
    elif state == "closed":
        query = query.where(Ticket.closed_at.is_not(None))
    if search:
        query = query.where(_like(search, Ticket.ticket_number, Contract.contract_number,
                                  Device.serial))
    return read(lambda s: _frame(s, query.order_by(Ticket.id.desc()).limit(TABLE_LIMIT)))


def maintenance_table(pending_only: bool = False, search: str = "") -> pd.DataFrame:
    plan = aliased(MaintenancePlan)
    query = (select(MaintenanceVisit.visit_code, Device.serial, Contract.contract_number,
                    MaintenanceVisit.due_on, MaintenanceVisit.done_on,
                    plan.interval_months)
             .join(Device, Device.id == MaintenanceVisit.device_id)
             .join(Contract, Contract.id == Device.contract_id)
             .outerjoin(plan, plan.device_id == Device.id)
             .where(MaintenanceVisit.deleted_at.is_(None)))
    if pending_only:
        query = query.where(MaintenanceVisit.done_on.is_(None))
    if search:
        query = query.where(_like(search, MaintenanceVisit.visit_code, Device.serial))
    return read(lambda s: _frame(s, query.order_by(MaintenanceVisit.id.desc())
                                 .limit(TABLE_LIMIT)))


def maintenance_plans_table() -> pd.DataFrame:
    query = (select(Device.serial, MaintenancePlan.interval_months, MaintenancePlan.starts_on)
             .join(Device, Device.id == MaintenancePlan.device_id))
    return read(lambda s: _frame(s, query.order_by(MaintenancePlan.id.desc())
                                 .limit(TABLE_LIMIT)))


def consumables_table(pending_only: bool = False, search: str = "") -> pd.DataFrame:
    query = (select(ConsumableRequest.request_number, Device.serial, ConsumableRequest.item,
                    ConsumableRequest.quantity, ConsumableRequest.requested_at,
                    ConsumableRequest.delivered_at)
             .join(Device, Device.id == ConsumableRequest.device_id)
             .where(ConsumableRequest.deleted_at.is_(None)))
    if pending_only:
        query = query.where(ConsumableRequest.delivered_at.is_(None))
    if search:
        query = query.where(_like(search, ConsumableRequest.request_number, Device.serial,
                                  ConsumableRequest.item))
    return read(lambda s: _frame(s, query.order_by(ConsumableRequest.id.desc())
                                 .limit(TABLE_LIMIT)))


def events_table(search: str = "") -> pd.DataFrame:
    query = (select(Device.serial, DeviceEvent.event_type, DeviceEvent.event_at,
                    DeviceEvent.created_by)
             .join(Device, Device.id == DeviceEvent.device_id))
    if search:
        query = query.where(_like(search, Device.serial))
    return read(lambda s: _frame(s, query.order_by(DeviceEvent.event_at.desc(),
                                                   DeviceEvent.id.desc()).limit(TABLE_LIMIT)))


def readings_table(search: str = "") -> pd.DataFrame:
    query = (select(Device.serial, MeterReading.read_on, MeterReading.mono_counter,
                    MeterReading.color_counter, MeterReading.source, MeterReading.meter_reset,
                    MeterReading.review_status, MeterReading.created_by)
             .join(Device, Device.id == MeterReading.device_id)
             .where(MeterReading.deleted_at.is_(None)))
    if search:
        query = query.where(_like(search, Device.serial))
    return read(lambda s: _frame(s, query.order_by(MeterReading.id.desc()).limit(TABLE_LIMIT)))


def latest_reading(serial: str) -> dict[str, Any] | None:
    """The device's current counters (what the next reading must not go below)."""
    def build(s: Session) -> pd.DataFrame:
        return _frame(s, select(MeterReading.read_on, MeterReading.mono_counter,
                                MeterReading.color_counter, MeterReading.meter_reset)
                      .join(Device, Device.id == MeterReading.device_id)
                      .where(Device.serial == serial, MeterReading.deleted_at.is_(None))
                      .order_by(MeterReading.read_on.desc(), MeterReading.meter_reset.desc(),
                                MeterReading.id.desc()).limit(1))
    frame = read(build)
    return None if frame.empty else frame.iloc[0].to_dict()


def invoices_table(open_only: bool = False, search: str = "") -> pd.DataFrame:
    if open_only:
        frame = open_invoices_now()
        if search and not frame.empty:
            needle = search.lower()
            frame = frame[frame["invoice_number"].str.lower().str.contains(needle, regex=False)
                          | frame["contract_number"].str.lower().str.contains(needle,
                                                                              regex=False)]
        return frame.head(TABLE_LIMIT)
    query = (select(Invoice.id, Invoice.invoice_number, Contract.contract_number,
                    Account.account_code, Invoice.period_start, Invoice.issued_on,
                    Invoice.due_on, Invoice.subtotal, Invoice.tax_amount, Invoice.total,
                    Invoice.currency)
             .join(Contract, Contract.id == Invoice.contract_id)
             .join(Account, Account.id == Contract.account_id))
    if search:
        query = query.where(_like(search, Invoice.invoice_number, Contract.contract_number,
                                  Account.account_code))

    def build(s: Session) -> pd.DataFrame:
        frame = _frame(s, query.order_by(Invoice.id.desc()).limit(TABLE_LIMIT))
        if frame.empty:
            return frame.drop(columns=["id"])
        amounts = open_amounts(s, frame["id"].tolist())
        frame["open_amount"] = frame["id"].map(amounts)
        return frame.drop(columns=["id"])
    return read(build)


def credit_notes_table(search: str = "") -> pd.DataFrame:
    query = (select(CreditNote.credit_note_number, Invoice.invoice_number, CreditNote.issued_on,
                    CreditNote.subtotal, CreditNote.tax_amount, CreditNote.total,
                    CreditNote.reason)
             .join(Invoice, Invoice.id == CreditNote.invoice_id))
    if search:
        query = query.where(_like(search, CreditNote.credit_note_number, Invoice.invoice_number))
    return read(lambda s: _frame(s, query.order_by(CreditNote.id.desc()).limit(TABLE_LIMIT)))


def payments_table(search: str = "") -> pd.DataFrame:
    query = (select(Payment.id, Payment.payment_number, Account.account_code,
                    Payment.received_on, Payment.amount, Payment.currency, Payment.method,
                    PaymentReversal.reversal_number)
             .join(Account, Account.id == Payment.account_id)
             .outerjoin(PaymentReversal, PaymentReversal.payment_id == Payment.id))
    if search:
        query = query.where(_like(search, Payment.payment_number, Account.account_code))

    def build(s: Session) -> pd.DataFrame:
        frame = _frame(s, query.order_by(Payment.id.desc()).limit(TABLE_LIMIT))
        if frame.empty:
            return frame.drop(columns=["id"])
        left = unapplied_amounts(s, frame["id"].tolist())
        frame.insert(6, "unapplied_amount", frame["id"].map(left))
        return frame.drop(columns=["id"])
    return read(build)


def applications_table(payment_number: str | None = None) -> pd.DataFrame:
    query = (select(Payment.payment_number, Invoice.invoice_number, PaymentApplication.amount,
                    PaymentApplication.applied_on, PaymentApplication.created_by)
             .join(Payment, Payment.id == PaymentApplication.payment_id)
             .join(Invoice, Invoice.id == PaymentApplication.invoice_id))
    if payment_number:
        query = query.where(Payment.payment_number == payment_number)
    return read(lambda s: _frame(s, query.order_by(PaymentApplication.id.desc())
                                 .limit(TABLE_LIMIT)))


def payment_summary(payment_number: str) -> dict[str, Any] | None:
    """The payment's account, currency and what is left to apply."""
    with read_session(_url()) as s:
        row = s.execute(select(Payment.id, Payment.payment_number, Account.account_code,
                               Payment.amount, Payment.currency, Payment.received_on)
                        .join(Account, Account.id == Payment.account_id)
                        .where(Payment.payment_number == payment_number)).first()
        if row is None:
            return None
        summary = dict(row._mapping)
        summary["unapplied_amount"] = unapplied_amounts(s, [row.id])[row.id]
        return summary


def collections_table(search: str = "") -> pd.DataFrame:
    query = (select(Invoice.invoice_number, Contract.contract_number,
                    CollectionAction.action_type, CollectionAction.action_on,
                    CollectionAction.promised_on, CollectionAction.promised_amount,
                    CollectionAction.notes, CollectionAction.created_by)
             .join(Invoice, Invoice.id == CollectionAction.invoice_id)
             .join(Contract, Contract.id == Invoice.contract_id))
    if search:
        query = query.where(_like(search, Invoice.invoice_number, Contract.contract_number))
    return read(lambda s: _frame(s, query.order_by(CollectionAction.id.desc())
                                 .limit(TABLE_LIMIT)))


def overdue_invoices(as_of: Any = None) -> pd.DataFrame:
    """Open invoices past due as of a day (today by default), most days past due first."""
    day = as_of or fields.today()
    frame = open_invoices_now()
    if frame.empty:
        return frame
    frame = frame[frame["due_on"].notna() & (frame["due_on"] < day)].copy()
    frame["days_past_due"] = [(day - d).days for d in frame["due_on"]]
    return frame.sort_values("days_past_due", ascending=False).head(TABLE_LIMIT)


def expiring_contracts(days: int = 90) -> pd.DataFrame:
    """Active contracts ending within `days`, with their last review and renewal (the
    `expiring_unattended` KPI's records)."""
    today = fields.today()
    last_review = (select(func.max(ContractReview.review_on))
                   .where(ContractReview.contract_id == Contract.id).scalar_subquery())
    last_renewal = (select(func.max(Renewal.renewed_on))
                    .where(Renewal.contract_id == Contract.id).scalar_subquery())
    query = (select(Contract.contract_number, Account.account_code, Contract.end_date,
                    last_review.label("review_on"), last_renewal.label("renewed_on"))
             .join(Account, Account.id == Contract.account_id)
             .where(Contract.closed_on.is_(None), Contract.activated_on.is_not(None),
                    and_(Contract.end_date >= today,
                         Contract.end_date <= today + timedelta(days=days))))
    return read(lambda s: _frame(s, query.order_by(Contract.end_date).limit(TABLE_LIMIT)))


def renewal_history(search: str = "") -> pd.DataFrame:
    """Reviews, renewals, amendments and closures, newest first, in one table."""
    def part(s: Session, kind: str, query: Select[Any], on: Any,
             detail: Callable[[Any], str]) -> list[dict[str, Any]]:
        if search:
            query = query.where(_like(search, Contract.contract_number))
        return [{"contract_number": r.contract_number, "record": kind, "on": r.on,
                 "detail": detail(r), "created_by": r.created_by}
                for r in s.execute(query.order_by(on.desc()).limit(TABLE_LIMIT))]

    def build(s: Session) -> pd.DataFrame:
        rows = part(s, "review", select(
            Contract.contract_number, ContractReview.review_on.label("on"),
            ContractReview.outcome, ContractReview.created_by,
        ).join(Contract, Contract.id == ContractReview.contract_id), ContractReview.review_on,
            lambda r: r.outcome)
        rows += part(s, "renewal", select(
            Contract.contract_number, Renewal.renewed_on.label("on"),
            Renewal.previous_end_date, Renewal.new_end_date, Renewal.created_by,
        ).join(Contract, Contract.id == Renewal.contract_id), Renewal.renewed_on,
            lambda r: f"{r.previous_end_date} → {r.new_end_date}")
        rows += part(s, "amendment", select(
            Contract.contract_number, Amendment.amended_on.label("on"),
            Amendment.amendment_number, Amendment.amendment_type, Amendment.devices_delta,
            Amendment.created_by,
        ).join(Contract, Contract.id == Amendment.contract_id), Amendment.amended_on,
            lambda r: f"{r.amendment_number} · {r.amendment_type} · {r.devices_delta:+d}")
        rows += part(s, "closure", select(
            Contract.contract_number, Closure.closed_on.label("on"), Closure.reason,
            Closure.devices_retrieved, Closure.created_by,
        ).join(Contract, Contract.id == Closure.contract_id), Closure.closed_on,
            lambda r: f"{r.reason} · {r.devices_retrieved}")
        frame = pd.DataFrame(rows, columns=["contract_number", "record", "on", "detail",
                                            "created_by"])
        if frame.empty:
            return frame
        return frame.sort_values("on", ascending=False).head(TABLE_LIMIT)
    return read(build)

