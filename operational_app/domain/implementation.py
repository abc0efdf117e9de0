"""Stage 3 — implementation: the plan, devices installed and removed, milestones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.domain import writes
from operational_app.domain.fields import Checker, check_actor
from operational_app.domain.lookups import (
    contract_ref,
    device_ref,
    find_device,
    find_milestone,
    last_day_in_force,
    latest_meter_reading,
)
from operational_app.store.models import (
    Contract,
    Device,
    ImplementationMilestone,
    ImplementationPlan,
)

MILESTONES = ("software_configured", "training_given", "customer_acceptance")


def _within_contract(v: Checker, field: str, day: Any, contract: Contract | None,
                     *, need_active: bool = True) -> None:
    """Implementation happens between activation and the contract's end or closure."""
    if contract is None:
        return
    if need_active and contract.activated_on is None:
        v.fail("contract_number", "contract '{contract_number}' is not activated yet",
               contract_number=contract.contract_number)
        return
    if day is None:
        return
    v.not_before(field, day, contract.activated_on, "the contract's activation")
    if day > last_day_in_force(contract):
        v.fail(field, "must be within the contract (it ends {end})",
               end=last_day_in_force(contract))


def plan_implementation(
    session: Session, actor: str, *, contract_number: Any, planned_on: Any, planned_go_live: Any
) -> ImplementationPlan:
    """One plan per contract; it may be drawn up before activation."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number)
    planned = v.date("planned_on", planned_on, required=True)
    go_live = v.date("planned_go_live", planned_go_live, required=True)
    v.not_before("planned_go_live", go_live, planned, "the planning date")
    if contract is not None:
        existing = session.scalar(select(ImplementationPlan.id).where(
            ImplementationPlan.contract_id == contract.id))
        if existing is not None:
            v.fail("contract_number", "contract '{number}' already has an implementation plan",
                   number=number)
        if go_live is not None and go_live > last_day_in_force(contract):
            v.fail("planned_go_live", "must be within the contract (it ends {end})",
                   end=last_day_in_force(contract))
    v.check()
    row = ImplementationPlan(contract_id=contract.id, planned_on=planned,
                             planned_go_live=go_live)
    return writes.insert(session, actor, row, number, "contract_number")


def install_device(
    session: Session,
    actor: str,
    *,
    serial: Any,
    contract_number: Any,
    installed_on: Any,
    install_mono_counter: Any,
    install_color_counter: Any,
    model: Any = None,
    is_color: Any = False,
    site: Any = None,
    removed_on: Any = None,
) -> Device:
    """The install reading is the device's opening counter (docs/billing.md, "Usage from
    meter readings").
    `removed_on` lets devices.csv import a device already gone."""
    actor = check_actor(actor)
    v = Checker()
    serial_ = v.text("serial", serial, Device.serial, required=True)
    number, contract = contract_ref(v, session, contract_number)
    installed = v.date("installed_on", installed_on, required=True)
    mono = v.integer("install_mono_counter", install_mono_counter, required=True, big=True)
    color = v.integer("install_color_counter", install_color_counter, required=True, big=True)
    model_ = v.text("model", model, Device.model)
    color_ = v.boolean("is_color", is_color, default=False)
    site_ = v.text("site", site, Device.site)
    removed = v.date("removed_on", removed_on)
    v.unique("serial", serial_, find_device(session, serial_), "device")
    _within_contract(v, "installed_on", installed, contract)
    v.not_before("removed_on", removed, installed, "the install date")
    v.check()
    row = Device(serial=serial_, contract_id=contract.id, model=model_, is_color=color_,
                 site=site_, installed_on=installed, removed_on=removed,
                 install_mono_counter=mono, install_color_counter=color)
    return writes.insert(session, actor, row, serial_, "serial")


def remove_device(session: Session, actor: str, *, serial: Any, removed_on: Any) -> Device:
    """Removal closes the device's life: no reading may be dated after it."""
    actor = check_actor(actor)
    v = Checker()
    serial_, device = device_ref(v, session, serial, lock=True)
    removed = v.date("removed_on", removed_on, required=True)
    if device is not None:
        if device.removed_on is not None:
            v.fail("serial", "device '{serial}' was already removed on {removed_on}",
                   serial=serial_, removed_on=device.removed_on)
        v.not_before("removed_on", removed, device.installed_on, "the install date")
        last = latest_meter_reading(session, device.id)
        if last is not None:
            v.not_before("removed_on", removed, last.read_on, "the device's latest reading")
    v.check()
    return writes.update(session, actor, device, serial_, removed_on=removed)


def record_milestone(
    session: Session,
    actor: str,
    *,
    contract_number: Any,
    milestone: Any,
    done_on: Any,
    notes: Any = None,
) -> ImplementationMilestone:
    """Each milestone once per contract, on or after activation. A withdrawn milestone is
    recorded again by reviving its row (the table keeps one row per contract and milestone)."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number)
    milestone_ = v.choice("milestone", milestone, MILESTONES)
    done = v.date("done_on", done_on, required=True)
    notes_ = v.text("notes", notes, ImplementationMilestone.notes, multiline=True)
    _within_contract(v, "done_on", done, contract)
    previous = None
    if contract is not None and milestone_ is not None:
        previous = find_milestone(session, contract.id, milestone_, include_withdrawn=True)
        if previous is not None and previous.deleted_at is None:
            v.fail("milestone", "{milestone} of contract '{number}' is already recorded "
                                "({done_on})", milestone=milestone_, number=number,
                   done_on=previous.done_on)
    v.check()
    key = f"{number}:{milestone_}"
    if previous is not None:
        return writes.update(session, actor, previous, key, done_on=done, notes=notes_,
                             deleted_at=None, deleted_by=None)
    row = ImplementationMilestone(contract_id=contract.id, milestone=milestone_, done_on=done,
                                  notes=notes_)
    return writes.insert(session, actor, row, key, "milestone")


def withdraw_milestone(
    session: Session, actor: str, *, contract_number: Any, milestone: Any
) -> ImplementationMilestone:
    """Undo a milestone recorded by mistake (soft delete)."""
    actor = check_actor(actor)
    v = Checker()
    number, contract = contract_ref(v, session, contract_number)
    milestone_ = v.choice("milestone", milestone, MILESTONES)
    row = None
    if contract is not None and milestone_ is not None:
        row = find_milestone(session, contract.id, milestone_)
        if row is None:
            v.fail("milestone", "{milestone} of contract '{number}' is not recorded",
                   milestone=milestone_, number=number)
    v.check()
    return writes.withdraw(session, actor, row, f"{number}:{milestone_}")
