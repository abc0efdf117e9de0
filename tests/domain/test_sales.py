"""Stage 1: accounts, opportunities, stage changes, proposals."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from operational_app.domain import sales
from operational_app.store.models import AuditLog, OpportunityStageChange, ProposalLine

from .conftest import ACTOR, refused


def test_create_account_writes_and_audits(session):
    acct = sales.create_account(session, ACTOR, account_code=" A1 ", name="Grupo Ñandú",
                                tax_rate="0.16", tax_id="gnd010101ab1", segment="pyme")
    assert acct.account_code == "A1" and acct.tax_rate == Decimal("0.1600")
    assert acct.tax_id == "GND010101AB1" and acct.created_by == ACTOR
    audit = session.scalars(select(AuditLog)).one()
    assert (audit.action, audit.entity, audit.entity_key, audit.username) == (
        "create", "accounts", "A1", ACTOR)
    assert json.loads(audit.after_json)["name"] == "Grupo Ñandú"


@pytest.mark.parametrize("field, kw, reason", [
    ("account_code", {"account_code": ""}, "required"),
    ("name", {"name": "=HYPERLINK(\"http://x\")"}, "formula"),
    ("name", {"name": "<script>alert(1)</script>"}, "markup"),
    ("name", {"name": "x" * 201}, "too long"),
    ("tax_rate", {"tax_rate": "16"}, "below 1"),
    ("tax_rate", {"tax_rate": "-0.16"}, "≥ 0"),
    ("tax_rate", {"tax_rate": "0.16.0"}, "number"),
    ("tax_id", {"tax_id": "NOT-AN-RFC"}, "RFC"),
])
def test_create_account_refuses(session, field, kw, reason):
    args = {"account_code": "A1", "name": "Cliente", "tax_rate": "0.16"} | kw
    refused(session, sales.create_account, field, reason, **args)


def test_duplicate_account_code(mk, session):
    mk.account("A1")
    refused(session, sales.create_account, "account_code", "already exists",
            account_code="A1", name="Otro", tax_rate="0.16")


def test_all_field_errors_of_a_call_are_reported_together(session):
    err = refused(session, sales.create_account, "name", account_code="", name="",
                  tax_rate="abc")
    assert set(err.fields) == {"account_code", "name", "tax_rate"}


def test_opportunity_starts_as_prospect_with_history(mk, session):
    mk.account()
    opp = mk.opportunity()
    assert opp.stage == "prospect" and opp.currency == "MXN"
    change = session.scalars(select(OpportunityStageChange)).one()
    assert (change.from_stage, change.to_stage, change.changed_on) == (
        None, "prospect", date(2025, 11, 1))


def test_opportunity_unknown_account(mk, session):
    refused(session, sales.create_opportunity, "account_code", "unknown account 'NOPE'",
            opportunity_code="O1", account_code="NOPE", owner="ana",
            estimated_amount="10.00", created_on="2026-01-01")


def test_opportunity_withdrawn_account_counts_as_unknown(mk, session):
    from operational_app.domain import writes

    acct = mk.account()
    writes.withdraw(session, ACTOR, acct, "A1")
    refused(session, sales.create_opportunity, "account_code", "unknown account",
            opportunity_code="O1", account_code="A1", owner="ana",
            estimated_amount="10.00", created_on="2026-01-01")


@pytest.mark.parametrize("field, kw", [
    ("estimated_amount", {"estimated_amount": "-5"}),
    ("estimated_amount", {"estimated_amount": "1,000"}),
    ("currency", {"currency": "EUR"}),
    ("created_on", {"created_on": "2026-13-01"}),
])
def test_opportunity_bad_fields(mk, session, field, kw):
    mk.account()
    args = {"opportunity_code": "O1", "account_code": "A1", "owner": "ana",
            "estimated_amount": "10.00", "created_on": "2026-01-01"} | kw
    refused(session, sales.create_opportunity, field, **args)


def test_stages_move_forward_only(mk, session):
    mk.account()
    opp = mk.opportunity()
    sales.change_opportunity_stage(session, ACTOR, opportunity_code="O1", to_stage="qualified",
                                   changed_on="2025-11-05")
    # skipping ahead is allowed
    sales.change_opportunity_stage(session, ACTOR, opportunity_code="O1", to_stage="proposal",
                                   changed_on="2025-11-10")
    refused(session, sales.change_opportunity_stage, "to_stage", "only move forward",
            opportunity_code="O1", to_stage="diagnosis", changed_on="2025-11-12")
    refused(session, sales.change_opportunity_stage, "to_stage", "only move forward",
            opportunity_code="O1", to_stage="proposal", changed_on="2025-11-12")
    assert opp.stage == "proposal"
    update = session.scalars(select(AuditLog).where(AuditLog.action == "update")).all()[-1]
    assert json.loads(update.before_json)["stage"] == "qualified"
    assert json.loads(update.after_json)["stage"] == "proposal"


def test_won_and_lost_are_terminal(mk, session):
    mk.account()
    opp = mk.won_opportunity()
    assert opp.stage == "won" and opp.closed_on == date(2025, 12, 1)
    refused(session, sales.change_opportunity_stage, "to_stage", "final",
            opportunity_code="O1", to_stage="lost", changed_on="2025-12-05",
            lost_reason="precio")


def test_lost_needs_a_reason(mk, session):
    mk.account()
    opp = mk.opportunity()
    refused(session, sales.change_opportunity_stage, "lost_reason", "required",
            opportunity_code="O1", to_stage="lost", changed_on="2025-12-05")
    refused(session, sales.change_opportunity_stage, "lost_reason", "only",
            opportunity_code="O1", to_stage="qualified", changed_on="2025-12-05",
            lost_reason="precio")
    sales.change_opportunity_stage(session, ACTOR, opportunity_code="O1", to_stage="lost",
                                   changed_on="2025-12-05", lost_reason="sin presupuesto")
    assert (opp.stage, opp.lost_reason) == ("lost", "sin presupuesto")


def test_stage_change_dates(mk, session):
    mk.account()
    mk.opportunity()
    refused(session, sales.change_opportunity_stage, "changed_on", "creation",
            opportunity_code="O1", to_stage="qualified", changed_on="2025-10-31")
    sales.change_opportunity_stage(session, ACTOR, opportunity_code="O1", to_stage="qualified",
                                   changed_on="2025-11-20")
    refused(session, sales.change_opportunity_stage, "changed_on", "last stage change",
            opportunity_code="O1", to_stage="diagnosis", changed_on="2025-11-19")
    refused(session, sales.change_opportunity_stage, "to_stage", "must be one of",
            opportunity_code="O1", to_stage="closed", changed_on="2025-11-21")
    refused(session, sales.change_opportunity_stage, "opportunity_code", "unknown",
            opportunity_code="O9", to_stage="won", changed_on="2025-11-21")


def test_proposal_with_lines(mk, session):
    mk.account()
    mk.opportunity()
    prop = sales.create_proposal(
        session, ACTOR, proposal_code="PR1", opportunity_code="O1", proposed_on="2025-11-15",
        price="90000.00", cost="60000.00",
        lines=[{"line_type": "equipment", "description": "10 multifuncionales",
                "quantity": "10", "unit_price": "9000", "unit_cost": "6000.00"}])
    assert prop.status == "sent" and prop.price == Decimal("90000.00")
    line = session.scalars(select(ProposalLine)).one()
    assert (line.line_no, line.quantity, line.unit_cost) == (1, 10, Decimal("6000.00"))


def test_proposal_refusals(mk, session):
    mk.account()
    mk.opportunity()
    base = {"proposal_code": "PR1", "opportunity_code": "O1", "proposed_on": "2025-11-15",
            "price": "100.00", "cost": "50.00"}
    refused(session, sales.create_proposal, "proposed_on", "creation",
            **base | {"proposed_on": "2025-10-01"})
    refused(session, sales.create_proposal, "currency", "opportunity's currency",
            **base | {"currency": "USD"})
    refused(session, sales.create_proposal, "cost", "≥ 0", **base | {"cost": "-1"})
    refused(session, sales.create_proposal, "status", "one of", **base | {"status": "won"})
    err = refused(session, sales.create_proposal, "lines[2].quantity", **base | {"lines": [
        {"line_type": "software", "description": "Licencia", "quantity": 1,
         "unit_price": "1", "unit_cost": "1"},
        {"line_type": "toner", "description": "", "quantity": 0,
         "unit_price": "1", "unit_cost": "1"}]})
    assert {"lines[2].line_type", "lines[2].description"} <= set(err.fields)
    sales.create_proposal(session, ACTOR, **base)
    refused(session, sales.create_proposal, "proposal_code", "already exists", **base)


def test_proposal_status_and_withdraw(mk, session):
    mk.account()
    mk.opportunity()
    base = {"opportunity_code": "O1", "proposed_on": "2025-11-15", "price": "1.00",
            "cost": "1.00"}
    sales.create_proposal(session, ACTOR, proposal_code="D1", status="draft", **base)
    sales.create_proposal(session, ACTOR, proposal_code="S1", **base)
    refused(session, sales.withdraw_proposal, "proposal_code", "only draft",
            proposal_code="S1")
    draft = sales.withdraw_proposal(session, ACTOR, proposal_code="D1")
    assert draft.deleted_at is not None and draft.deleted_by == ACTOR
    refused(session, sales.set_proposal_status, "proposal_code", "unknown",
            proposal_code="D1", status="sent")
    sales.set_proposal_status(session, ACTOR, proposal_code="S1", status="accepted")
    refused(session, sales.set_proposal_status, "status", "cannot change",
            proposal_code="S1", status="rejected")
    actions = session.scalars(select(AuditLog.action)).all()
    assert "withdraw" in actions
