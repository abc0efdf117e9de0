"""Stage 6 — renewal, growth or closure: reviews, renewals, amendments, closures."""

from __future__ import annotations

import streamlit as st

from operational_app.domain import renewal
from operational_app.pages import queries
from operational_app.pages.forms import (
    EntryForm,
    option_label,
    records_table,
    search_box,
    success,
)
from seiton.webapp.formats import fmt_date
from seiton.webapp.i18n import register, t

register({
    "ren_title": {"es": "Revisión, renovación y cierre de contratos",
                  "en": "Contract review, renewal and closure"},
    "ren_review": {"es": "Revisión de desempeño", "en": "Performance review"},
    "ren_review_saved": {"es": "Revisión registrada", "en": "Review recorded"},
    "ren_outcome_help": {"es": "Por ejemplo: renovar, ampliar, renegociar, cerrar.",
                         "en": "For example: renew, expand, renegotiate, close."},
    "ren_renew": {"es": "Renovar", "en": "Renew"},
    "ren_renewed": {"es": "Contrato renovado", "en": "Contract renewed"},
    "ren_renew_help": {"es": "Los precios del nuevo periodo se registran como un nuevo plan de "
                             "precios (Formalización › Contratos y precios).",
                       "en": "The new term's prices are a new price plan (Formalization › "
                             "Contracts and prices)."},
    "ren_amend": {"es": "Adenda", "en": "Amendment"},
    "ren_amended": {"es": "Adenda registrada", "en": "Amendment recorded"},
    "ren_close": {"es": "Cerrar contrato", "en": "Close a contract"},
    "ren_closed": {"es": "Contrato cerrado", "en": "Contract closed"},
    "ren_expiring": {"es": "Contratos que vencen en 90 días",
                     "en": "Contracts ending within 90 days"},
    "ren_history": {"es": "Historial", "en": "History"},
    "opt_devices_added": {"es": "Equipos agregados", "en": "Devices added"},
    "opt_devices_removed": {"es": "Equipos retirados", "en": "Devices removed"},
    "opt_price_change": {"es": "Cambio de precio", "en": "Price change"},
    "opt_review": {"es": "Revisión", "en": "Review"},
    "opt_renewal": {"es": "Renovación", "en": "Renewal"},
    "opt_amendment": {"es": "Adenda", "en": "Amendment"},
    "opt_closure": {"es": "Cierre", "en": "Closure"},
})


def renewal_page() -> None:
    st.title(t("ren_title"))
    tabs = st.tabs([t("ren_review"), t("ren_renew"), t("ren_amend"), t("ren_close")])
    open_contracts = queries.picklist("contracts", "open")
    with tabs[0]:
        with EntryForm("revision") as f:
            contract = f.pick("contract_number", open_contracts)
            review_on = f.date("review_on")
            outcome = f.text("outcome", help=t("ren_outcome_help"))
            notes = f.text("notes", area=True)
        if f.submitted:
            f.save(lambda s, actor: renewal.record_review(
                s, actor, contract_number=contract, review_on=review_on, outcome=outcome,
                notes=notes),
                lambda row: success(t("ren_review_saved"), contract, row.review_on))
    with tabs[1]:
        with EntryForm("renovacion") as r:
            st.caption(t("ren_renew_help"))
            contract_r = r.pick("contract_number", open_contracts)
            renewed_on = r.date("renewed_on")
            new_end = r.date("new_end_date", optional=True)
        if r.submitted:
            r.save(lambda s, actor: renewal.renew_contract(
                s, actor, contract_number=contract_r, renewed_on=renewed_on,
                new_end_date=new_end),
                lambda row: success(t("ren_renewed"), f"{contract_r} → {fmt_date(row.new_end_date)}"))
    with tabs[2]:
        with EntryForm("adenda") as a:
            left, right = st.columns(2)
            with left:
                number = a.text("amendment_number", placeholder="AD-0001")
                contract_a = a.pick("contract_number", open_contracts)
                amended_on = a.date("amended_on")
            with right:
                amendment_type = a.choice("amendment_type", renewal.AMENDMENT_TYPES)
                delta = a.number("devices_delta", value="0")
            description = a.text("description", area=True)
        if a.submitted:
            a.save(lambda s, actor: renewal.amend_contract(
                s, actor, amendment_number=number, contract_number=contract_a,
                amended_on=amended_on, amendment_type=amendment_type, devices_delta=delta,
                description=description),
                lambda row: success(t("ren_amended"), row.amendment_number))
    with tabs[3]:
        with EntryForm("cierre") as c:
            contract_c = c.pick("contract_number", open_contracts)
            closed_on = c.date("closed_on")
            reason = c.text("reason")
            retrieved = c.number("devices_retrieved", value="0")
        if c.submitted:
            c.save(lambda s, actor: renewal.close_contract(
                s, actor, contract_number=contract_c, closed_on=closed_on, reason=reason,
                devices_retrieved=retrieved),
                lambda row: success(t("ren_closed"), contract_c, row.closed_on))

    st.subheader(t("ren_expiring"))
    records_table(queries.expiring_contracts(), key="vencen-tabla", limit=queries.TABLE_LIMIT)
    st.subheader(t("ren_history"))
    frame = queries.renewal_history(search_box("renovacion-buscar"))
    if not frame.empty:
        frame["record"] = frame["record"].map(option_label)
    records_table(frame, key="renovacion-tabla", limit=queries.TABLE_LIMIT)
