"""Stage 4: tickets, pauses, maintenance, consumables, monitoring events."""

from __future__ import annotations

from datetime import datetime

import pytest

from operational_app.domain import operation as op

from .conftest import ACTOR, refused

TICKET = {"ticket_number": "T1", "contract_number": "C1", "ticket_type": "corrective",
          "opened_at": "2026-02-02T09:00", "serial": "SN1"}


@pytest.fixture
def ticket(mk, session):
    mk.world()
    return op.open_ticket(session, ACTOR, **TICKET, priority="high")


def test_open_ticket(ticket):
    assert (ticket.priority, ticket.opened_at) == ("high", datetime(2026, 2, 2, 9, 0))


@pytest.mark.parametrize("field, kw, reason", [
    ("ticket_type", {"ticket_type": "bug"}, "corrective, preventive"),
    ("priority", {"priority": "urgent"}, "low, medium, high, critical"),
    ("opened_at", {"opened_at": "2026-01-04T10:00"}, "activation"),
    ("opened_at", {"opened_at": "2026-01-09T10:00"}, "install date"),
    ("opened_at", {"opened_at": "ayer"}, "ISO 8601"),
    ("serial", {"serial": "NOPE"}, "unknown device"),
    ("contract_number", {"contract_number": "C9"}, "unknown contract"),
    ("description", {"description": "<img src=x onerror=alert(1)>"}, "markup"),
])
def test_open_ticket_refuses(mk, session, field, kw, reason):
    mk.world()
    refused(session, op.open_ticket, field, reason, **TICKET | kw)


def test_ticket_device_must_be_on_the_contract(mk, session):
    mk.world()
    mk.account("A2")
    mk.active_contract("C2", account="A2")
    mk.device("SN2", number="C2")
    refused(session, op.open_ticket, "serial", "not on contract", **TICKET | {"serial": "SN2"})
    t = op.open_ticket(session, ACTOR, **TICKET | {"serial": ""})  # no device: allowed
    assert t.device_id is None
    refused(session, op.open_ticket, "ticket_number", "already exists", **TICKET)


def test_ticket_lifecycle_order(ticket, session):
    refused(session, op.respond_ticket, "first_response_at", "opening",
            ticket_number="T1", first_response_at="2026-02-02T08:59")
    op.respond_ticket(session, ACTOR, ticket_number="T1",
                      first_response_at="2026-02-02T15:30:00Z")  # 09:30 local
    assert ticket.first_response_at == datetime(2026, 2, 2, 9, 30)
    refused(session, op.respond_ticket, "first_response_at", "already recorded",
            ticket_number="T1", first_response_at="2026-02-02T10:00")
    refused(session, op.close_ticket, "ticket_number", "not resolved",
            ticket_number="T1", closed_at="2026-02-03T10:00")
    refused(session, op.resolve_ticket, "resolved_at", "first response",
            ticket_number="T1", resolved_at="2026-02-02T09:15", first_time_fix="true")
    refused(session, op.resolve_ticket, "first_time_fix", "required for corrective",
            ticket_number="T1", resolved_at="2026-02-02T12:00")
    op.resolve_ticket(session, ACTOR, ticket_number="T1", resolved_at="2026-02-02T12:00",
                      first_time_fix="false")
    assert ticket.first_time_fix is False
    refused(session, op.resolve_ticket, "resolved_at", "already resolved",
            ticket_number="T1", resolved_at="2026-02-02T13:00", first_time_fix="true")
    refused(session, op.close_ticket, "closed_at", "resolution",
            ticket_number="T1", closed_at="2026-02-02T11:00")
    op.close_ticket(session, ACTOR, ticket_number="T1", closed_at="2026-02-03T10:00")
    refused(session, op.close_ticket, "closed_at", "already closed",
            ticket_number="T1", closed_at="2026-02-03T11:00")


def test_pauses(ticket, session):
    refused(session, op.resume_ticket, "ticket_number", "not paused",
            ticket_number="T1", resumed_at="2026-02-02T10:00")
    refused(session, op.pause_ticket, "paused_at", "opening",
            ticket_number="T1", paused_at="2026-02-02T08:00")
    op.pause_ticket(session, ACTOR, ticket_number="T1", paused_at="2026-02-02T10:00")
    refused(session, op.pause_ticket, "ticket_number", "already paused",
            ticket_number="T1", paused_at="2026-02-02T11:00")
    refused(session, op.resolve_ticket, "ticket_number", "resume it",
            ticket_number="T1", resolved_at="2026-02-02T12:00", first_time_fix=True)
    refused(session, op.resume_ticket, "resumed_at", "start of the pause",
            ticket_number="T1", resumed_at="2026-02-02T09:59")
    pause = op.resume_ticket(session, ACTOR, ticket_number="T1", resumed_at="2026-02-02T14:00")
    assert pause.resumed_at == datetime(2026, 2, 2, 14, 0)
    refused(session, op.pause_ticket, "paused_at", "previous pause",
            ticket_number="T1", paused_at="2026-02-02T13:00")
    refused(session, op.resolve_ticket, "resolved_at", "last pause",
            ticket_number="T1", resolved_at="2026-02-02T13:00", first_time_fix=True)
    op.resolve_ticket(session, ACTOR, ticket_number="T1", resolved_at="2026-02-02T15:00",
                      first_time_fix=True)
    refused(session, op.pause_ticket, "ticket_number", "already resolved",
            ticket_number="T1", paused_at="2026-02-02T16:00")


def test_withdraw_ticket(ticket, session):
    op.withdraw_ticket(session, ACTOR, ticket_number="T1")
    assert ticket.deleted_at is not None
    refused(session, op.respond_ticket, "ticket_number", "unknown ticket",
            ticket_number="T1", first_response_at="2026-02-02T10:00")
    refused(session, op.open_ticket, "ticket_number", "already exists", **TICKET)


def test_non_corrective_ticket_needs_no_first_time_fix(mk, session):
    mk.world()
    op.open_ticket(session, ACTOR, **TICKET | {"ticket_type": "request"})
    t = op.resolve_ticket(session, ACTOR, ticket_number="T1", resolved_at="2026-02-03T10:00")
    assert t.first_time_fix is None


def test_maintenance(mk, session):
    mk.world()
    op.create_maintenance_plan(session, ACTOR, serial="SN1", interval_months=3,
                               starts_on="2026-02-01")
    refused(session, op.create_maintenance_plan, "serial", "already has",
            serial="SN1", interval_months=3, starts_on="2026-02-01")
    refused(session, op.create_maintenance_plan, "interval_months", "≥ 1",
            serial="SN1", interval_months=0, starts_on="2026-02-01")
    visit = op.schedule_visit(session, ACTOR, visit_code="V1", serial="SN1", due_on="2026-04-01")
    refused(session, op.schedule_visit, "visit_code", "already exists",
            visit_code="V1", serial="SN1", due_on="2026-04-01")
    refused(session, op.schedule_visit, "due_on", "install date",
            visit_code="V2", serial="SN1", due_on="2026-01-01")
    refused(session, op.complete_visit, "done_on", "install date",
            visit_code="V1", done_on="2026-01-01")
    op.complete_visit(session, ACTOR, visit_code="V1", done_on="2026-03-28")
    refused(session, op.complete_visit, "done_on", "already done",
            visit_code="V1", done_on="2026-03-29")
    op.withdraw_visit(session, ACTOR, visit_code="V1")
    assert visit.deleted_at is not None


def test_consumables(mk, session):
    mk.world()
    req = op.request_consumable(session, ACTOR, request_number="R1", serial="SN1",
                                item="Tóner negro", quantity="2",
                                requested_at="2026-02-02T09:00")
    refused(session, op.request_consumable, "quantity", "≥ 1", request_number="R2",
            serial="SN1", item="Tóner", quantity="0", requested_at="2026-02-02T09:00")
    refused(session, op.request_consumable, "item", "formula", request_number="R2",
            serial="SN1", item="=1+1", quantity="1", requested_at="2026-02-02T09:00")
    refused(session, op.deliver_consumable, "delivered_at", "request",
            request_number="R1", delivered_at="2026-02-01T09:00")
    op.deliver_consumable(session, ACTOR, request_number="R1", delivered_at="2026-02-03T12:00")
    assert req.delivered_at == datetime(2026, 2, 3, 12, 0)
    refused(session, op.deliver_consumable, "delivered_at", "already delivered",
            request_number="R1", delivered_at="2026-02-04T12:00")
    op.withdraw_consumable_request(session, ACTOR, request_number="R1")
    refused(session, op.deliver_consumable, "request_number", "unknown",
            request_number="R1", delivered_at="2026-02-04T12:00")


def test_device_events(mk, session):
    mk.world()
    op.record_device_event(session, ACTOR, serial="SN1", event_type="down",
                           event_at="2026-02-02T09:00")
    refused(session, op.record_device_event, "event_at", "already exists",
            serial="SN1", event_type="down", event_at="2026-02-02T09:00")
    refused(session, op.record_device_event, "event_type", "up, down",
            serial="SN1", event_type="off", event_at="2026-02-02T09:00")
    refused(session, op.record_device_event, "event_at", "install date",
            serial="SN1", event_type="up", event_at="2026-01-01T09:00")
