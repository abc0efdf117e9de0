"""Turn the planned world into domain-layer writes on the timeline: users, exchange rates,
accounts, opportunities and proposals, contracts with their plans, formalization,
implementation, renewals, amendments and closures."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from operational_app.demo import params as P
from operational_app.demo.calendar_utils import pick
from operational_app.demo.timeline import (
    P_CLOSURE,
    P_CONTRACT,
    P_IMPLEMENTATION,
    P_REMOVAL,
    P_RENEWAL,
    P_SALES,
    P_SETUP,
    Timeline,
)
from operational_app.demo.world import Contract, Device, Opportunity, PlanTerms, Proposal, World


def emit_users(tl: Timeline, day: date, existing: set[str]) -> None:
    for username, display, role, area in P.DEMO_USERS:
        if username in existing:
            continue
        actor = "system" if username == "admin" else P.ACTOR_SYSTEM_ADMIN
        tl.add(day, P_SETUP, "users", "add_user", actor, {
            "username": username, "display_name": display, "role": role,
            "password": P.DEMO_PASSWORDS[username], "area": area})


def emit_fx(tl: Timeline, seed: int, first: date, last: date) -> None:
    """USD/MXN every day: a mean-reverting walk that stays within 17–20."""
    rng = random.Random(f"{seed}:fx")
    lo, hi = float(P.FX_USD_RANGE[0]), float(P.FX_USD_RANGE[1])
    mid = (lo + hi) / 2
    x = P.FX_USD_START
    day = first
    while day <= last:
        x += P.FX_MEAN_REVERSION * (mid - x) + rng.gauss(0, P.FX_DAILY_VOL)
        if x < lo:
            x = 2 * lo - x
        if x > hi:
            x = 2 * hi - x
        tl.add(day, P_SETUP, "billing", "set_fx_rate", P.ACTOR_FINANCE_OP, {
            "rate_date": day, "currency": "USD",
            "mxn_per_unit": Decimal(str(round(x, 4)))})
        day += timedelta(days=1)


def emit_accounts(tl: Timeline, world: World) -> None:
    for a in world.accounts:
        tl.add(a.created_on, P_SALES, "sales", "create_account",
               P.ACTOR_ADMIN_AREA if a.legacy else P.ACTOR_SALES, {
                   "account_code": a.code, "name": a.name, "tax_rate": a.tax_rate,
                   "tax_id": a.tax_id, "segment": a.segment, "region": a.region})


def emit_opportunity(tl: Timeline, o: Opportunity) -> None:
    actor = P.ACTOR_SALES
    tl.add(o.created_on, P_SALES, "sales", "create_opportunity", actor, {
        "opportunity_code": o.code, "account_code": o.account.code, "owner": o.owner,
        "estimated_amount": o.estimated_amount, "created_on": o.created_on,
        "currency": o.currency, "source": o.source})
    for stage, on in o.stages:
        tl.add(on, P_SALES, "sales", "change_opportunity_stage", actor, {
            "opportunity_code": o.code, "to_stage": stage, "changed_on": on,
            "lost_reason": o.lost_reason if stage == "lost" else None})
    for p in sorted(o.proposals, key=lambda p: p.proposed_on):
        _emit_proposal(tl, o, p)
    for p in o.proposals:
        if p.decision is not None and p.decided_on is not None:
            tl.add(p.decided_on, P_SALES, "sales", "set_proposal_status", actor,
                   {"proposal_code": p.code, "status": p.decision})


def _emit_proposal(tl: Timeline, o: Opportunity, p: Proposal) -> None:
    tl.add(p.proposed_on, P_SALES, "sales", "create_proposal", P.ACTOR_SALES, {
        "proposal_code": p.code, "opportunity_code": o.code, "proposed_on": p.proposed_on,
        "price": p.price, "cost": p.cost, "currency": o.currency, "status": "sent",
        "lines": p.lines})


def _plan_fields(c: Contract, t: PlanTerms) -> dict:
    return {"contract_number": c.number, "effective_from": t.effective_from,
            "fixed_monthly_fee": t.fixed_monthly_fee,
            "included_mono_pages": t.included_mono_pages,
            "included_color_pages": t.included_color_pages, "mono_rate": t.mono_rate,
            "color_rate": t.color_rate, "minimum_monthly_charge": t.minimum_monthly_charge}


def _emit_plan(tl: Timeline, c: Contract, day: date, prio: int, actor: str,
               t: PlanTerms) -> None:
    tl.add(day, prio, "formalization", "add_price_plan", actor, _plan_fields(c, t))
    for meter, tiers in (("mono", t.mono_tiers), ("color", t.color_tiers)):
        for from_page, rate in tiers:
            tl.add(day, prio, "formalization", "add_price_tier", actor, {
                "contract_number": c.number, "effective_from": t.effective_from,
                "meter": meter, "from_page": from_page, "rate": rate})


def _install(tl: Timeline, d: Device) -> None:
    tl.add(d.installed_on, P_IMPLEMENTATION, "implementation", "install_device",
           P.ACTOR_OPERATION, {
               "serial": d.serial, "contract_number": d.contract.number,
               "installed_on": d.installed_on, "install_mono_counter": d.install_mono,
               "install_color_counter": d.install_color, "model": d.model,
               "is_color": d.is_color, "site": d.site})


def emit_contract(tl: Timeline, c: Contract, rng: random.Random) -> None:
    first_plan = c.plans[0]
    sla = {"contract_number": c.number, "effective_from": first_plan.terms.effective_from,
           "response_hours": P.SLA_RESPONSE_HOURS, "resolution_hours": P.SLA_RESOLUTION_HOURS,
           "uptime_target_pct": P.SLA_UPTIME_TARGET_PCT}
    base = {"contract_number": c.number, "account_code": c.account.code,
            "start_date": c.start, "end_date": c.end, "currency": c.currency,
            "payment_terms_days": c.payment_terms, "billing_day": 1}
    if c.legacy:
        # captured from the previous system at go-live: active as imported, no steps
        tl.add(c.created_on, P_CONTRACT, "formalization", "create_contract",
               P.ACTOR_ADMIN_AREA, {**base, "activated_on": c.activated_on})
        _emit_plan(tl, c, c.created_on, P_CONTRACT, P.ACTOR_ADMIN_AREA, first_plan.terms)
        tl.add(c.created_on, P_CONTRACT, "formalization", "set_sla_terms", P.ACTOR_OPERATION,
               sla)
    else:
        assert c.opportunity is not None
        tl.add(c.created_on, P_CONTRACT, "formalization", "create_contract", P.ACTOR_SALES,
               {**base, "opportunity_code": c.opportunity.code})
        _emit_plan(tl, c, c.created_on, P_CONTRACT, P.ACTOR_SALES, first_plan.terms)
        tl.add(c.created_on, P_CONTRACT, "formalization", "set_sla_terms", P.ACTOR_SALES, sla)
        for s in c.steps:
            tl.add(s.on, P_CONTRACT, "formalization", "decide_formalization_step", s.actor, {
                "contract_number": c.number, "step": s.step, "decision": s.decision,
                "decided_on": s.on, "notes": s.notes})
        tl.add(c.activated_on, P_CONTRACT, "formalization", "activate_contract",
               P.ACTOR_ADMIN_AREA, {"contract_number": c.number,
                                    "activated_on": c.activated_on})
        assert c.planned_on is not None and c.planned_go_live is not None
        tl.add(c.planned_on, P_IMPLEMENTATION, "implementation", "plan_implementation",
               P.ACTOR_OPERATION, {"contract_number": c.number, "planned_on": c.planned_on,
                                   "planned_go_live": c.planned_go_live})
        notes = {
            "software_configured": "Monitoreo y control de impresión configurados",
            "training_given": "Capacitación a usuarios clave",
            "customer_acceptance": "Acta de aceptación firmada por el cliente",
        }
        for milestone, on in c.milestones.items():
            tl.add(on, P_IMPLEMENTATION, "implementation", "record_milestone",
                   P.ACTOR_OPERATION, {"contract_number": c.number, "milestone": milestone,
                                       "done_on": on, "notes": notes[milestone]})
    for d in c.devices:
        _install(tl, d)

    # renewal stage
    for r in c.reviews:
        tl.add(r.on, P_RENEWAL, "renewal", "record_review", P.ACTOR_SALES, {
            "contract_number": c.number, "review_on": r.on, "outcome": r.outcome,
            "notes": r.notes})
    events: list[tuple[date, int, str, dict]] = []
    for ren in c.renewals:
        events.append((ren.renewed_on, 0, "renew_contract", {
            "contract_number": c.number, "renewed_on": ren.renewed_on,
            "new_end_date": ren.new_end}))
    for a in c.amendments:
        events.append((a.on, 1, "amend_contract", {
            "amendment_number": a.number, "contract_number": c.number, "amended_on": a.on,
            "amendment_type": a.kind, "devices_delta": a.delta, "description": a.description}))
    for day, _order, func, fields in sorted(events, key=lambda e: (e[0], e[1])):
        tl.add(day, P_RENEWAL, "renewal", func, P.ACTOR_SALES, fields)
    for change in c.plans[1:]:
        _emit_plan(tl, c, change.recorded_on, P_RENEWAL, change.actor, change.terms)

    # device removals (amendments, closures) and the closure itself
    closure_day = c.closure_recorded_on
    retrieved = 0
    for d in c.devices:
        if d.removed_on is not None and d.installed_on <= d.removed_on:
            tl.add(d.removed_on, P_REMOVAL, "implementation", "remove_device",
                   P.ACTOR_OPERATION, {"serial": d.serial, "removed_on": d.removed_on})
            if closure_day is not None and d.removed_on == closure_day:
                retrieved += 1
    if c.closed_on is not None and closure_day is not None:
        reason = c.closure_reason or pick(rng, tuple(P.CLOSURE_REASONS))
        tl.add(closure_day, P_CLOSURE, "renewal", "close_contract", P.ACTOR_DIRECTOR, {
            "contract_number": c.number, "closed_on": c.closed_on, "reason": reason,
            "devices_retrieved": retrieved})


def emit_world(tl: Timeline, world: World, existing_users: set[str]) -> None:
    emit_users(tl, world.start, existing_users)
    emit_fx(tl, world.seed, world.start, world.until)
    emit_accounts(tl, world)
    for o in world.opportunities:
        emit_opportunity(tl, o)
    rng = random.Random(f"{world.seed}:emit")
    for c in world.contracts:
        emit_contract(tl, c, rng)
