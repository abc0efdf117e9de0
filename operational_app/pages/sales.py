"""Stage 1 — sales: accounts, opportunities and their stage changes, proposals."""

from __future__ import annotations

from typing import Any

import streamlit as st

from operational_app.domain import sales
from operational_app.domain.fields import CURRENCIES
from operational_app.pages import queries
from operational_app.pages.forms import (
    EntryForm,
    current_actor,
    label,
    option_label,
    records_table,
    search_box,
    success,
)
from seiton.webapp.formats import fmt_money
from seiton.webapp.i18n import register, t

register({
    "sales_accounts_title": {"es": "Cuentas (clientes y prospectos)",
                             "en": "Accounts (customers and prospects)"},
    "sales_new_account": {"es": "Nueva cuenta", "en": "New account"},
    "sales_account_saved": {"es": "Cuenta registrada", "en": "Account recorded"},
    "sales_opps_title": {"es": "Oportunidades", "en": "Opportunities"},
    "sales_new_opp": {"es": "Nueva oportunidad", "en": "New opportunity"},
    "sales_opp_saved": {"es": "Oportunidad registrada", "en": "Opportunity recorded"},
    "sales_move_opp": {"es": "Cambiar de etapa", "en": "Change stage"},
    "sales_opp_moved": {"es": "Etapa cambiada", "en": "Stage changed"},
    "sales_lost_help": {"es": "Obligatorio si se pierde: precio, competencia, sin presupuesto, "
                              "pospuesto…",
                        "en": "Required when lost: price, competition, no budget, postponed…"},
    "sales_stage_filter": {"es": "Etapa", "en": "Stage"},
    "sales_props_title": {"es": "Propuestas", "en": "Proposals"},
    "sales_new_prop": {"es": "Nueva propuesta", "en": "New proposal"},
    "sales_prop_saved": {"es": "Propuesta registrada", "en": "Proposal recorded"},
    "sales_prop_lines": {"es": "Partidas (opcionales: equipo, software, servicios)",
                         "en": "Lines (optional: equipment, software, services)"},
    "sales_line": {"es": "Partida", "en": "Line"},
    "sales_prop_status": {"es": "Decidir propuesta", "en": "Decide a proposal"},
    "sales_prop_status_saved": {"es": "Estado de la propuesta cambiado",
                                "en": "Proposal status changed"},
    "sales_prop_withdraw": {"es": "Retirar un borrador", "en": "Withdraw a draft"},
    "sales_prop_withdrawn": {"es": "Borrador retirado", "en": "Draft withdrawn"},
    "sales_withdraw": {"es": "Retirar", "en": "Withdraw"},
    "opt_prospect": {"es": "Prospecto", "en": "Prospect"},
    "opt_qualified": {"es": "Calificada", "en": "Qualified"},
    "opt_diagnosis": {"es": "Diagnóstico", "en": "Diagnosis"},
    "opt_proposal": {"es": "Propuesta", "en": "Proposal"},
    "opt_negotiation": {"es": "Negociación", "en": "Negotiation"},
    "opt_won": {"es": "Ganada", "en": "Won"},
    "opt_lost": {"es": "Perdida", "en": "Lost"},
    "opt_draft": {"es": "Borrador", "en": "Draft"},
    "opt_sent": {"es": "Enviada", "en": "Sent"},
    "opt_accepted": {"es": "Aceptada", "en": "Accepted"},
    "opt_rejected": {"es": "Rechazada", "en": "Rejected"},
    "opt_equipment": {"es": "Equipo", "en": "Equipment"},
    "opt_software": {"es": "Software", "en": "Software"},
    "opt_services": {"es": "Servicios", "en": "Services"},
    "opt_": {"es": "—", "en": "—"},
})

LINE_ROWS = 3
LINE_FIELDS = ("line_type", "description", "quantity", "unit_price", "unit_cost")


# --------------------------------------------------------------------------- accounts


def accounts_page() -> None:
    st.title(t("sales_accounts_title"))
    with EntryForm("cuenta", t("sales_new_account")) as f:
        left, right = st.columns(2)
        with left:
            code = f.text("account_code", placeholder="ACME-001")
            name = f.text("name")
            tax_id = f.text("tax_id", placeholder="ABC010203XY9")
        with right:
            tax_rate = f.number("tax_rate", value="0.16", placeholder="0.16")
            segment = f.text("segment")
            region = f.text("region")
    if f.submitted:
        f.save(lambda s, actor: sales.create_account(
            s, actor, account_code=code, name=name, tax_rate=tax_rate, tax_id=tax_id,
            segment=segment, region=region),
            lambda row: success(t("sales_account_saved"), row.account_code, row.name))

    st.subheader(t("entry_latest_records"))
    records_table(queries.accounts_table(search_box("cuentas-buscar")), key="cuentas-tabla",
                  limit=queries.TABLE_LIMIT)


# --------------------------------------------------------------------------- opportunities


def opportunities_page() -> None:
    st.title(t("sales_opps_title"))
    new_tab, move_tab = st.tabs([t("sales_new_opp"), t("sales_move_opp")])
    with new_tab:
        with EntryForm("oportunidad") as f:
            left, right = st.columns(2)
            with left:
                code = f.text("opportunity_code", placeholder="OP-0001")
                account = f.pick("account_code", queries.picklist("accounts"))
                owner = f.text("owner", value=current_actor())
                source = f.text("source")
            with right:
                amount = f.money("estimated_amount")
                currency = f.choice("currency", CURRENCIES, format_func=str)
                created = f.date("created_on")
        if f.submitted:
            f.save(lambda s, actor: sales.create_opportunity(
                s, actor, opportunity_code=code, account_code=account, owner=owner,
                estimated_amount=amount, created_on=created, currency=currency, source=source),
                lambda row: success(t("sales_opp_saved"), row.opportunity_code,
                                    fmt_money(row.estimated_amount)))
    with move_tab:
        with EntryForm("etapa") as m:
            opp = m.pick("opportunity_code", queries.picklist("opportunities", "open"))
            stage = m.choice("to_stage", sales.STAGES[1:])
            changed = m.date("changed_on")
            reason = m.text("lost_reason", help=t("sales_lost_help"))
        if m.submitted:
            m.save(lambda s, actor: sales.change_opportunity_stage(
                s, actor, opportunity_code=opp, to_stage=stage, changed_on=changed,
                lost_reason=reason or None),
                lambda row: success(t("sales_opp_moved"),
                                    f"{opp} → {option_label(row.to_stage)}"))

    st.subheader(t("entry_latest_records"))
    c1, c2 = st.columns([1, 2])
    with c1:
        stage_filter = st.selectbox(t("sales_stage_filter"), ("", *sales.STAGES),
                                    format_func=lambda v: option_label(v) if v else t("entry_all"),
                                    key="oportunidades-etapa")
    with c2:
        text = search_box("oportunidades-buscar")
    records_table(queries.opportunities_table(stage_filter or None, text),
                  key="oportunidades-tabla", limit=queries.TABLE_LIMIT, translate=("stage",))


# --------------------------------------------------------------------------- proposals


def _line_inputs(f: EntryForm) -> list[dict[str, Any]]:
    """Up to LINE_ROWS optional lines; a row left blank is not a line."""
    rows = []
    for no in range(1, LINE_ROWS + 1):
        cols = st.columns([2, 4, 1, 2, 2])
        row: dict[str, Any] = {"_no": no}
        for col, name in zip(cols, LINE_FIELDS, strict=True):
            field = f"lines[{no}].{name}"
            with col:
                if name == "line_type":
                    row[name] = f.choice(field, ("", *sales.LINE_TYPES),
                                         label_text=f"{t('sales_line')} {no}")
                else:
                    row[name] = f.text(field, label_text=label(name))
            f.labels[field] = f"{t('sales_line')} {no} · {label(name)}"
        rows.append(row)
    return rows


def _filled_lines(f: EntryForm, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines the user filled, renumbered as the domain numbers them; the labels follow so
    an error on the domain's lines[2] names the form's row."""
    lines = []
    for row in rows:
        values = {k: v for k, v in row.items() if k != "_no"}
        if not any(str(v).strip() for v in values.values()):
            continue
        lines.append(values)
        for name in LINE_FIELDS:
            f.labels[f"lines[{len(lines)}].{name}"] = (
                f"{t('sales_line')} {row['_no']} · {label(name)}")
        f.labels[f"lines[{len(lines)}]"] = f"{t('sales_line')} {row['_no']}"
    return lines


def proposals_page() -> None:
    st.title(t("sales_props_title"))
    new_tab, status_tab, withdraw_tab = st.tabs(
        [t("sales_new_prop"), t("sales_prop_status"), t("sales_prop_withdraw")])
    with new_tab:
        with EntryForm("propuesta") as f:
            left, right = st.columns(2)
            with left:
                code = f.text("proposal_code", placeholder="PR-0001")
                opp = f.pick("opportunity_code", queries.picklist("opportunities", "open"))
                proposed = f.date("proposed_on")
            with right:
                price = f.money("price")
                cost = f.money("cost")
                currency = f.choice("currency", CURRENCIES, format_func=str)
                status = f.choice("status", ("sent", "draft"))
            st.caption(t("sales_prop_lines"))
            rows = _line_inputs(f)
        if f.submitted:
            lines = _filled_lines(f, rows)
            f.save(lambda s, actor: sales.create_proposal(
                s, actor, proposal_code=code, opportunity_code=opp, proposed_on=proposed,
                price=price, cost=cost, currency=currency, status=status, lines=lines or None),
                lambda row: success(t("sales_prop_saved"), row.proposal_code,
                                    fmt_money(row.price)))
    with status_tab:
        with EntryForm("decision-propuesta") as d:
            prop = d.pick("proposal_code", queries.picklist("proposals"))
            new_status = d.choice("status", ("accepted", "rejected", "sent"))
        if d.submitted:
            d.save(lambda s, actor: sales.set_proposal_status(
                s, actor, proposal_code=prop, status=new_status),
                lambda row: success(t("sales_prop_status_saved"),
                                    f"{row.proposal_code} → {option_label(row.status)}"))
    with withdraw_tab:
        with EntryForm("retirar-propuesta", submit_label=t("sales_withdraw")) as w:
            draft = w.pick("proposal_code", queries.picklist("proposals"))
        if w.submitted:
            w.save(lambda s, actor: sales.withdraw_proposal(s, actor, proposal_code=draft),
                   lambda row: success(t("sales_prop_withdrawn"), row.proposal_code))

    st.subheader(t("entry_latest_records"))
    status_filter = st.selectbox(label("status"), ("", *sales.PROPOSAL_STATUSES),
                                 format_func=lambda v: option_label(v) if v else t("entry_all"),
                                 key="propuestas-estado")
    records_table(queries.proposals_table(status_filter or None), key="propuestas-tabla",
                  limit=queries.TABLE_LIMIT, translate=("status",))
