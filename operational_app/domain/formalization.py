"""Stage 2 — formalization: contracts, price plans and tiers, SLA terms, approval steps,
activation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.domain import writes
from operational_app.domain.fields import Checker, check_actor, first_of_month
from operational_app.domain.lookups import (
    contract_ref,
    find_account,
    find_contract,
    find_opportunity,
    find_price_plan,
    last_day_in_force,
)
from operational_app.domain.messages import msg
from operational_app.store.models import (
    Account,
    Closure,
    Contract,
    FormalizationStep,
    Opportunity,
    PricePlan,
    PriceTier,
    SlaTerm,
)

# The five checks of docs/stages-and-kpis.md stage 2, in the order they are usually done.
REQUIRED_STEPS = (
    "legal_review",
    "customer_registered",
    "pricing_validated",
    "sla_validated",
    "internal_approval",
)
STEPS = REQUIRED_STEPS + ("activated",)
DECISIONS = ("approved", "rejected")
METERS = ("mono", "color")
MAX_PAYMENT_TERMS_DAYS = 365
MAX_BILLING_DAY = 28  # every month has it
IMPORTED_CLOSURE_REASON = "imported"


# --------------------------------------------------------------------------- contracts


def _check_won_opportunity(
    v: Checker, session: Session, code: str | None, account: Account | None
) -> Opportunity | None:
    opp = v.known("opportunity_code", code, find_opportunity(session, code), "opportunity")
    if opp is None:
        return None
    if opp.stage != "won":
        v.fail("opportunity_code", "opportunity '{code}' is {stage}, not won", code=code,
               stage=opp.stage)
    if account is not None and opp.account_id != account.id:
        v.fail("opportunity_code", "opportunity '{code}' belongs to another account", code=code)
    taken = session.scalar(select(Contract.contract_number).where(
        Contract.opportunity_id == opp.id))
    if taken is not None:
        v.fail("opportunity_code", "opportunity '{code}' already has contract '{taken}'",
               code=code, taken=taken)
    return opp


def create_contract(
    session: Session,
    actor: str,
    *,
    contract_number: Any,
    account_code: Any,
    start_date: Any,
    end_date: Any,
    currency: Any,
    payment_terms_days: Any,
    billing_day: Any = 1,
    opportunity_code: Any = None,
    activated_on: Any = None,
    closed_on: Any = None,
    closure_reason: Any = None,
) -> Contract:
    """A contract, normally from a won opportunity.

    `activated_on` / `closed_on` exist for contracts imported from an earlier system
    (contracts.csv): they are recorded as given, without formalization steps; a closure also
    gets its closures row (reason `closure_reason`, default 'imported'). New contracts are
    activated with `activate_contract` and closed with `renewal.close_contract`.
    """
    actor = check_actor(actor)
    v = Checker()
    number = v.text("contract_number", contract_number, Contract.contract_number, required=True)
    acct_code = v.text("account_code", account_code, Account.account_code, required=True)
    start = v.date("start_date", start_date, required=True)
    end = v.date("end_date", end_date, required=True)
    currency_ = v.currency("currency", currency)
    terms = v.integer("payment_terms_days", payment_terms_days, required=True,
                      maximum=MAX_PAYMENT_TERMS_DAYS)
    bill_day = v.integer("billing_day", billing_day, minimum=1, maximum=MAX_BILLING_DAY)
    opp_code = v.text("opportunity_code", opportunity_code, Opportunity.opportunity_code)
    activated = v.date("activated_on", activated_on)
    closed = v.date("closed_on", closed_on)
    reason = v.text("closure_reason", closure_reason, Closure.reason)
    if reason is not None and closed is None and not v.has_error("closed_on"):
        v.fail("closure_reason", "is only recorded together with {closed_field}",
               closed_field="closed_on")
    v.after("end_date", end, start, "the start date")
    v.not_before("activated_on", activated, start, "the start date")
    v.not_before("closed_on", closed, activated or start, "the activation or start date")
    if end is not None and start is not None and end > start:
        for field, day in (("activated_on", activated), ("closed_on", closed)):
            if day is not None and day > end:
                v.fail(field, "must be within the contract (on or before its end date {end})",
                       end=end)
    account = v.known("account_code", acct_code, find_account(session, acct_code), "account")
    v.unique("contract_number", number, find_contract(session, number), "contract")
    opp = _check_won_opportunity(v, session, opp_code, account)
    v.check()
    row = Contract(contract_number=number, account_id=account.id,
                   opportunity_id=opp.id if opp else None, start_date=start, end_date=end,
                   currency=currency_, payment_terms_days=terms, billing_day=bill_day or 1,
                   activated_on=activated, closed_on=closed)
    writes.insert(session, actor, row, number, "contract_number")
    if closed is not None:
        closure = Closure(contract_id=row.id, closed_on=closed,
                          reason=reason or IMPORTED_CLOSURE_REASON, devices_retrieved=0)
        writes.insert(session, actor, closure, number, "contract_number")
    return row


# --------------------------------------------------------------------------- price plans


def add_price_plan(
    session: Session,
    actor: str,
    *,
    contract_number: Any,
    effective_from: Any,
    fixed_monthly_fee: Any,
    included_mono_pages: Any,
    included_color_pages: Any,
    mono_rate: Any,
    color_rate: Any,
    minimum_monthly_charge: Any = None,
) -> PricePlan:
    """A plan applies from the first day of a month (docs/billing.md, "Periods and plans")."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number)
    start = v.date("effective_from", effective_from, required=True)
    fee = v.money("fixed_monthly_fee", fixed_monthly_fee, required=True)
    mono_pages = v.integer("included_mono_pages", included_mono_pages, required=True, big=True)
    color_pages = v.integer("included_color_pages", included_color_pages, required=True,
                            big=True)
    mono = v.rate("mono_rate", mono_rate, required=True)
    color = v.rate("color_rate", color_rate, required=True)
    minimum = v.money("minimum_monthly_charge", minimum_monthly_charge)
    if start is not None and start.day != 1:
        v.fail("effective_from", "must be the first day of a month")
    if contract is not None and start is not None and start.day == 1:
        v.not_before("effective_from", start, first_of_month(contract.start_date),
                     "the month the contract starts")
        if start > last_day_in_force(contract):
            v.fail("effective_from", "must be within the contract (it ends {end})",
                   end=last_day_in_force(contract))
        if find_price_plan(session, contract.id, start) is not None:
            v.fail("effective_from", "a price plan of contract '{number}' effective from "
                                     "{start} already exists", number=number, start=start)
    v.check()
    row = PricePlan(contract_id=contract.id, effective_from=start, fixed_monthly_fee=fee,
                    included_mono_pages=mono_pages, included_color_pages=color_pages,
                    mono_rate=mono, color_rate=color, minimum_monthly_charge=minimum)
    return writes.insert(session, actor, row, f"{number}:{start}", "effective_from")


def add_price_tier(
    session: Session,
    actor: str,
    *,
    contract_number: Any,
    effective_from: Any,
    meter: Any,
    from_page: Any,
    rate: Any,
) -> PriceTier:
    """A graduated overage tier of an existing plan (pages over the allowance)."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number)
    start = v.date("effective_from", effective_from, required=True)
    meter_ = v.choice("meter", meter, METERS)
    first_page = v.integer("from_page", from_page, required=True, big=True)
    rate_ = v.rate("rate", rate, required=True)
    plan = None
    if contract is not None and start is not None:
        plan = find_price_plan(session, contract.id, start)
        if plan is None:
            v.fail("effective_from", "contract '{number}' has no price plan effective from {start}",
                   number=number, start=start)
    if plan is not None and meter_ is not None and first_page is not None:
        exists = session.scalar(select(PriceTier.id).where(
            PriceTier.price_plan_id == plan.id, PriceTier.meter == meter_,
            PriceTier.from_page == first_page))
        if exists is not None:
            v.fail("from_page", "a {meter} tier from page {first_page} already exists in this plan",
                   meter=meter_, first_page=first_page)
    v.check()
    row = PriceTier(price_plan_id=plan.id, meter=meter_, from_page=first_page, rate=rate_)
    return writes.insert(session, actor, row, f"{number}:{start}:{meter_}:{first_page}",
                         "from_page")


# --------------------------------------------------------------------------- SLA terms


def set_sla_terms(
    session: Session,
    actor: str,
    *,
    contract_number: Any,
    effective_from: Any,
    response_hours: Any,
    resolution_hours: Any,
    uptime_target_pct: Any = None,
) -> SlaTerm:
    """Record the SLA in force from a date; the same date again replaces those terms."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number)
    start = v.date("effective_from", effective_from, required=True)
    response = v.decimal("response_hours", response_hours, places=2, required=True,
                         positive=True, below=Decimal(10**6))
    resolution = v.decimal("resolution_hours", resolution_hours, places=2, required=True,
                           positive=True, below=Decimal(10**6))
    uptime = v.decimal("uptime_target_pct", uptime_target_pct, places=2, positive=True,
                       maximum=Decimal(100))
    if response is not None and resolution is not None and resolution < response:
        v.fail("resolution_hours", "must not be shorter than the response time ({response} h)",
               response=response)
    if contract is not None and start is not None and start > last_day_in_force(contract):
        v.fail("effective_from", "must be within the contract (it ends {end})",
               end=last_day_in_force(contract))
    v.check()
    current = session.scalars(select(SlaTerm).where(
        SlaTerm.contract_id == contract.id, SlaTerm.effective_from == start)).first()
    values = {"response_hours": response, "resolution_hours": resolution,
              "uptime_target_pct": uptime}
    if current is not None:
        return writes.update(session, actor, current, f"{number}:{start}", **values)
    row = SlaTerm(contract_id=contract.id, effective_from=start, **values)
    return writes.insert(session, actor, row, f"{number}:{start}", "effective_from")


# --------------------------------------------------------------------------- approval steps


def _latest_decisions(session: Session, contract_id: int) -> dict[str, FormalizationStep]:
    """Each step's latest decision (by date, then by entry order)."""
    rows = session.scalars(
        select(FormalizationStep)
        .where(FormalizationStep.contract_id == contract_id)
        .order_by(FormalizationStep.decided_on, FormalizationStep.id)
    )
    return {row.step: row for row in rows}


def decide_formalization_step(
    session: Session,
    actor: str,
    *,
    contract_number: Any,
    step: Any,
    decision: Any,
    decided_on: Any,
    notes: Any = None,
) -> FormalizationStep:
    """Approve or reject one check; the acting user is the named decider."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number, lock=True)
    if isinstance(step, str) and step.strip().lower() == "activated":
        v.fail("step", "'activated' is recorded by activating the contract")
        step_ = None
    else:
        step_ = v.choice("step", step, REQUIRED_STEPS)
    decision_ = v.choice("decision", decision, DECISIONS)
    on = v.date("decided_on", decided_on, required=True)
    notes_ = v.text("notes", notes, FormalizationStep.notes, multiline=True)
    if contract is not None:
        if contract.activated_on is not None:
            v.fail("contract_number", "contract '{number}' is already activated", number=number)
        if step_ is not None:
            latest = _latest_decisions(session, contract.id).get(step_)
            if latest is not None:
                v.not_before("decided_on", on, latest.decided_on,
                             msg("the latest {step} decision", step=step_))
                if latest.decided_on == on and latest.decision == decision_:
                    v.fail("decided_on", "this {step} decision on {on} is already recorded",
                           step=step_, on=on)
    v.check()
    row = FormalizationStep(contract_id=contract.id, step=step_, decision=decision_,
                            decided_on=on, decided_by=actor, notes=notes_)
    return writes.insert(session, actor, row, f"{number}:{step_}:{on}", "step")


def activate_contract(
    session: Session, actor: str, *, contract_number: Any, activated_on: Any
) -> Contract:
    """Activation needs every step's latest decision approved and a price plan in force."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number, lock=True)
    on = v.date("activated_on", activated_on, required=True)
    if contract is not None:
        _check_activation(v, session, contract, on)
    v.check()
    step = FormalizationStep(contract_id=contract.id, step="activated", decision="approved",
                             decided_on=on, decided_by=actor)
    writes.insert(session, actor, step, f"{number}:activated:{on}", "activated_on")
    return writes.update(session, actor, contract, number, activated_on=on)


def _check_activation(v: Checker, session: Session, contract: Contract, on: date | None) -> None:
    if contract.activated_on is not None:
        v.fail("contract_number", "already activated on {activated_on}",
               activated_on=contract.activated_on)
        return
    if contract.closed_on is not None:
        v.fail("contract_number", "the contract was closed on {closed_on}",
               closed_on=contract.closed_on)
        return
    latest = _latest_decisions(session, contract.id)
    for step in REQUIRED_STEPS:
        decision = latest.get(step)
        if decision is None:
            v.fail("contract_number", "step {step} has no decision yet", step=step)
        elif decision.decision != "approved":
            v.fail("contract_number", "step {step} was rejected on {decided_on}; approve it "
                                      "again before activating", step=step,
                   decided_on=decision.decided_on)
    approvals = [latest[s].decided_on for s in REQUIRED_STEPS if s in latest]
    if approvals:
        v.not_before("activated_on", on, max(approvals), "the last approval")
    v.not_before("activated_on", on, contract.start_date, "the contract start")
    if on is not None and on > contract.end_date:
        v.fail("activated_on", "must be on or before the contract end ({end_date})",
               end_date=contract.end_date)
    if on is not None:
        plan = session.scalar(select(PricePlan.id).where(
            PricePlan.contract_id == contract.id, PricePlan.effective_from <= on))
        if plan is None:
            v.fail("contract_number", "has no price plan in force on {on}", on=on)
