"""Stage 6 — renewal: performance reviews, renewals, amendments, closures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.domain import writes
from operational_app.domain.fields import Checker, check_actor
from operational_app.domain.lookups import contract_ref, last_day_in_force
from operational_app.store.models import (
    Amendment,
    Closure,
    Contract,
    ContractReview,
    Device,
    Renewal,
)

AMENDMENT_TYPES = ("devices_added", "devices_removed", "price_change")
MAX_DEVICES_DELTA = 10_000


def _refuse_closed(v: Checker, contract: Contract | None) -> None:
    if contract is not None and contract.closed_on is not None:
        v.fail("contract_number", "contract '{contract_number}' was closed on {closed_on}",
               contract_number=contract.contract_number, closed_on=contract.closed_on)


def record_review(
    session: Session, actor: str, *, contract_number: Any, review_on: Any, outcome: Any,
    notes: Any = None,
) -> ContractReview:
    """A performance review; `outcome` is free text (docs/stages-and-kpis.md names no values;
    docs/domain-rules.md, "6 Renewal")."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number)
    on = v.date("review_on", review_on, required=True)
    outcome_ = v.text("outcome", outcome, ContractReview.outcome, required=True)
    notes_ = v.text("notes", notes, ContractReview.notes, multiline=True)
    if contract is not None and on is not None:
        v.not_before("review_on", on, contract.start_date, "the contract start")
        dup = session.scalar(select(ContractReview.id).where(
            ContractReview.contract_id == contract.id, ContractReview.review_on == on))
        if dup is not None:
            v.fail("review_on", "a review of contract '{number}' on {on} already exists",
                   number=number, on=on)
    v.check()
    row = ContractReview(contract_id=contract.id, review_on=on, outcome=outcome_, notes=notes_)
    return writes.insert(session, actor, row, f"{number}:{on}", "review_on")


def renew_contract(
    session: Session, actor: str, *, contract_number: Any, renewed_on: Any, new_end_date: Any
) -> Renewal:
    """Extends the term: contracts.end_date moves (audited) and a renewals row keeps the
    previous end. The new term's prices are a new price plan (formalization.add_price_plan)."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number, lock=True)
    renewed = v.date("renewed_on", renewed_on, required=True)
    new_end = v.date("new_end_date", new_end_date, required=True)
    _refuse_closed(v, contract)
    if contract is not None:
        v.after("new_end_date", new_end, contract.end_date, "the current end date")
        v.not_before("renewed_on", renewed, contract.start_date, "the contract start")
        v.after("new_end_date", new_end, renewed, "the renewal date")
    v.check()
    row = Renewal(contract_id=contract.id, renewed_on=renewed,
                  previous_end_date=contract.end_date, new_end_date=new_end)
    writes.insert(session, actor, row, f"{number}:{contract.end_date}", "contract_number")
    writes.update(session, actor, contract, number, end_date=new_end)
    return row


def amend_contract(
    session: Session,
    actor: str,
    *,
    amendment_number: Any,
    contract_number: Any,
    amended_on: Any,
    amendment_type: Any,
    devices_delta: Any = 0,
    description: Any = None,
) -> Amendment:
    """The sign of devices_delta follows the type: added > 0, removed < 0, price change 0."""
    actor = check_actor(actor)
    v = Checker()
    amend_no = v.text("amendment_number", amendment_number, Amendment.amendment_number,
                      required=True)
    number, contract = contract_ref(v, session, contract_number)
    on = v.date("amended_on", amended_on, required=True)
    type_ = v.choice("amendment_type", amendment_type, AMENDMENT_TYPES)
    delta = v.integer("devices_delta", devices_delta, minimum=-MAX_DEVICES_DELTA,
                      maximum=MAX_DEVICES_DELTA)
    delta = delta or 0
    description_ = v.text("description", description, Amendment.description, multiline=True)
    if type_ == "devices_added" and delta <= 0:
        v.fail("devices_delta", "must be positive when devices are added")
    elif type_ == "devices_removed" and delta >= 0:
        v.fail("devices_delta", "must be negative when devices are removed")
    elif type_ == "price_change" and delta != 0:
        v.fail("devices_delta", "must be 0 for a price change")
    dup = session.scalar(select(Amendment.id).where(
        Amendment.amendment_number == amend_no)) if amend_no else None
    v.unique("amendment_number", amend_no, dup, "amendment")
    _refuse_closed(v, contract)
    if contract is not None:
        v.not_before("amended_on", on, contract.start_date, "the contract start")
        if on is not None and on > contract.end_date:
            v.fail("amended_on", "must be within the contract (it ends {end_date})",
                   end_date=contract.end_date)
    v.check()
    row = Amendment(amendment_number=amend_no, contract_id=contract.id, amended_on=on,
                    amendment_type=type_, devices_delta=delta, description=description_)
    return writes.insert(session, actor, row, amend_no, "amendment_number")


def close_contract(
    session: Session,
    actor: str,
    *,
    contract_number: Any,
    closed_on: Any,
    reason: Any,
    devices_retrieved: Any = 0,
) -> Closure:
    """Ends the relationship within the contract's term; a contract closes once."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number, lock=True)
    closed = v.date("closed_on", closed_on, required=True)
    reason_ = v.text("reason", reason, Closure.reason, required=True)
    retrieved = v.integer("devices_retrieved", devices_retrieved) or 0
    _refuse_closed(v, contract)
    if contract is not None and contract.closed_on is None:
        v.not_before("closed_on", closed, contract.activated_on or contract.start_date,
                     "the contract's activation or start")
        if closed is not None and closed > last_day_in_force(contract):
            v.fail("closed_on", "must be within the contract (it ends {end_date})",
                   end_date=contract.end_date)
        installed = session.scalar(select(func.count(Device.id)).where(
            Device.contract_id == contract.id)) or 0
        if retrieved > installed:
            v.fail("devices_retrieved", "is more than the {installed} devices installed under "
                                        "contract '{number}'", installed=installed, number=number)
    v.check()
    row = Closure(contract_id=contract.id, closed_on=closed, reason=reason_,
                  devices_retrieved=retrieved)
    writes.insert(session, actor, row, number, "contract_number")
    writes.update(session, actor, contract, number, closed_on=closed)
    return row
