"""Stage 2: contracts, price plans, tiers, SLA terms, approval steps, activation."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from operational_app.domain import formalization as f
from operational_app.store.models import AuditLog, Closure, FormalizationStep

from .conftest import ACTOR, refused

CONTRACT = {"contract_number": "C1", "account_code": "A1", "start_date": "2026-01-01",
            "end_date": "2027-12-31", "currency": "MXN", "payment_terms_days": "30"}


def test_create_contract_from_won_opportunity(mk, session):
    mk.account()
    opp = mk.won_opportunity()
    c = f.create_contract(session, ACTOR, **CONTRACT, opportunity_code="O1", billing_day="5")
    assert (c.opportunity_id, c.payment_terms_days, c.billing_day) == (opp.id, 30, 5)
    refused(session, f.create_contract, "opportunity_code", "already has contract",
            **CONTRACT | {"contract_number": "C2"}, opportunity_code="O1")


@pytest.mark.parametrize("field, kw, reason", [
    ("end_date", {"end_date": "2026-01-01"}, "after the start date"),
    ("end_date", {"end_date": "2025-12-31"}, "after the start date"),
    ("account_code", {"account_code": "ZZ"}, "unknown account 'ZZ'"),
    ("currency", {"currency": ""}, "required"),
    ("currency", {"currency": "EUR"}, "one of MXN, USD"),
    ("payment_terms_days", {"payment_terms_days": "-1"}, "≥ 0"),
    ("payment_terms_days", {"payment_terms_days": "30.5"}, "whole number"),
    ("billing_day", {"billing_day": "31"}, "≤ 28"),
    ("activated_on", {"activated_on": "2025-12-01"}, "start date"),
    ("closed_on", {"closed_on": "2028-01-01"}, "within the contract"),
])
def test_create_contract_refuses(mk, session, field, kw, reason):
    mk.account()
    refused(session, f.create_contract, field, reason, **CONTRACT | kw)


def test_contract_from_open_or_foreign_opportunity(mk, session):
    mk.account()
    mk.account("A2")
    mk.opportunity("O1")
    refused(session, f.create_contract, "opportunity_code", "not won", **CONTRACT,
            opportunity_code="O1")
    mk.won_opportunity("O2", account="A2")
    refused(session, f.create_contract, "opportunity_code", "another account", **CONTRACT,
            opportunity_code="O2")


def test_duplicate_contract(mk, session):
    mk.account()
    mk.contract()
    refused(session, f.create_contract, "contract_number", "already exists", **CONTRACT)


def test_imported_closed_contract_gets_a_closure(mk, session):
    mk.account()
    c = f.create_contract(session, ACTOR, **CONTRACT, activated_on="2026-01-05",
                          closed_on="2026-06-30")
    closure = session.scalars(select(Closure)).one()
    assert (c.closed_on, closure.closed_on, closure.reason) == (
        date(2026, 6, 30), date(2026, 6, 30), "imported")


def test_price_plan_rules(mk, session):
    mk.account()
    mk.contract(start_date="2026-01-21")
    plan = mk.plan(effective_from="2026-01-01", minimum_monthly_charge="2000")
    assert plan.mono_rate == Decimal("0.120000") and plan.minimum_monthly_charge == Decimal(
        "2000.00")
    base = {"contract_number": "C1", "fixed_monthly_fee": "2500.00", "included_mono_pages": 5000,
            "included_color_pages": 1000, "mono_rate": "0.12", "color_rate": "1.10"}
    refused(session, f.add_price_plan, "effective_from", "first day of a month",
            **base, effective_from="2026-02-15")
    refused(session, f.add_price_plan, "effective_from", "already exists",
            **base, effective_from="2026-01-01")
    refused(session, f.add_price_plan, "effective_from", "month the contract starts",
            **base, effective_from="2025-12-01")
    refused(session, f.add_price_plan, "effective_from", "within the contract",
            **base, effective_from="2028-01-01")
    refused(session, f.add_price_plan, "mono_rate", "more than 6 decimal",
            **base | {"mono_rate": "0.1234567"}, effective_from="2026-03-01")
    refused(session, f.add_price_plan, "fixed_monthly_fee", "≥ 0",
            **base | {"fixed_monthly_fee": "-1"}, effective_from="2026-03-01")
    refused(session, f.add_price_plan, "included_mono_pages", "whole number",
            **base | {"included_mono_pages": "5000.5"}, effective_from="2026-03-01")
    refused(session, f.add_price_plan, "contract_number", "unknown contract",
            **base | {"contract_number": "C9"}, effective_from="2026-03-01")


def test_price_tiers(mk, session):
    mk.account()
    mk.contract()
    mk.plan()
    tier = f.add_price_tier(session, ACTOR, contract_number="C1", effective_from="2026-01-01",
                            meter="mono", from_page="10000", rate="0.09")
    assert (tier.from_page, tier.rate) == (10000, Decimal("0.090000"))
    base = {"contract_number": "C1", "effective_from": "2026-01-01", "meter": "mono",
            "rate": "0.09"}
    refused(session, f.add_price_tier, "from_page", "already exists", **base, from_page=10000)
    refused(session, f.add_price_tier, "from_page", "≥ 0", **base, from_page=-1)
    refused(session, f.add_price_tier, "effective_from", "no price plan",
            **base | {"effective_from": "2026-02-01"}, from_page=0)
    refused(session, f.add_price_tier, "meter", "mono, color", **base | {"meter": "black"},
            from_page=0)


def test_sla_terms_set_and_replace(mk, session):
    mk.account()
    mk.contract()
    sla = f.set_sla_terms(session, ACTOR, contract_number="C1", effective_from="2026-01-01",
                          response_hours="4", resolution_hours="16", uptime_target_pct="98.5")
    again = f.set_sla_terms(session, ACTOR, contract_number="C1", effective_from="2026-01-01",
                            response_hours="2", resolution_hours="8")
    assert again is sla and sla.response_hours == Decimal("2.00")
    base = {"contract_number": "C1", "effective_from": "2026-02-01"}
    refused(session, f.set_sla_terms, "resolution_hours", "shorter",
            **base, response_hours="8", resolution_hours="4")
    refused(session, f.set_sla_terms, "response_hours", "greater than 0",
            **base, response_hours="0", resolution_hours="4")
    refused(session, f.set_sla_terms, "uptime_target_pct", "≤ 100",
            **base, response_hours="4", resolution_hours="8", uptime_target_pct="101")


def test_decide_steps_records_decider(mk, session):
    mk.account()
    mk.contract()
    step = f.decide_formalization_step(session, "laura", contract_number="C1",
                                       step="pricing_validated", decision="rejected",
                                       decided_on="2026-01-02", notes="margen bajo")
    assert (step.decided_by, step.decision) == ("laura", "rejected")
    base = {"contract_number": "C1", "decided_on": "2026-01-03"}
    refused(session, f.decide_formalization_step, "step", "activating",
            **base, step="activated", decision="approved")
    refused(session, f.decide_formalization_step, "step", "one of",
            **base, step="credit_check", decision="approved")
    refused(session, f.decide_formalization_step, "decision", "approved, rejected",
            **base, step="legal_review", decision="ok")
    refused(session, f.decide_formalization_step, "decided_on", "latest pricing_validated",
            contract_number="C1", decided_on="2026-01-01", step="pricing_validated",
            decision="approved")
    refused(session, f.decide_formalization_step, "decided_on", "already recorded",
            contract_number="C1", decided_on="2026-01-02", step="pricing_validated",
            decision="rejected")


def test_activation_needs_every_latest_decision_approved_and_a_plan(mk, session):
    mk.account()
    contract = mk.contract()
    err = refused(session, f.activate_contract, "contract_number", contract_number="C1",
                  activated_on="2026-01-05")
    assert "legal_review has no decision" in str(err) and "no price plan" in str(err)
    mk.approve_all(on="2026-01-02")
    f.decide_formalization_step(session, "laura", contract_number="C1", step="sla_validated",
                                decision="rejected", decided_on="2026-01-03")
    mk.plan()
    refused(session, f.activate_contract, "contract_number", "sla_validated was rejected",
            contract_number="C1", activated_on="2026-01-05")
    f.decide_formalization_step(session, "laura", contract_number="C1", step="sla_validated",
                                decision="approved", decided_on="2026-01-04")
    refused(session, f.activate_contract, "activated_on", "last approval",
            contract_number="C1", activated_on="2026-01-03")
    f.activate_contract(session, "dir", contract_number="C1", activated_on="2026-01-05")
    assert contract.activated_on == date(2026, 1, 5)
    activated = session.scalars(select(FormalizationStep).where(
        FormalizationStep.step == "activated")).one()
    assert (activated.decision, activated.decided_by) == ("approved", "dir")
    audit = session.scalars(select(AuditLog).where(AuditLog.entity == "contracts",
                                                   AuditLog.action == "update")).one()
    assert json.loads(audit.before_json)["activated_on"] is None
    assert json.loads(audit.after_json)["activated_on"] == "2026-01-05"
    refused(session, f.activate_contract, "contract_number", "already activated",
            contract_number="C1", activated_on="2026-01-06")
    refused(session, f.decide_formalization_step, "contract_number", "already activated",
            contract_number="C1", step="legal_review", decision="approved",
            decided_on="2026-01-06")


def test_activation_needs_a_plan_in_force(mk, session):
    mk.account()
    mk.contract()
    mk.approve_all()
    mk.plan(effective_from="2026-02-01")
    refused(session, f.activate_contract, "contract_number", "no price plan in force",
            contract_number="C1", activated_on="2026-01-05")
    refused(session, f.activate_contract, "activated_on", "contract start",
            contract_number="C1", activated_on="2025-12-31")
