"""Stage 2 — formalization: contracts, price plans, tiers and SLA; approval steps; activation."""

from __future__ import annotations

from datetime import date

import streamlit as st

from operational_app.domain import formalization
from operational_app.domain.fields import CURRENCIES
from operational_app.pages import queries
from operational_app.pages.forms import (
    EntryForm,
    label,
    option_label,
    records_table,
    search_box,
    success,
    today,
)
from seiton.webapp.formats import fmt_int
from seiton.webapp.i18n import register, t

register({
    "form_contracts_title": {"es": "Contratos, precios y SLA", "en": "Contracts, prices and SLA"},
    "form_new_contract": {"es": "Nuevo contrato", "en": "New contract"},
    "form_contract_saved": {"es": "Contrato registrado", "en": "Contract recorded"},
    "form_opp_help": {"es": "La oportunidad ganada de la que nace el contrato (opcional).",
                      "en": "The won opportunity the contract comes from (optional)."},
    "form_price_plan": {"es": "Plan de precios", "en": "Price plan"},
    "form_plan_saved": {"es": "Plan de precios registrado", "en": "Price plan recorded"},
    "form_tier": {"es": "Escalón de excedentes", "en": "Overage tier"},
    "form_tier_saved": {"es": "Escalón registrado", "en": "Tier recorded"},
    "form_sla": {"es": "Términos de SLA", "en": "SLA terms"},
    "form_sla_saved": {"es": "SLA registrado", "en": "SLA recorded"},
    "form_state_filter": {"es": "Situación", "en": "State"},
    "form_plans_and_sla": {"es": "Planes de precios y SLA", "en": "Price plans and SLA"},
    "form_approvals_title": {"es": "Aprobaciones y activación", "en": "Approvals and activation"},
    "form_pick_contract": {"es": "Contrato por formalizar", "en": "Contract being formalized"},
    "form_step_status": {"es": "Situación de los pasos", "en": "Step status"},
    "form_decide": {"es": "Aprobar o rechazar un paso", "en": "Approve or reject a step"},
    "form_decided": {"es": "Decisión registrada", "en": "Decision recorded"},
    "form_activate": {"es": "Activar el contrato", "en": "Activate the contract"},
    "form_activate_help": {
        "es": "Requiere los cinco pasos aprobados (su última decisión) y un plan de precios "
              "vigente.",
        "en": "Needs the five steps approved (their latest decision) and a price plan in "
              "force."},
    "form_activated": {"es": "Contrato activado", "en": "Contract activated"},
    "form_activate_button": {"es": "Activar", "en": "Activate"},
    "form_all_steps": {"es": "Últimas decisiones", "en": "Latest decisions"},
    "opt_pending": {"es": "Por formalizar", "en": "Pending"},
    "opt_active": {"es": "Activo", "en": "Active"},
    "opt_closed": {"es": "Cerrado", "en": "Closed"},
    "opt_legal_review": {"es": "Revisión legal", "en": "Legal review"},
    "opt_customer_registered": {"es": "Alta del cliente", "en": "Customer registered"},
    "opt_pricing_validated": {"es": "Precio y margen validados", "en": "Pricing validated"},
    "opt_sla_validated": {"es": "SLA validado", "en": "SLA validated"},
    "opt_internal_approval": {"es": "Aprobación interna", "en": "Internal approval"},
    "opt_approved": {"es": "Aprobado", "en": "Approved"},
    "opt_mono": {"es": "Mono", "en": "Mono"},
    "opt_color": {"es": "Color", "en": "Color"},
})


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --------------------------------------------------------------------------- contracts


def contracts_page() -> None:
    st.title(t("form_contracts_title"))
    tabs = st.tabs([t("form_new_contract"), t("form_price_plan"), t("form_tier"), t("form_sla")])
    with tabs[0]:
        with EntryForm("contrato") as f:
            left, right = st.columns(2)
            with left:
                number = f.text("contract_number", placeholder="C-0001")
                account = f.pick("account_code", queries.picklist("accounts"))
                opp = f.pick("opportunity_code", queries.picklist("opportunities", "won_free"))
                currency = f.choice("currency", CURRENCIES, format_func=str)
            with right:
                start = f.date("start_date")
                end = f.date("end_date", value=_add_years(today(), 3))
                terms = f.number("payment_terms_days", value="30")
                billing_day = f.number("billing_day", value="1")
        if f.submitted:
            f.save(lambda s, actor: formalization.create_contract(
                s, actor, contract_number=number, account_code=account, start_date=start,
                end_date=end, currency=currency, payment_terms_days=terms,
                billing_day=billing_day, opportunity_code=opp),
                lambda row: success(t("form_contract_saved"), row.contract_number))
    with tabs[1]:
        with EntryForm("plan") as p:
            left, right = st.columns(2)
            with left:
                contract = p.pick("contract_number", queries.picklist("contracts", "open"))
                effective = p.date("effective_from", value=_first_of_month(today()))
                fee = p.money("fixed_monthly_fee")
                minimum = p.money("minimum_monthly_charge")
            with right:
                mono_pages = p.number("included_mono_pages")
                color_pages = p.number("included_color_pages")
                mono_rate = p.number("mono_rate", placeholder="0.000000")
                color_rate = p.number("color_rate", placeholder="0.000000")
        if p.submitted:
            p.save(lambda s, actor: formalization.add_price_plan(
                s, actor, contract_number=contract, effective_from=effective,
                fixed_monthly_fee=fee, included_mono_pages=mono_pages,
                included_color_pages=color_pages, mono_rate=mono_rate, color_rate=color_rate,
                minimum_monthly_charge=minimum),
                lambda row: success(t("form_plan_saved"), contract, row.effective_from))
    with tabs[2]:
        with EntryForm("escalon") as e:
            contract_t = e.pick("contract_number", queries.picklist("contracts", "open"))
            effective_t = e.date("effective_from", value=_first_of_month(today()))
            meter = e.choice("meter", formalization.METERS)
            from_page = e.number("from_page")
            rate = e.number("rate", placeholder="0.000000")
        if e.submitted:
            e.save(lambda s, actor: formalization.add_price_tier(
                s, actor, contract_number=contract_t, effective_from=effective_t, meter=meter,
                from_page=from_page, rate=rate),
                lambda row: success(t("form_tier_saved"),
                                    contract_t,
                                    f"{option_label(row.meter)} ≥ {fmt_int(row.from_page)}"))
    with tabs[3]:
        with EntryForm("sla") as a:
            contract_s = a.pick("contract_number", queries.picklist("contracts", "open"))
            effective_s = a.date("effective_from")
            response = a.number("response_hours", value="4")
            resolution = a.number("resolution_hours", value="8")
            uptime = a.number("uptime_target_pct", placeholder="98.00")
        if a.submitted:
            a.save(lambda s, actor: formalization.set_sla_terms(
                s, actor, contract_number=contract_s, effective_from=effective_s,
                response_hours=response, resolution_hours=resolution,
                uptime_target_pct=uptime),
                lambda row: success(t("form_sla_saved"), contract_s, row.effective_from))

    st.subheader(t("entry_latest_records"))
    c1, c2 = st.columns([1, 2])
    with c1:
        state = st.selectbox(t("form_state_filter"), ("", "pending", "active", "closed"),
                             format_func=lambda v: option_label(v) if v else t("entry_all"),
                             key="contratos-situacion")
    with c2:
        text = search_box("contratos-buscar")
    frame = queries.contracts_table(state or None, text)
    if not frame.empty:
        frame["state"] = frame["state"].map(option_label)
    records_table(frame, key="contratos-tabla", limit=queries.TABLE_LIMIT)
    with st.expander(t("form_plans_and_sla")):
        records_table(queries.price_plans_table(), key="planes-tabla")
        records_table(queries.sla_table(), key="sla-tabla")


# --------------------------------------------------------------------------- approvals


def approvals_page() -> None:
    st.title(t("form_approvals_title"))
    pending = queries.picklist("contracts", "pending")
    keys = list(pending)
    contract = st.selectbox(
        t("form_pick_contract"), keys, index=0 if keys else None,
        format_func=lambda k: f"{k} · {pending[k]}" if k in pending else str(k),
        key="aprobacion-contrato", placeholder=t("entry_pick_placeholder"), accept_new_options=True)
    if contract:
        st.caption(t("form_step_status"))
        status = queries.step_status(contract, formalization.REQUIRED_STEPS)
        status["step"] = status["step"].map(option_label)
        status["decision"] = status["decision"].map(lambda v: option_label(v) if v else None)
        records_table(status, key="aprobacion-pasos")

    left, right = st.columns(2)
    with left, EntryForm("decision", t("form_decide")) as f:
        f.labels["contract_number"] = t("form_pick_contract")
        step = f.choice("step", formalization.REQUIRED_STEPS)
        decision = f.choice("decision", formalization.DECISIONS)
        decided = f.date("decided_on")
        notes = f.text("notes", area=True)
    if f.submitted:
        f.save(lambda s, actor: formalization.decide_formalization_step(
            s, actor, contract_number=contract, step=step, decision=decision,
            decided_on=decided, notes=notes),
            lambda row: success(t("form_decided"), contract, option_label(row.step),
                                option_label(row.decision)))
    with right, EntryForm("activacion", t("form_activate"),
                          submit_label=t("form_activate_button")) as a:
        a.labels["contract_number"] = t("form_pick_contract")
        st.caption(t("form_activate_help"))
        activated = a.date("activated_on")
    if a.submitted:
        a.save(lambda s, actor: formalization.activate_contract(
            s, actor, contract_number=contract, activated_on=activated),
            lambda row: success(t("form_activated"), row.contract_number))

    st.subheader(t("form_all_steps"))
    frame = queries.steps_table()
    if not frame.empty:
        frame["step"] = frame["step"].map(option_label)
        frame["decision"] = frame["decision"].map(option_label)
    records_table(frame, key="pasos-tabla", limit=queries.TABLE_LIMIT,
                  column_labels={"decided_by": label("decided_by")})
