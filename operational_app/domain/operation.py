"""Stage 4 — operation: tickets and their pauses, preventive maintenance, consumables,
device monitoring events.

Business timestamps are naive America/Mexico_City wall time (fields.parse_timestamp).

Each operation the bulk demo path also runs (opening, responding, pausing, resuming,
resolving and closing tickets; maintenance plans and visits; consumable requests and
deliveries; monitoring events) is written once, against `Lookups` and a `Writer`: it parses
its fields and checks them against what the lookups answer — in the order its messages
come — then writes through the writer (docs/domain-api.md, "Lookups and writers").
`on_session` makes it the `fn(session, actor, **fields)` the forms and imports call.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from operational_app.domain import writes
from operational_app.domain.fields import Checker, check_actor
from operational_app.domain.lookups import (
    Lookups,
    SessionLookups,
    check_device_life,
    find_consumable_request,
    find_visit,
    known_contract,
    known_device,
)
from operational_app.domain.writes import Writer, on_session
from operational_app.store.models import (
    ConsumableRequest,
    Contract,
    Device,
    DeviceEvent,
    MaintenancePlan,
    MaintenanceVisit,
    Ticket,
    TicketPause,
)

TICKET_TYPES = ("corrective", "preventive", "consumable", "incident", "request")
PRIORITIES = ("low", "medium", "high", "critical")
EVENT_TYPES = ("up", "down")
MAX_INTERVAL_MONTHS = 24
MAX_CONSUMABLE_QUANTITY = 10_000


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


# --------------------------------------------------------------------------- tickets


def _ticket_ref(v: Checker, look: Lookups, ticket_number: Any) -> tuple[str | None,
                                                                       Ticket | None]:
    number = v.text("ticket_number", ticket_number, Ticket.ticket_number, required=True)
    # Locked: every ticket change reads its current times before writing a new one.
    ticket = v.known("ticket_number", number, look.ticket(number, lock=True), "ticket")
    return number, ticket


def check_ticket_opening(v: Checker, contract_no: str | None, contract: Contract | None,
                         device: Device | None, opened: datetime | None) -> None:
    """open_ticket's rules on the resolved contract and device (also the demo's bulk path)."""
    if contract is not None:
        if contract.activated_on is None:
            v.fail("contract_number", "contract '{contract_no}' is not activated yet",
                   contract_no=contract_no)
        else:
            v.not_before("opened_at", _day(opened), contract.activated_on,
                         "the contract's activation")
        if device is not None and device.contract_id != contract.id:
            v.fail("serial", "device '{serial}' is not on contract '{contract_no}'",
                   serial=device.serial, contract_no=contract_no)
    check_device_life(v, "opened_at", _day(opened), device)


@on_session
def open_ticket(
    look: Lookups,
    write: Writer,
    actor: str,
    *,
    ticket_number: Any,
    contract_number: Any,
    ticket_type: Any,
    opened_at: Any,
    priority: Any = "medium",
    serial: Any = None,
    description: Any = None,
) -> Ticket:
    actor = check_actor(actor)
    v = Checker()
    number = v.text("ticket_number", ticket_number, Ticket.ticket_number, required=True)
    contract_no, contract = known_contract(v, contract_number, look.contract)
    type_ = v.choice("ticket_type", ticket_type, TICKET_TYPES)
    opened = v.timestamp("opened_at", opened_at, required=True)
    priority_ = v.choice("priority", priority, PRIORITIES, default="medium")
    description_ = v.text("description", description, Ticket.description, multiline=True)
    device = None
    if serial is not None and serial != "":
        _, device = known_device(v, serial, look.device)
    v.unique("ticket_number", number, look.ticket(number, include_withdrawn=True), "ticket")
    check_ticket_opening(v, contract_no, contract, device, opened)
    v.check()
    return write.insert(actor, Ticket, {
        "ticket_number": number, "contract_id": contract.id,
        "device_id": device.id if device else None, "ticket_type": type_,
        "priority": priority_, "opened_at": opened, "description": description_},
        number, "ticket_number")


def check_first_response(v: Checker, ticket: Ticket, at: datetime | None) -> None:
    """respond_ticket's rules on a found ticket (also the demo's bulk path)."""
    if ticket.first_response_at is not None:
        v.fail("first_response_at", "the first response is already recorded ({first_response_at})",
               first_response_at=ticket.first_response_at)
    v.not_before("first_response_at", at, ticket.opened_at, "the ticket's opening")
    if ticket.resolved_at is not None and at is not None and at > ticket.resolved_at:
        v.fail("first_response_at", "must not be after the resolution ({resolved_at})",
               resolved_at=ticket.resolved_at)


@on_session
def respond_ticket(
    look: Lookups, write: Writer, actor: str, *, ticket_number: Any, first_response_at: Any
) -> Ticket:
    actor = check_actor(actor)
    v = Checker()
    number, ticket = _ticket_ref(v, look, ticket_number)
    at = v.timestamp("first_response_at", first_response_at, required=True)
    if ticket is not None:
        check_first_response(v, ticket, at)
    v.check()
    return write.update(actor, ticket, number, first_response_at=at)


def check_pause(v: Checker, number: str | None, ticket: Ticket, at: datetime | None,
                pauses: Sequence[TicketPause]) -> None:
    """pause_ticket's rules on a found ticket and its pauses (also the demo's bulk path)."""
    if ticket.resolved_at is not None:
        v.fail("ticket_number", "ticket '{number}' is already resolved", number=number)
    v.not_before("paused_at", at, ticket.opened_at, "the ticket's opening")
    if pauses and pauses[-1].resumed_at is None:
        v.fail("ticket_number", "ticket '{number}' is already paused (since {paused_at})",
               number=number, paused_at=pauses[-1].paused_at)
    elif pauses:
        v.not_before("paused_at", at, pauses[-1].resumed_at, "the end of the previous pause")


@on_session
def pause_ticket(look: Lookups, write: Writer, actor: str, *, ticket_number: Any,
                 paused_at: Any) -> TicketPause:
    """Waiting on the customer: the SLA clocks stop until `resume_ticket`."""
    actor = check_actor(actor)
    v = Checker()
    number, ticket = _ticket_ref(v, look, ticket_number)
    at = v.timestamp("paused_at", paused_at, required=True)
    if ticket is not None:
        check_pause(v, number, ticket, at, look.pauses(ticket))
    v.check()
    return write.insert(actor, TicketPause, {"ticket_id": ticket.id, "paused_at": at},
                        f"{number}:{at.isoformat()}", "paused_at")


def check_resume(v: Checker, number: str | None, at: datetime | None,
                 pauses: Sequence[TicketPause]) -> TicketPause | None:
    """resume_ticket's rules; returns the open pause (also the demo's bulk path)."""
    if not pauses or pauses[-1].resumed_at is not None:
        v.fail("ticket_number", "ticket '{number}' is not paused", number=number)
        return None
    pause = pauses[-1]
    v.not_before("resumed_at", at, pause.paused_at, "the start of the pause")
    return pause


@on_session
def resume_ticket(look: Lookups, write: Writer, actor: str, *, ticket_number: Any,
                  resumed_at: Any) -> TicketPause:
    actor = check_actor(actor)
    v = Checker()
    number, ticket = _ticket_ref(v, look, ticket_number)
    at = v.timestamp("resumed_at", resumed_at, required=True)
    pause = None
    if ticket is not None:
        pause = check_resume(v, number, at, look.pauses(ticket))
    v.check()
    return write.update(actor, pause, f"{number}:{pause.paused_at.isoformat()}",
                        resumed_at=at)


def check_resolution(v: Checker, number: str | None, ticket: Ticket, at: datetime | None,
                     fix: bool | None, pauses: Sequence[TicketPause]) -> None:
    """resolve_ticket's rules on a found ticket and its pauses (also the demo's bulk path)."""
    if ticket.resolved_at is not None:
        v.fail("resolved_at", "the ticket is already resolved ({resolved_at})",
               resolved_at=ticket.resolved_at)
    if fix is None and ticket.ticket_type == "corrective" and not v.has_error(
            "first_time_fix"):
        v.fail("first_time_fix", "is required for corrective tickets")
    v.not_before("resolved_at", at, ticket.opened_at, "the ticket's opening")
    v.not_before("resolved_at", at, ticket.first_response_at, "the first response")
    if pauses and pauses[-1].resumed_at is None:
        v.fail("ticket_number", "ticket '{number}' is paused: resume it before resolving",
               number=number)
    elif pauses:
        v.not_before("resolved_at", at, pauses[-1].resumed_at, "the end of the last pause")


MAX_TEST_PAGES = 10_000  # a visit's test prints; more is a typing mistake


def parse_test_pages(v: Checker, mono: Any, color: Any) -> tuple[int | None, int | None]:
    """The test pages a technician printed on a visit (docs/meter-readings.md, test copies):
    credited in the billing of the visit's period."""
    return (v.integer("test_mono_pages", mono, maximum=MAX_TEST_PAGES),
            v.integer("test_color_pages", color, maximum=MAX_TEST_PAGES))


def check_test_pages(v: Checker, device: Device | None, mono: int | None,
                     color: int | None) -> None:
    """Test pages are credited on a device: a ticket without one cannot carry them."""
    if device is None and (mono or color):
        for field, value in (("test_mono_pages", mono), ("test_color_pages", color)):
            if value:
                v.fail(field, "needs the ticket's device: test pages are credited on a device")


@on_session
def resolve_ticket(
    look: Lookups,
    write: Writer,
    actor: str,
    *,
    ticket_number: Any,
    resolved_at: Any,
    first_time_fix: Any = None,
    test_mono_pages: Any = None,
    test_color_pages: Any = None,
) -> Ticket:
    """`first_time_fix` is required for corrective tickets (the first-time-fix KPI counts
    them) and optional for the others. Test pages printed during the visit are credited in
    the billing of the month of `resolved_at`."""
    actor = check_actor(actor)
    v = Checker()
    number, ticket = _ticket_ref(v, look, ticket_number)
    at = v.timestamp("resolved_at", resolved_at, required=True)
    fix = v.boolean("first_time_fix", first_time_fix)
    mono, color = parse_test_pages(v, test_mono_pages, test_color_pages)
    if ticket is not None:
        check_resolution(v, number, ticket, at, fix, look.pauses(ticket))
        device = look.device_by_id(ticket.device_id) if ticket.device_id else None
        check_test_pages(v, device, mono, color)
    v.check()
    extra = {k: val for k, val in (("test_mono_pages", mono), ("test_color_pages", color))
             if val is not None}
    return write.update(actor, ticket, number, resolved_at=at, first_time_fix=fix, **extra)


def check_closing(v: Checker, number: str | None, ticket: Ticket, at: datetime | None) -> None:
    """close_ticket's rules on a found ticket (also the demo's bulk path)."""
    if ticket.closed_at is not None:
        v.fail("closed_at", "the ticket is already closed ({closed_at})",
               closed_at=ticket.closed_at)
    if ticket.resolved_at is None:
        v.fail("ticket_number", "ticket '{number}' is not resolved yet", number=number)
    v.not_before("closed_at", at, ticket.opened_at, "the ticket's opening")
    v.not_before("closed_at", at, ticket.resolved_at, "the resolution")


@on_session
def close_ticket(look: Lookups, write: Writer, actor: str, *, ticket_number: Any,
                 closed_at: Any) -> Ticket:
    """Closing confirms a resolution, so the ticket must be resolved first."""
    actor = check_actor(actor)
    v = Checker()
    number, ticket = _ticket_ref(v, look, ticket_number)
    at = v.timestamp("closed_at", closed_at, required=True)
    if ticket is not None:
        check_closing(v, number, ticket, at)
    v.check()
    return write.update(actor, ticket, number, closed_at=at)


def withdraw_ticket(session: Session, actor: str, *, ticket_number: Any) -> Ticket:
    """A ticket opened by mistake (duplicate, wrong contract): soft delete."""
    actor = check_actor(actor)
    v = Checker()
    number, ticket = _ticket_ref(v, SessionLookups(session), ticket_number)
    v.check()
    return writes.withdraw(session, actor, ticket, number)


# --------------------------------------------------------------------------- maintenance


@on_session
def create_maintenance_plan(
    look: Lookups, write: Writer, actor: str, *, serial: Any, interval_months: Any,
    starts_on: Any
) -> MaintenancePlan:
    actor = check_actor(actor)
    v = Checker()
    serial_, device = known_device(v, serial, look.device)
    interval = v.integer("interval_months", interval_months, required=True, minimum=1,
                         maximum=MAX_INTERVAL_MONTHS)
    starts = v.date("starts_on", starts_on, required=True)
    check_device_life(v, "starts_on", starts, device)
    if device is not None and look.has_maintenance_plan(device):
        v.fail("serial", "device '{serial}' already has a maintenance plan", serial=serial_)
    v.check()
    return write.insert(actor, MaintenancePlan, {
        "device_id": device.id, "interval_months": interval, "starts_on": starts},
        serial_, "serial")


@on_session
def schedule_visit(
    look: Lookups, write: Writer, actor: str, *, visit_code: Any, serial: Any, due_on: Any
) -> MaintenanceVisit:
    actor = check_actor(actor)
    v = Checker()
    code = v.text("visit_code", visit_code, MaintenanceVisit.visit_code, required=True)
    _, device = known_device(v, serial, look.device)
    due = v.date("due_on", due_on, required=True)
    v.unique("visit_code", code, look.visit(code, include_withdrawn=True), "visit")
    check_device_life(v, "due_on", due, device)
    v.check()
    return write.insert(actor, MaintenanceVisit, {
        "visit_code": code, "device_id": device.id, "due_on": due}, code, "visit_code")


def check_visit_completion(v: Checker, visit: MaintenanceVisit, done: date | None,
                           device: Device | None) -> None:
    """complete_visit's rules on a found visit and its device (also the demo's bulk path)."""
    if visit.done_on is not None:
        v.fail("done_on", "the visit is already done ({done_on})", done_on=visit.done_on)
    check_device_life(v, "done_on", done, device)


@on_session
def complete_visit(look: Lookups, write: Writer, actor: str, *, visit_code: Any,
                   done_on: Any, test_mono_pages: Any = None, test_color_pages: Any = None
                   ) -> MaintenanceVisit:
    """Test pages printed during the visit are credited in the billing of its month."""
    actor = check_actor(actor)
    v = Checker()
    code = v.text("visit_code", visit_code, MaintenanceVisit.visit_code, required=True)
    done = v.date("done_on", done_on, required=True)
    mono, color = parse_test_pages(v, test_mono_pages, test_color_pages)
    visit = v.known("visit_code", code, look.visit(code, lock=True), "visit")
    if visit is not None:
        check_visit_completion(v, visit, done, look.device_by_id(visit.device_id))
    v.check()
    extra = {k: val for k, val in (("test_mono_pages", mono), ("test_color_pages", color))
             if val is not None}
    return write.update(actor, visit, code, done_on=done, **extra)


def withdraw_visit(session: Session, actor: str, *, visit_code: Any) -> MaintenanceVisit:
    actor = check_actor(actor)
    v = Checker()
    code = v.text("visit_code", visit_code, MaintenanceVisit.visit_code, required=True)
    visit = v.known("visit_code", code, find_visit(session, code, lock=True), "visit")
    v.check()
    return writes.withdraw(session, actor, visit, code)


# --------------------------------------------------------------------------- consumables


@on_session
def request_consumable(
    look: Lookups,
    write: Writer,
    actor: str,
    *,
    request_number: Any,
    serial: Any,
    item: Any,
    quantity: Any,
    requested_at: Any,
) -> ConsumableRequest:
    actor = check_actor(actor)
    v = Checker()
    number = v.text("request_number", request_number, ConsumableRequest.request_number,
                    required=True)
    _, device = known_device(v, serial, look.device)
    item_ = v.text("item", item, ConsumableRequest.item, required=True)
    qty = v.integer("quantity", quantity, required=True, minimum=1,
                    maximum=MAX_CONSUMABLE_QUANTITY)
    at = v.timestamp("requested_at", requested_at, required=True)
    v.unique("request_number", number, look.consumable_request(number, include_withdrawn=True),
             "consumable request")
    check_device_life(v, "requested_at", _day(at), device)
    v.check()
    return write.insert(actor, ConsumableRequest, {
        "request_number": number, "device_id": device.id, "item": item_, "quantity": qty,
        "requested_at": at}, number, "request_number")


def check_delivery(v: Checker, request: ConsumableRequest, at: datetime | None) -> None:
    """deliver_consumable's rules on a found request (also the demo's bulk path)."""
    if request.delivered_at is not None:
        v.fail("delivered_at", "the request is already delivered ({delivered_at})",
               delivered_at=request.delivered_at)
    v.not_before("delivered_at", at, request.requested_at, "the request")


@on_session
def deliver_consumable(
    look: Lookups, write: Writer, actor: str, *, request_number: Any, delivered_at: Any
) -> ConsumableRequest:
    actor = check_actor(actor)
    v = Checker()
    number = v.text("request_number", request_number, ConsumableRequest.request_number,
                    required=True)
    at = v.timestamp("delivered_at", delivered_at, required=True)
    request = v.known("request_number", number, look.consumable_request(number, lock=True),
                      "consumable request")
    if request is not None:
        check_delivery(v, request, at)
    v.check()
    return write.update(actor, request, number, delivered_at=at)


def withdraw_consumable_request(
    session: Session, actor: str, *, request_number: Any
) -> ConsumableRequest:
    actor = check_actor(actor)
    v = Checker()
    number = v.text("request_number", request_number, ConsumableRequest.request_number,
                    required=True)
    request = v.known("request_number", number,
                      find_consumable_request(session, number, lock=True), "consumable request")
    v.check()
    return writes.withdraw(session, actor, request, number)


# --------------------------------------------------------------------------- monitoring


@on_session
def record_device_event(
    look: Lookups, write: Writer, actor: str, *, serial: Any, event_type: Any, event_at: Any
) -> DeviceEvent:
    actor = check_actor(actor)
    v = Checker()
    serial_, device = known_device(v, serial, look.device)
    type_ = v.choice("event_type", event_type, EVENT_TYPES)
    at = v.timestamp("event_at", event_at, required=True)
    check_device_life(v, "event_at", _day(at), device)
    if device is not None and type_ is not None and at is not None \
            and look.has_device_event(device, at, type_):
        v.fail("event_at", "this {type} event of device '{serial}' at {at} already exists",
               type=type_, serial=serial_, at=at)
    v.check()
    return write.insert(actor, DeviceEvent, {
        "device_id": device.id, "event_type": type_, "event_at": at},
        f"{serial_}:{type_}:{at.isoformat()}", "event_at")
